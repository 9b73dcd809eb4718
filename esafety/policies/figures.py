"""Policy figures for the governance pages (see ``esafety.governance.evidence``): how many of the people asked to
acknowledge a policy this year did. Counts and percentages only, never a name."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from esafety.governance.evidence import Measure, Period, register
from esafety.policies.models import Acknowledgement, AcknowledgementRequest

if TYPE_CHECKING:
    from esafety.people.models import School


def acknowledgement_completion(school: School, period: Period) -> Measure:
    """Of everyone asked by a campaign that opened in the year, the share who acknowledged that version."""
    asked = list(
        AcknowledgementRequest.objects.filter(
            campaign__school=school, campaign__opens_on__gte=period.start, campaign__opens_on__lt=period.end
        ).values_list("campaign_id", "person_id", "campaign__version__policy__title")
    )
    if not asked:
        return Measure("No one was asked to acknowledge a policy this year", ok=None)
    done = set(
        Acknowledgement.objects.filter(campaign_id__in={c for c, _, _ in asked}).values_list(
            "campaign_id", "person_id"
        )
    )
    per_policy: dict[str, list[bool]] = defaultdict(list)
    for campaign_id, person_id, title in asked:
        per_policy[title].append((campaign_id, person_id) in done)
    total = sum(len(v) for v in per_policy.values())
    yes = sum(sum(v) for v in per_policy.values())
    percent = round(100 * yes / total, 1)
    return Measure(
        f"{yes} of {total} acknowledgements asked for were given ({percent:g}%)",
        value=percent,
        unit="%",
        series=tuple((title, round(100 * sum(v) / len(v), 1)) for title, v in sorted(per_policy.items())),
        series_unit="% acknowledged",
        rows=(("Asked", str(total)), ("Acknowledged", str(yes)), ("Still to acknowledge", str(total - yes))),
        ok=yes == total,
    )


register("policies.acknowledgement_completion", "Policy acknowledgements", acknowledgement_completion)
