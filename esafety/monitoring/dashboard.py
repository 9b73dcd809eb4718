from __future__ import annotations

from django.db.models import Count
from django.urls import reverse

from esafety.access import Action, can
from esafety.core.navigation import Panel
from esafety.core.types import SchoolRequest
from esafety.monitoring import allowlist
from esafety.monitoring.models import Alert


def panels(request: SchoolRequest) -> list[Panel]:
    school = getattr(request, "school", None)
    if not can(request.user, Action.VIEW_ALERTS, school):
        return []
    url = reverse("monitoring:alerts")
    new = dict(
        Alert.objects.filter(school=school, status=Alert.Status.NEW)
        .values_list("severity")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total = sum(new.values())
    urgent = new.get(5, 0)
    out = [
        Panel(
            title="New monitoring alerts",
            value=total,
            url=f"{url}?status=new",
            note="waiting for review" if total else "nothing waiting",
            tone="warn" if total else "good",
            items=[
                (f"Severity {s}: {new[s]}", f"{url}?status=new&severity={s}")
                for s in range(5, 0, -1)
                if new.get(s)
            ],
        ),
        Panel(
            title="Severity 5 not yet reviewed",
            value=urgent,
            url=f"{url}?status=new&severity=5",
            note="possible imminent risk to life: act now" if urgent else "none",
            tone="alert" if urgent else "good",
        ),
    ]
    # Words reviewers dismissed twice, for those who manage the lexicon: shown only when there are some.
    if (
        school is not None
        and can(request.user, Action.MANAGE_LEXICON, school)
        and (waiting := len(allowlist.proposals(school)))
    ):
        out.append(
            Panel(
                title="Allow-list proposals",
                value=waiting,
                url=reverse("monitoring:allow_list"),
                note=f"{waiting} allow-list proposal{'s' if waiting != 1 else ''}: words dismissed twice as"
                " false positives",
                tone="warn",
            )
        )
    return out
