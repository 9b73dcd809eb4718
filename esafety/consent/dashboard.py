from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from esafety.access import Action, can
from esafety.consent.models import Campaign, Consent, ConsentRequest
from esafety.core.navigation import Panel


def panels(request: HttpRequest) -> list[Panel]:
    school = request.school  # type: ignore[attr-defined]
    if not can(request.user, Action.MANAGE_CONSENTS, school):
        return []
    today = timezone.localdate()
    expiring = (
        Consent.objects.filter(
            school=school,
            answer=Consent.Answer.GRANTED,
            withdrawn_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=30),
        )
        .values("person")
        .distinct()
        .count()
    )
    waiting = ConsentRequest.objects.filter(
        campaign__school=school, campaign__status=Campaign.Status.OPEN, answered_at__isnull=True
    ).count()
    return [
        Panel(
            "Consent requests unanswered",
            waiting,
            url=reverse("consent:campaigns"),
            note=f"{expiring} people's consent ends within 30 days"
            if expiring
            else "no consent ends this month",
            tone="warn" if waiting or expiring else "good",
        )
    ]
