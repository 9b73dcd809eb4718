"""``manage.py demo`` under ``make test``: every room's ``demo.build(ctx)`` runs (not only in the e2e journeys),
so a room whose builder breaks fails here first."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from esafety.accounts.models import User
from esafety.core.demo import build_demo
from esafety.core.navigation import room_modules
from esafety.incidents.models import Incident
from esafety.monitoring.models import Alert
from esafety.people.models import Person, School

PASSWORD = "demo-password-for-tests"


class BuildDemoTests(TestCase):
    def test_it_runs_every_rooms_builder_and_signs_the_demo_users_in(self) -> None:
        builders = {module.__name__ for module in room_modules("demo") if hasattr(module, "build")}
        # The rooms that have a demo today; a new room's builder joins by existing (and this set grows).
        self.assertLessEqual(
            {"esafety.people.demo", "esafety.incidents.demo", "esafety.monitoring.demo"}, builders
        )
        ctx = build_demo(PASSWORD)
        school = School.objects.get(slug="hollybrook")
        self.assertEqual((ctx.school, school.name), (school, "Hollybrook Primary School"))
        self.assertTrue(Person.objects.filter(school=school, kind=Person.Kind.PUPIL).exists())
        self.assertTrue(Incident.objects.filter(school=school).exists())
        self.assertTrue(Alert.objects.filter(school=school).exists())
        for username in ("head", "coordinator", "teacher", "governor", "riverside", "trustlead"):
            self.assertTrue(User.objects.get(username=username).check_password(PASSWORD), username)

    def test_it_refuses_a_second_demo_and_with_if_empty_only_resets_the_passwords(self) -> None:
        build_demo(PASSWORD)
        incidents = Incident.objects.count()
        with self.assertRaisesMessage(CommandError, "already exists"):
            call_command("demo", password="another-password", stdout=StringIO())
        out = StringIO()
        call_command("demo", "--if-empty", password="another-password", stdout=out)
        self.assertIn("already loaded", out.getvalue())
        self.assertEqual(Incident.objects.count(), incidents)
        head = User.objects.get(username="head")
        self.assertTrue(head.check_password("another-password"))
        self.assertFalse(head.check_password(PASSWORD))
