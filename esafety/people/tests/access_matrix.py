"""Who may use the people directory, written by hand from the access issue: every member of staff looks people
up (not governors, who have no need to know pupils' details); the Head, the deputy and the office keep the
directory (add, edit, import, export). A person of another school is 404, even to a Head there."""

from __future__ import annotations

from esafety.test import PERSONAS, BaseTestCase, route

VIEWERS = tuple(name for name in PERSONAS if name != "governor")  # every member of staff, at their own school
KEEPERS = ("head", "deputy", "office", "outsider")  # the outsider is Head of their own school
HOLLYBROOK_VIEWERS = tuple(name for name in VIEWERS if name not in ("sibling", "outsider"))
OTHER_SCHOOLS = ("sibling", "outsider")
NOT_KEEPERS = tuple(name for name in VIEWERS + ("governor",) if name not in KEEPERS and name != "sibling")


def _pupil(case: BaseTestCase) -> dict[str, int]:
    return {"person_id": case.pupil.pk}


def _riverside_person(case: BaseTestCase) -> dict[str, int]:
    from esafety.people.models import Person
    from esafety.test import make_person

    person = make_person(case.sibling_school, Person.Kind.PUPIL, "Rowan", "Riverside")
    return {"person_id": person.pk}


MATRIX = [
    route("people:list", *VIEWERS),
    route("people:new", *KEEPERS),
    route("people:new", *KEEPERS, method="POST", data=lambda case: {}),
    route("people:detail", *HOLLYBROOK_VIEWERS, kwargs=_pupil, refused=404, forbidden=("governor",)),
    route("people:detail", "sibling", kwargs=_riverside_person, refused=404, forbidden=("governor",)),
    route(
        "people:edit",
        "head",
        "deputy",
        "office",
        kwargs=_pupil,
        refused=404,
        forbidden=tuple(name for name in NOT_KEEPERS if name != "outsider") + ("sibling",),
    ),
    route(
        "people:edit",
        "head",
        "deputy",
        "office",
        method="POST",
        kwargs=_pupil,
        data=lambda case: {},
        refused=404,
        forbidden=tuple(name for name in NOT_KEEPERS if name != "outsider") + ("sibling",),
    ),
    route("people:import", *KEEPERS),
    route("people:import", *KEEPERS, method="POST", data=lambda case: {}),
    route("people:import_ctf", *KEEPERS),
    route("people:import_ctf", *KEEPERS, method="POST", data=lambda case: {}),
    route("people:import_oneroster", *KEEPERS),
    route("people:import_oneroster", *KEEPERS, method="POST", data=lambda case: {}),
    route("people:export", *KEEPERS),
    # The people picker's search (htmx): the directory's own readers, never governors (need to know).
    route("people:pick", *VIEWERS),
    route("api-people", *VIEWERS, anonymous=401),
]
