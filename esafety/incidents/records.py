"""The safeguarding log under data protection: how long incidents are kept, their disposal, and what a subject
access export holds about a person (see ``esafety.governance.disposal``).

Three record types, because KCSIE and the IRMS toolkit keep them for different lengths:

- child-protection records (an incident involving a pupil): until the youngest pupil's date of birth + 25 years;
- allegations against staff (restricted incidents): until the member of staff's normal retirement age or 10
  years from the allegation, whichever is longer;
- other incidents (no pupil, not about staff): a school-set number of years after they happened.

A record whose clock cannot be started (a pupil with no date of birth) is kept and counted as undated.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from django.utils import timezone

from esafety.access import Action, can
from esafety.governance.disposal import (
    Disposed,
    Holds,
    RecordType,
    Section,
    Unit,
    add_years,
    register_gatherer,
    register_record_type,
)
from esafety.incidents.models import Incident, IncidentPerson
from esafety.people.models import Person

if TYPE_CHECKING:
    from collections.abc import Callable

    from esafety.accounts.models import User
    from esafety.people.models import School

# State pension age in the UK (67 from 2028): the "normal retirement age" KCSIE's allegation rule counts to.
RETIREMENT_AGE = 67

CHILD_PROTECTION = "incidents.child_protection"
ALLEGATION = "incidents.allegation"
OTHER = "incidents.other"


def _people(incidents: list[Incident]) -> dict[int, list[Person]]:
    found: dict[int, list[Person]] = {incident.pk: [] for incident in incidents}
    for link in IncidentPerson.objects.filter(incident__in=incidents).select_related("person"):
        found[link.incident_id].append(link.person)
    return found


def _remove(incident: Incident) -> None:
    for evidence in incident.evidence.all():
        evidence.file.delete(save=False)  # the file on disk goes with the row
    incident.delete()


def _dispose(
    school: School,
    today: date,
    holds: Holds,
    key: str,
    incidents: list[Incident],
    due: Callable[[Incident, list[Person]], date | None],
) -> Disposed:
    result = Disposed()
    people = _people(incidents)
    for incident in incidents:
        involved = people[incident.pk]
        if holds.covers(key, incident.pk, {p.pk for p in involved}):
            result.held += 1
            continue
        when = due(incident, involved)
        if when is None:
            result.undated += 1
        elif when <= today:
            _remove(incident)
            result.removed += 1
    return result


def _occurred(incident: Incident) -> date:
    return timezone.localtime(incident.occurred_at).date()


def dispose_child_protection(school: School, years: int, today: date, holds: Holds) -> Disposed:
    incidents = list(
        Incident.objects.filter(
            school=school, restricted=False, involvements__person__kind=Person.Kind.PUPIL
        ).distinct()
    )

    def due(incident: Incident, involved: list[Person]) -> date | None:
        pupils = [p for p in involved if p.kind == Person.Kind.PUPIL]
        if any(p.date_of_birth is None for p in pupils):
            return None
        return max(add_years(p.date_of_birth, years) for p in pupils)  # type: ignore[arg-type]

    return _dispose(school, today, holds, CHILD_PROTECTION, incidents, due)


def dispose_allegations(school: School, years: int, today: date, holds: Holds) -> Disposed:
    incidents = list(Incident.objects.filter(school=school, restricted=True))

    def due(incident: Incident, involved: list[Person]) -> date | None:
        staff = [p for p in involved if p.kind != Person.Kind.PUPIL and p.kind != Person.Kind.PARENT]
        if not staff or any(p.date_of_birth is None for p in staff):
            return None  # retirement age cannot be worked out: keep
        retirement = max(add_years(p.date_of_birth, RETIREMENT_AGE) for p in staff)  # type: ignore[arg-type]
        return max(retirement, add_years(_occurred(incident), years))

    return _dispose(school, today, holds, ALLEGATION, incidents, due)


def dispose_other(school: School, years: int, today: date, holds: Holds) -> Disposed:
    incidents = list(
        Incident.objects.filter(school=school, restricted=False).exclude(
            involvements__person__kind=Person.Kind.PUPIL
        )
    )
    return _dispose(
        school, today, holds, OTHER, incidents, lambda incident, _: add_years(_occurred(incident), years)
    )


register_record_type(
    RecordType(
        CHILD_PROTECTION,
        "Child-protection records (incidents involving a pupil)",
        "incidents",
        Unit.YEARS,
        25,
        "after the youngest pupil's date of birth",
        "IRMS Information Management Toolkit for Schools (2019), 1.1; Keeping Children Safe in Education",
        dispose_child_protection,
    )
)
register_record_type(
    RecordType(
        ALLEGATION,
        "Allegations against staff (restricted incidents)",
        "incidents",
        Unit.YEARS,
        10,
        f"after the allegation, or until the member of staff's retirement age ({RETIREMENT_AGE}) if later",
        "Keeping Children Safe in Education, Part 4; IRMS toolkit (2019), 2.1",
        dispose_allegations,
    )
)
register_record_type(
    RecordType(
        OTHER,
        "Other online-safety incidents (no pupil, not about staff)",
        "incidents",
        Unit.YEARS,
        6,
        "after the incident",
        "School-set (IRMS toolkit: current year + 6 years for general records)",
        dispose_other,
    )
)


# --- Subject access -------------------------------------------------------------------------------------------

THIRD_PARTY = "[another person]"


def redact_names(text: str, others: list[Person]) -> tuple[str, int]:
    """Replace other people's names in ``text``; returns the text and how many replacements were made."""
    names = {
        part
        for person in others
        for part in (
            person.full_name,
            f"{person.first_name} {person.last_name}",
            person.first_name,
            person.last_name,
            person.preferred_name,
        )
        if part and len(part) > 1
    }
    if not names:
        return text, 0
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b", re.I
    )
    return pattern.subn(THIRD_PARTY, text)


