"""The base test case and its personas.

Every room's tests start from ``BaseTestCase``: one trust with Hollybrook (the school under test) and a second
school, plus a school in another trust. Personas are named by what they do, so a test reads as a story:

- ``head``, ``deputy``, ``coordinator`` (also DSL), ``technician``, ``teacher``, ``teacher2``, ``office``,
  ``governor``: staff of Hollybrook with those roles;
- ``trust_lead``: trust safeguarding lead across the trust's schools;
- ``sibling``: co-ordinator at the trust's other school, Riverside, who must not see Hollybrook's records;
- ``outsider``: Headteacher and co-ordinator of a school in another trust, who must see nothing at all;
- ``pupil``, ``pupil2`` (Year 2), ``parent`` (of ``pupil``), ``staff_member`` (Hollybrook staff, no login).

``self.login(user)`` signs in with a completed two-factor check, so the 2FA requirement stays on in tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar
from urllib.parse import urlencode

from django.contrib.auth.hashers import make_password
from django.test import TestCase
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from esafety.accounts.models import Role, RoleAssignment, User
from esafety.people.models import Guardianship, Person, School, Trust

PASSWORD = "correct horse battery staple"


def refusing_database(error: Exception, *, writes_only: bool = False) -> Callable[..., Any]:
    """A wrapper for ``connection.execute_wrapper`` under which the real connection fails every query (or every
    INSERT/UPDATE/DELETE) with ``error``, as a database server that went away does: the request meets the failure
    wherever it first asks the database, instead of a patched function pretending to."""

    def refuse(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if writes_only and not sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            return execute(sql, params, many, context)
        raise error

    return refuse


@cache
def _password_hash() -> str:
    # Argon2 on purpose (the production hasher), computed once per test run.
    return make_password(PASSWORD)


def make_person(school: School, kind: str, first: str, last: str, **extra: Any) -> Person:
    return Person.objects.create(school=school, kind=kind, first_name=first, last_name=last, **extra)


def make_user(
    username: str,
    school: School,
    *roles: Role,
    trust: Trust | None = None,
    trust_roles: tuple[Role, ...] = (),
) -> User:
    person = make_person(
        school, Person.Kind.STAFF, username.title(), "Tester", email=f"{username}@school.example"
    )
    user = User.objects.create(
        username=username,
        password=_password_hash(),
        school=school,
        person=person,
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
    )
    for role in roles:
        RoleAssignment.objects.create(user=user, role=role, school=school)
    for role in trust_roles:
        RoleAssignment.objects.create(user=user, role=role, trust=trust)
    return user


class BaseTestCase(TestCase):
    trust: Trust
    school: School
    sibling_school: School
    other_school: School
    head: User
    deputy: User
    coordinator: User
    technician: User
    teacher: User
    teacher2: User
    office: User
    governor: User
    trust_lead: User
    sibling: User
    outsider: User
    pupil: Person
    pupil2: Person
    parent: Person
    staff_member: Person

    @classmethod
    def setUpTestData(cls) -> None:
        cls.trust = Trust.objects.create(name="Test Trust", slug="test-trust")
        cls.school = School.objects.create(trust=cls.trust, name="Hollybrook Primary", slug="hollybrook")
        cls.sibling_school = School.objects.create(trust=cls.trust, name="Riverside Infant", slug="riverside")
        other_trust = Trust.objects.create(name="Elsewhere Trust", slug="elsewhere")
        cls.other_school = School.objects.create(
            trust=other_trust, name="Elsewhere Academy", slug="elsewhere"
        )

        cls.head = make_user("head", cls.school, Role.HEAD)
        cls.deputy = make_user("deputy", cls.school, Role.DEPUTY, Role.TEACHER)
        cls.coordinator = make_user("coordinator", cls.school, Role.COORDINATOR, Role.DSL, Role.TEACHER)
        cls.technician = make_user("technician", cls.school, Role.TECHNICIAN)
        cls.teacher = make_user("teacher", cls.school, Role.TEACHER)
        cls.teacher2 = make_user("teacher2", cls.school, Role.TEACHER)
        cls.office = make_user("office", cls.school, Role.OFFICE)
        cls.governor = make_user("governor", cls.school, Role.GOVERNOR)
        cls.trust_lead = make_user(
            "trustlead", cls.school, trust=cls.trust, trust_roles=(Role.TRUST_SAFEGUARDING,)
        )
        cls.sibling = make_user("sibling", cls.sibling_school, Role.COORDINATOR, Role.TEACHER)
        cls.outsider = make_user("outsider", cls.other_school, Role.HEAD, Role.COORDINATOR)

        cls.pupil = make_person(
            cls.school,
            Person.Kind.PUPIL,
            "Ava",
            "Ashdown",
            year_group="Year 2",
            class_name="Kestrels",
            mis_id="P1",
        )
        cls.pupil2 = make_person(
            cls.school,
            Person.Kind.PUPIL,
            "Leo",
            "Bramley",
            year_group="Year 2",
            class_name="Kestrels",
            mis_id="P2",
        )
        cls.parent = make_person(cls.school, Person.Kind.PARENT, "Dawn", "Ashdown", mis_id="C1")
        Guardianship.objects.create(parent=cls.parent, pupil=cls.pupil, relationship="Mother")
        cls.staff_member = make_person(cls.school, Person.Kind.STAFF, "Mark", "Staffer", mis_id="S99")

    def login(self, user: User, *, verified: bool = True) -> None:
        """Sign ``user`` in; ``verified`` also completes the two-factor step for this session."""
        self.client.force_login(user)
        if verified:
            device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
            session = self.client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    @property
    def staff_personas(self) -> dict[str, User]:
        return {
            "head": self.head,
            "deputy": self.deputy,
            "coordinator": self.coordinator,
            "technician": self.technician,
            "teacher": self.teacher,
            "teacher2": self.teacher2,
            "office": self.office,
            "governor": self.governor,
            "trust_lead": self.trust_lead,
            "sibling": self.sibling,
            "outsider": self.outsider,
        }


# --- Access tables -------------------------------------------------------------------------------------------
#
# Each room writes down by hand, from its issue and the policy, who may open or post to each of its URLs, in
# ``esafety/<room>/tests/access_matrix.py`` as ``MATRIX: list[Route]``. The expected answers come from that
# table, never from ``esafety.access``: change a row of the access rules and a cell here names what moved.

ANONYMOUS = "anonymous"
SIGN_IN = -302  # how ``answer`` reports a redirect to the sign-in page (told apart from any other redirect)
PERSONAS = (
    "head",
    "deputy",
    "coordinator",
    "technician",
    "teacher",
    "teacher2",
    "office",
    "governor",
    "trust_lead",
    "sibling",
    "outsider",
)


@dataclass(frozen=True)
class Route:
    """One URL and who may use it.

    ``allowed`` names personas of ``BaseTestCase`` (and ``ANONYMOUS`` for public pages). An allowed GET answers
    200; an allowed POST answers anything but 403/404 (a redirect after success, or the form again). Every other
    signed-in persona gets ``refused`` (403 for a page, 404 for a record of which the URL names the id, so a
    refusal never confirms the record exists); an anonymous visitor who is not allowed is sent to sign in.
    ``kwargs`` and ``data`` build, inside the test, the objects the URL names and the body it posts.

    Three refinements, each optional: ``forbidden`` names personas refused with 403 by their role before a record
    is looked up (a governor, who has no access to the log at all, on a URL naming an incident) while the rest get
    ``refused``; ``status`` is what an allowed request answers when it must be exactly that (the second-factor page
    sends a verified user on with 302; signing out ends on the sign-in page); ``anonymous`` is what a visitor who is not allowed gets when it is not a redirect
    to sign in (the API answers 401 or 403).
    """

    name: str
    allowed: frozenset[str]
    method: str = "GET"
    kwargs: Callable[[BaseTestCase], dict[str, Any]] | None = None
    data: Callable[[BaseTestCase], dict[str, Any]] | None = None
    refused: int = 403
    forbidden: frozenset[str] = frozenset()
    status: int = 200
    anonymous: int = 302


def route(
    name: str,
    *allowed: str,
    method: str = "GET",
    kwargs: Callable[[BaseTestCase], dict[str, Any]] | None = None,
    data: Callable[[BaseTestCase], dict[str, Any]] | None = None,
    refused: int = 403,
    forbidden: tuple[str, ...] = (),
    status: int = 200,
    anonymous: int = 302,
) -> Route:
    unknown = (set(allowed) | set(forbidden)) - set(PERSONAS) - {ANONYMOUS}
    assert not unknown, f"no such persona: {unknown}"
    assert not set(allowed) & set(forbidden), f"{name}: allowed and forbidden at once"
    return Route(
        name, frozenset(allowed), method, kwargs, data, refused, frozenset(forbidden), status, anonymous
    )


class AccessMatrixTestCase(BaseTestCase):
    """Walks ``matrix`` for every persona and the anonymous visitor. Subclass with ``matrix = MATRIX``."""

    matrix: ClassVar[list[Route]] = []
    maxDiff = None
    __test__ = False  # this base itself has no table; pytest collects each subclass

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.__test__ = True

    def persona(self, name: str) -> User | None:
        return None if name == ANONYMOUS else self.staff_personas[name]

    def answer(self, row: Route, who: str) -> int:
        self.client.logout()
        user = self.persona(who)
        if user is not None:
            self.login(user)
        url = reverse(row.name, kwargs=row.kwargs(self) if row.kwargs else None)
        if row.method == "GET":
            response = self.client.get(url)
        else:
            response = self.client.generic(
                row.method,
                url,
                urlencode(row.data(self) if row.data else {}, doseq=True),
                content_type="application/x-www-form-urlencoded",
            )
        if response.status_code == 302 and "/accounts/login/" in response["Location"]:
            return SIGN_IN
        return response.status_code

    def expected(self, row: Route, who: str) -> str:
        """The table's answer for ``who``, as text: "200", "302", "not 403/404", "sign-in"..."""
        if who in row.allowed:
            return str(row.status) if row.method == "GET" or row.status != 200 else "allowed"
        if who == ANONYMOUS:
            return "sign-in" if row.anonymous == 302 else str(row.anonymous)
        return str(403 if who in row.forbidden else row.refused)

    def test_it_answers_every_persona_as_the_table_says(self) -> None:
        assert self.matrix, "an empty access table proves nothing"
        moved = []
        for row in self.matrix:
            for who in (*PERSONAS, ANONYMOUS):
                status = self.answer(row, who)
                got = "sign-in" if status == SIGN_IN else str(status)
                want = self.expected(row, who)
                if want == "allowed":
                    if status in (403, 404, SIGN_IN):
                        moved.append(
                            f"{row.method} {row.name} as {who}: allowed in the table, answered {got}"
                        )
                elif got != want and not (want == "302" and status == SIGN_IN):
                    moved.append(f"{row.method} {row.name} as {who}: {want} in the table, answered {got}")
        # One failure naming every cell that moved, rather than the first of them.
        self.assertEqual(moved, [])
