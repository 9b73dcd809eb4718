"""Who hears about a new report, and how it is flagged: the policy's routing rules, each stated once.

``route()`` is pure: it takes what the report says and returns a ``Route``. ``actions.report_incident`` applies it
(sets the flags, e-mails the roles). To change how reports travel, change a rule here and its test in
``tests/test_route_incidents.py``.

The policy (E-Safety Policy, "Security" and "Inappropriate use"):
- everyone reports incidents to the E-Safety Co-ordinator                         -> ``to_coordinator``
- inappropriate e-mails must be reported to the Headteacher as soon as possible   -> ``email_to_head``
- suspected illegal activity goes directly to the Headteacher or SLT              -> ``illegal_to_head``
- breaches by staff are investigated by the Headteacher                           -> ``staff_restricted``
An inappropriate *site* goes to the Co-ordinator "who will report it to the Headteacher": that is the
Co-ordinator's escalation step, not an automatic route.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from esafety.accounts.models import Role
from esafety.incidents.models import Category
from esafety.people.models import Person

# Kinds of person whose conduct makes a report "about a member of staff".
STAFF_KINDS = frozenset({Person.Kind.STAFF, Person.Kind.SUPPLY, Person.Kind.TRAINEE})


@dataclass(frozen=True)
class Report:
    """What routing looks at: the category, who the report is about, and the reporter's own flags."""

    category: str
    subject_kinds: frozenset[str] = frozenset()
    about_staff: bool = False
    urgent: bool = False


@dataclass
class Route:
    notify: set[Role] = field(default_factory=set)
    urgent: bool = False
    restricted: bool = False
    rules: list[str] = field(default_factory=list)
    # Restricted reports also go to the deputy the school names in its incident settings.
    notify_named_deputy: bool = False


def to_coordinator(report: Report, route: Route) -> bool:
    route.notify.add(Role.COORDINATOR)
    route.urgent = route.urgent or report.urgent
    return True


def email_to_head(report: Report, route: Route) -> bool:
    if report.category != Category.INAPPROPRIATE_EMAIL:
        return False
    route.notify.add(Role.HEAD)
    route.urgent = True
    return True


def illegal_to_head(report: Report, route: Route) -> bool:
    if report.category != Category.ILLEGAL_ACTIVITY:
        return False
    route.notify.add(Role.HEAD)
    route.urgent = True
    return True


def staff_restricted(report: Report, route: Route) -> bool:
    """Last, because it overrides the others: a report about staff reaches only the Head and named deputy."""
    if not (
        report.about_staff
        or report.category == Category.STAFF_AUP_BREACH
        or report.subject_kinds & STAFF_KINDS
    ):
        return False
    route.restricted = True
    route.notify = {Role.HEAD}
    route.notify_named_deputy = True
    return True


RULES: list[Callable[[Report, Route], bool]] = [
    to_coordinator,
    email_to_head,
    illegal_to_head,
    staff_restricted,
]
DESCRIPTIONS = {
    "to_coordinator": "to the E-Safety Co-ordinator's queue",
    "email_to_head": "inappropriate e-mail: Headteacher told at once, urgent",
    "illegal_to_head": "suspected illegal activity: Headteacher told at once, urgent",
    "staff_restricted": "about a member of staff: restricted to the Headteacher and named deputy",
}


def describe(route: Route) -> str:
    """The route in words, for the incident's timeline."""
    rules = [rule for rule in route.rules if not (route.restricted and rule == "to_coordinator")]
    return "; ".join(DESCRIPTIONS.get(rule, rule) for rule in rules)


def route(report: Report) -> Route:
    result = Route()
    for rule in RULES:
        if rule(report, result):
            result.rules.append(rule.__name__)
    return result


def report_for(
    category: str, people: Iterable[tuple[Person, str]], *, about_staff: bool, urgent: bool
) -> Report:
    from esafety.incidents.models import IncidentPerson

    subject_kinds = frozenset(person.kind for person, role in people if role == IncidentPerson.Role.SUBJECT)
    return Report(category=category, subject_kinds=subject_kinds, about_staff=about_staff, urgent=urgent)
