"""What the governance dashboard and the governors' report show, built once for both (and the PDF).

Nothing here names a child or a member of staff: figures come from the evidence registry (which carries no
names by contract), responsible people are shown as roles, and action owners by their role.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.safestring import SafeString

from esafety.access import roles_at
from esafety.accounts.models import Role
from esafety.audit.models import ChainCheck
from esafety.governance import charts, evidence
from esafety.governance.models import FilteringReview, ResponsiblePeople, ReviewAction

if TYPE_CHECKING:
    from esafety.people.models import School

# The order in which a role describes a person on the report, most senior first.
_ROLE_ORDER = [
    Role.HEAD,
    Role.DEPUTY,
    Role.COORDINATOR,
    Role.DSL,
    Role.TECHNICIAN,
    Role.TEACHER,
    Role.OFFICE,
    Role.GOVERNOR,
]

GROUPS = (
    ("Safeguarding log", ("incidents.by_category", "incidents.by_month", "incidents.response")),
    ("Monitoring", ("monitoring.alerts_by_severity", "monitoring.time_to_review")),
    ("Filtering", ("filtering.test_results", "filtering.blocks", "filtering.change_requests")),
    (
        "Policies, consent and devices",
        ("policies.acknowledgement_completion", "consent.completion", "registers.antivirus_freshness"),
    ),
    (
        "Training and curriculum",
        (
            "training.compliance",
            "training.named_people",
            "curriculum.coverage",
            "curriculum.resource_reviews",
        ),
    ),
    ("Oversight", ("governance.responsible_people", "governance.last_review", "governance.overdue_actions")),
)


@dataclass(frozen=True)
class Card:
    evidence: evidence.Evidence
    chart: SafeString | None


@dataclass
class Overview:
    period: evidence.Period
    groups: list[tuple[str, list[Card]]]
    named: list[tuple[str, bool]]
    providers: dict[str, str]
    review: FilteringReview | None
    verdicts: dict[str, int] = field(default_factory=dict)
    bases: dict[str, int] = field(default_factory=dict)
    actions: list[dict[str, Any]] = field(default_factory=list)
    chain: ChainCheck | None = None

    @property
    def not_recorded(self) -> list[evidence.Evidence]:
        return [card.evidence for _, cards in self.groups for card in cards if not card.evidence.recorded]


def role_label(user: Any, school: School) -> str:
    roles = roles_at(user, school)
    for role in _ROLE_ORDER:
        if role in roles:
            return Role(role).label
    return "Member of staff"


def overview(school: School, period: evidence.Period) -> Overview:
    figures = evidence.collect(school, period)
    groups = []
    for title, keys in GROUPS:
        cards = []
        for key in keys:
            found = figures[key]
            chart = (
                charts.bar_chart(found.label, found.measure.series, found.measure.series_unit)
                if found.measure and found.measure.series
                else None
            )
            cards.append(Card(found, chart))
        groups.append((title, cards))
    people = ResponsiblePeople.objects.filter(school=school).first()
    named = people.named() if people else [(label, False) for _, label in ResponsiblePeople.ROLES]
    providers = {}
    if people:
        for label, value in (
            ("IT service provider", people.it_provider),
            ("Filtering", people.filtering_provider),
            ("Monitoring", people.monitoring_provider),
        ):
            if value:
                providers[label] = value  # organisations, not people
    review = FilteringReview.objects.filter(school=school, year=period.first_year).first()
    result = Overview(
        period, groups, named, providers, review, chain=ChainCheck.objects.order_by("-at").first()
    )
    if review:
        answers = list(review.answers.all())
        result.verdicts = dict(Counter(a.get_verdict_display() for a in answers))
        result.bases = dict(Counter(a.get_basis_display() for a in answers))
        result.actions = [
            {
                "title": action.title,
                "owner": role_label(action.owner, school),
                "due_on": action.due_on,
                "done": action.done_at is not None,
            }
            for action in ReviewAction.objects.filter(review=review).select_related("owner")
        ]
    return result
