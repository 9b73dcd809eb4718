"""Who may use each training and curriculum URL, written by hand from issue 15 and the policy.

"Every member of staff sees their own; Co-ordinator and Head see all"; the curriculum is for staff; lessons are
recorded by those who teach; resources are reviewed by the (curriculum) co-ordinator. A URL naming a record
refuses with 404. ``sibling`` and ``outsider`` answer page URLs at their own school (co-ordinator, and head and
co-ordinator there), and get 404 for Hollybrook's records.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from esafety.people.models import Person
from esafety.test import BaseTestCase, route
from esafety.training.models import Attendance, InductionItem, Resource, SessionKind, TrainingSession

OWN = (
    "head",
    "deputy",
    "coordinator",
    "technician",
    "teacher",
    "teacher2",
    "office",
    "governor",
    "sibling",
    "outsider",
)
MANAGERS = ("head", "coordinator", "sibling", "outsider")
STAFF = (
    "head",
    "deputy",
    "coordinator",
    "technician",
    "teacher",
    "teacher2",
    "office",
    "sibling",
    "outsider",
)
TEACHING = ("head", "deputy", "coordinator", "teacher", "teacher2", "sibling", "outsider")


def _session(case: BaseTestCase, school: Any = None) -> TrainingSession:
    return TrainingSession.objects.create(
        school=school or case.school,
        kind=SessionKind.SAFEGUARDING_INSET,
        title="INSET",
        held_on=date(2026, 9, 2),
    )


def _teachers_attendance(case: BaseTestCase) -> Attendance:
    from django.core.files.base import ContentFile

    attendance = Attendance.objects.create(session=_session(case), person=case.teacher.person)
    attendance.certificate_extension, attendance.certificate_type, attendance.certificate_name = (
        "pdf",
        "application/pdf",
        "cert.pdf",
    )
    attendance.certificate.save("c.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return attendance


def _teachers_item(case: BaseTestCase) -> InductionItem:
    item, _ = InductionItem.objects.get_or_create(
        person=case.teacher.person,
        title="Test item",
        defaults={"school": case.school, "due_on": date(2026, 9, 10)},
    )
    return item


def _resource(case: BaseTestCase, school: Any = None) -> Resource:
    return Resource.objects.create(school=school or case.school, title="Smartie", strand="relationships")


def _session_data(case: BaseTestCase) -> dict[str, Any]:
    return {"kind": "esafety_briefing", "title": "Briefing", "held_on": "2026-10-01", "minutes": "45"}


MATRIX = [
    route("training:index", *OWN),
    route("training:sessions", *MANAGERS),
    route("training:sessions", *MANAGERS, method="POST", data=_session_data),
    route(
        "training:session",
        "head",
        "coordinator",
        kwargs=lambda c: {"session_id": _session(c).pk},
        refused=404,
    ),
    route(
        "training:session",
        "head",
        "coordinator",
        method="POST",
        kwargs=lambda c: {"session_id": _session(c).pk},
        data=lambda c: {"people": [c.teacher.person.pk]},
        refused=404,
    ),
    # Riverside's session: only Riverside's co-ordinator may open it; to Hollybrook it does not exist.
    route(
        "training:session",
        "sibling",
        kwargs=lambda c: {"session_id": _session(c, c.sibling_school).pk},
        refused=404,
    ),
    route(
        "training:upload_certificate",
        "head",
        "coordinator",
        "teacher",
        method="POST",
        kwargs=lambda c: {"attendance_id": _teachers_attendance(c).pk},
        refused=404,
    ),
    route(
        "training:certificate",
        "head",
        "coordinator",
        "teacher",
        kwargs=lambda c: {"attendance_id": _teachers_attendance(c).pk},
        refused=404,
    ),
    route(
        "training:induction_done",
        "head",
        "coordinator",
        "teacher",
        method="POST",
        kwargs=lambda c: {"item_id": _teachers_item(c).pk},
        refused=404,
    ),
    route("training:requirements", *MANAGERS),
    route(
        "training:requirements",
        *MANAGERS,
        method="POST",
        data=lambda c: {
            "kind": "assembly",
            "audience": "staff",
            "every_months": "12",
            "first_within_days": "30",
        },
    ),
    route("training:overdue", *MANAGERS),
    route("training:remind", *MANAGERS, method="POST"),
    route(
        "training:person",
        "head",
        "coordinator",
        kwargs=lambda c: {"person_id": c.teacher.person.pk},
        refused=404,
    ),
    route(
        "training:person",
        "sibling",
        kwargs=lambda c: {
            "person_id": Person.objects.create(
                school=c.sibling_school, kind="staff", first_name="R", last_name="S"
            ).pk
        },
        refused=404,
    ),
    route("curriculum:overview", *STAFF),
    route("curriculum:new_lesson", *TEACHING),
    route(
        "curriculum:new_lesson",
        *TEACHING,
        method="POST",
        data=lambda c: {
            "delivered_on": "2026-10-05",
            "year_group": "Year 2",
            "class_name": "Kestrels",
            "strand": "privacy",
            "title": "Passwords",
        },
    ),
    route(
        "curriculum:add_unit",
        *MANAGERS,
        method="POST",
        data=lambda c: {"year_group": "Year 1", "term": "spring", "strand": "health", "title": "Screen time"},
    ),
    route("curriculum:resources", *STAFF),
    route(
        "curriculum:add_resource",
        *MANAGERS,
        method="POST",
        data=lambda c: {"title": "Digiduck", "strand": "bullying"},
    ),
    route(
        "curriculum:review_resource",
        "head",
        "coordinator",
        method="POST",
        kwargs=lambda c: {"resource_id": _resource(c).pk},
        data=lambda c: {"note": "Still suitable"},
        refused=404,
    ),
    route(
        "curriculum:review_resource",
        "sibling",
        method="POST",
        kwargs=lambda c: {"resource_id": _resource(c, c.sibling_school).pk},
        data=lambda c: {"note": "Still suitable"},
        refused=404,
    ),
]
