from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from esafety.access import Action, can
from esafety.core.navigation import Panel
from esafety.policies import actions
from esafety.policies.models import AcknowledgementCampaign, Policy


def panels(request: HttpRequest) -> list[Panel]:
    school = request.school  # type: ignore[attr-defined]
    user = request.user
    result = []
    if can(user, Action.ACKNOWLEDGE_POLICY, school):
        owed = actions.pending_for(getattr(user, "person", None)).filter(campaign__school=school)
        count = owed.count()
        if count:
            result.append(
                Panel(
                    "Policies to acknowledge",
                    count,
                    url=reverse("policies:mine"),
                    note="waiting for you to read and acknowledge",
                    tone="warn",
                    items=[
                        (item.campaign.version.policy.title, reverse("policies:mine")) for item in owed[:5]
                    ],
                )
            )
    # "Overdue ones flagged on the Head's and governors' dashboards."
    if can(user, Action.VIEW_POLICY_REVIEWS, school):
        today = timezone.localdate()
        overdue = Policy.objects.filter(school=school, review_due__lt=today).order_by("review_due")
        soon = Policy.objects.filter(
            school=school, review_due__gte=today, review_due__lte=today + actions.REVIEW_WARNING
        ).count()
        count = overdue.count()
        result.append(
            Panel(
                "Policy reviews overdue",
                count,
                url=reverse("policies:reviews"),
                note=f"overdue for review; {soon} more due within a month"
                if count
                else f"none; {soon} due within a month",
                tone="alert" if count else "good",
                items=[
                    (f"{policy.title} (due {policy.review_due:%-d %b %Y})", reverse("policies:reviews"))
                    for policy in overdue[:5]
                ],
            )
        )
    if can(user, Action.MANAGE_POLICY_CAMPAIGNS, school):
        open_campaigns = AcknowledgementCampaign.objects.filter(
            school=school, status=AcknowledgementCampaign.Status.OPEN
        ).select_related("version__policy")
        items = []
        for campaign in open_campaigns[:5]:
            _, groups = actions.campaign_progress(campaign)
            done, total = sum(g.done for g in groups), sum(g.total for g in groups)
            items.append(
                (f"{campaign.title}: {done} of {total}", reverse("policies:campaign", args=[campaign.pk]))
            )
        if items:
            result.append(
                Panel(
                    "Acknowledgement campaigns",
                    open_campaigns.count(),
                    url=reverse("policies:campaigns"),
                    note="open",
                    items=items,
                )
            )
    return result
