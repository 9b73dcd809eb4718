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

from functools import cache
from typing import Any

from django.contrib.auth.hashers import make_password
from django.test import TestCase
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from esafety.accounts.models import Role, RoleAssignment, User
from esafety.people.models import Guardianship, Person, School, Trust

PASSWORD = "correct horse battery staple"


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