def gather(school: School, person: Person, requester: User) -> Section:
    section = Section("Safeguarding log")
    links = list(
        IncidentPerson.objects.filter(person=person, incident__school=school)
        .select_related("incident")
        .order_by("incident__occurred_at")
    )
    may_release_restricted = can(requester, Action.VIEW_RESTRICTED_INCIDENTS, school)
    withheld = sum(1 for link in links if link.incident.restricted and not may_release_restricted)
    if withheld:
        section.redactions.append(
            f"{withheld} record(s) about a member of staff withheld: only the Headteacher may release them."
        )
    replaced_total = 0
    evidence_files = 0
    for link in links:
        incident = link.incident
        if incident.restricted and not may_release_restricted:
            continue
        others = [p for p in incident.people.all() if p.pk != person.pk]
        description, replaced = redact_names(incident.description, others)
        replaced_total += replaced
        outcomes = []
        for outcome in incident.outcomes.all():
            notes, count = redact_names(outcome.notes, others)
            replaced_total += count
            outcomes.append(outcome.get_kind_display() + (f": {notes}" if notes else ""))
        evidence_files += incident.evidence.count()
        section.entries.append(
            {
                "Record": incident.label,
                "Date": f"{timezone.localtime(incident.occurred_at):%d %b %Y}",
                "Category": incident.get_category_display(),
                "Role in it": link.get_role_display(),
                "Status": incident.get_status_display(),
                "What was recorded": description,
                "Outcomes": "; ".join(outcomes) or "none recorded",
                "Other people involved": f"{len(others)} (not named)" if others else "none",
            }
        )
    if replaced_total:
        section.redactions.append(
            f"{replaced_total} mention(s) of other people's names replaced with {THIRD_PARTY}."
        )
    if links:
        section.redactions.append(
            "Who reported each incident and staff notes on the timeline are left out (third parties)."
        )
    if evidence_files:
        section.redactions.append(
            f"{evidence_files} evidence file(s) not included: each is reviewed for other people's information before release."
        )
    return section


register_gatherer("incidents", "Safeguarding log", gather)
