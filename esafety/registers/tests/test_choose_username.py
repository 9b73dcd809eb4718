"""User names by the school's convention, with collisions numbered, and generated passwords."""

from __future__ import annotations

from datetime import date

from django.test import SimpleTestCase

from esafety.registers import credentials
from esafety.registers.actions import issue_account
from esafety.registers.models import RegisterSettings
from esafety.test import BaseTestCase

DAY = date(2026, 12, 1)


class TestRenderUsername(SimpleTestCase):
    def test_it_follows_the_pattern(self) -> None:
        cases = [
            ("{f}{last}", "John", "Smith", "staff", "jsmith"),
            ("{first}.{last}", "John", "Smith", "staff", "john.smith"),
            ("{last}{f}{yy}", "John", "Smith", "staff", "smithj26"),
            ("{kind}.{first}{l}", "Owen", "Pritchard", "visitor", "visitor.owenp"),
            ("{kind}.{first}{l}", "Ravi", "Desai", "third_party", "thirdparty.ravid"),
            ("{f}{last}", "Siân", "O'Brien-Ünal", "staff", "sobrien-unal"),
            ("{first}.{last}", "Maximiliana", "Featherstonehaugh", "staff", "maximiliana.feathers"),
            ("{first}.{last}", "", "Cher", "staff", "cher"),
        ]
        for pattern, first, last, kind, expected in cases:
            with self.subTest(pattern=pattern, first=first, last=last):
                self.assertEqual(
                    credentials.render_username(pattern, first=first, last=last, kind=kind, today=DAY),
                    expected,
                )

    def test_it_numbers_collisions_within_the_length_limit(self) -> None:
        taken = {"jsmith", "jsmith2"}
        self.assertEqual(credentials.unique_username("jsmith", taken.__contains__), "jsmith3")
        long = "abcdefghijklmnopqrst"
        self.assertEqual(credentials.unique_username(long, {long}.__contains__), "abcdefghijklmnopqrs2")

    def test_it_rejects_bad_patterns(self) -> None:
        for pattern in ("{surname}", "plain", "{first} {last}", "{first}@{last}"):
            with self.subTest(pattern=pattern), self.assertRaises(credentials.BadPattern):
                credentials.check_pattern(pattern)

    def test_it_generates_strong_unambiguous_passwords(self) -> None:
        passwords = {credentials.generate_password(16) for _ in range(200)}
        self.assertEqual(len(passwords), 200)
        for password in passwords:
            self.assertEqual(len(password), 16)
            self.assertFalse(set(password) & set("0O1lI"))
            self.assertTrue(any(c.islower() for c in password) and any(c.isupper() for c in password))
            self.assertTrue(any(c.isdigit() for c in password))
        self.assertEqual(len(credentials.generate_password(4)), 12, "never shorter than 12")


class TestUsernameCollisions(BaseTestCase):
    def issue(self, first: str, last: str) -> str:
        account, _ = issue_account(
            school=self.school,
            issued_by=self.office,
            kind="staff",
            first_name=first,
            last_name=last,
            aup_on_paper=True,
        )
        return account.username

    def test_it_gives_the_second_john_smith_a_number_and_never_reuses_a_closed_name(self) -> None:
        first = self.issue("John", "Smith")
        self.assertEqual((first, self.issue("Jane", "Smith")), ("jsmith", "jsmith2"))
        from esafety.registers.models import NetworkAccount

        NetworkAccount.objects.filter(username="jsmith").update(status="expired")
        self.assertEqual(self.issue("Jack", "Smith"), "jsmith3")

    def test_it_keeps_schools_apart(self) -> None:
        self.issue("John", "Smith")
        account, _ = issue_account(
            school=self.sibling_school,
            issued_by=self.sibling,
            kind="staff",
            first_name="John",
            last_name="Smith",
            aup_on_paper=True,
        )
        self.assertEqual(account.username, "jsmith")

    def test_it_uses_the_schools_convention(self) -> None:
        RegisterSettings.objects.update_or_create(
            school=self.school, defaults={"username_pattern": "{first}.{last}"}
        )
        self.assertEqual(self.issue("John", "Smith"), "john.smith")

    def test_it_refuses_a_bad_convention_in_the_settings_form(self) -> None:
        self.login(self.technician)
        from django.urls import reverse

        response = self.client.post(
            reverse("registers:settings"),
            {
                "username_pattern": "{surname}",
                "temporary_username_pattern": "{kind}.{first}",
                "password_length": "16",
                "av_stale_days": "7",
                "os_stale_days": "35",
                "access_review_days": "91",
            },
        )
        self.assertContains(response, "unknown placeholder {surname}")
        self.assertEqual(RegisterSettings.for_school(self.school).username_pattern, "{f}{last}")
