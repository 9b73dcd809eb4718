"""Issuing and expiring network accounts of every type, and the one-time password that no record keeps."""

from __future__ import annotations

import io
import logging
import re
from datetime import timedelta
from typing import TYPE_CHECKING

from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from esafety.audit.models import AuditEntry
from esafety.core import schedule
from esafety.core.models import OutboundEmail
from esafety.people.models import Person
from esafety.registers.actions import expire_due_accounts
from esafety.registers.models import NetworkAccount
from esafety.test import BaseTestCase

if TYPE_CHECKING:
    # The test client's response type; it exists only in django-stubs.
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

TODAY = timezone.localdate


def slip_password(html: str) -> str:
    match = re.search(r'id="slip-password">([^<]+)<', html)
    assert match, "the slip shows the password"
    return match.group(1).replace(" ", "")


class CaptureEverything(logging.Handler):
    """Every log record written anywhere while it is attached, formatted as the server's log would be."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


class TestIssueNetworkAccount(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.office)
        self.trainee = Person.objects.create(
            school=self.school, kind=Person.Kind.TRAINEE, first_name="Kieran", last_name="Ashby"
        )

    def issue(self, **data: str) -> TestResponse:
        return self.client.post(reverse("registers:new_account"), {"aup_on_paper": "on", **data})

    def test_it_issues_a_permanent_staff_account_with_no_end(self) -> None:
        response = self.issue(kind="staff", person=str(self.staff_member.pk))
        self.assertEqual(response.status_code, 200)
        account = NetworkAccount.objects.get()
        self.assertEqual((account.username, account.kind, account.ends_on), ("mstaffer", "staff", None))
        self.assertContains(response, "mstaffer")

    def test_it_refuses_a_temporary_account_without_a_last_day(self) -> None:
        for kind in ("trainee", "supply"):
            with self.subTest(kind=kind):
                response = self.issue(kind=kind, person=str(self.trainee.pk))
                self.assertContains(response, "A temporary account needs its last day.", status_code=200)
        self.assertFalse(NetworkAccount.objects.exists())

    def test_it_issues_trainee_and_supply_accounts_with_their_last_day(self) -> None:
        last_day = TODAY() + timedelta(days=40)
        for kind in ("trainee", "supply"):
            self.issue(kind=kind, person=str(self.trainee.pk), ends_on=f"{last_day:%Y-%m-%d}")
        self.assertEqual(
            sorted(NetworkAccount.objects.values_list("kind", "username", "ends_on")),
            [("supply", "supply.kierana", last_day), ("trainee", "trainee.kierana", last_day)],
        )

    def test_it_needs_who_asked_why_and_until_when_for_accounts_on_request(self) -> None:
        for kind in ("visitor", "student", "third_party"):
            with self.subTest(kind=kind):
                response = self.issue(kind=kind, first_name="Owen", last_name="Pritchard")
                for message in (
                    "A temporary account needs its last day.",
                    "Record who asked.",
                    "Record why.",
                ):
                    self.assertContains(response, message)
        self.assertFalse(NetworkAccount.objects.exists())
        ends = f"{TODAY() + timedelta(days=1):%Y-%m-%d}"
        for kind in ("visitor", "student", "third_party"):
            self.issue(
                kind=kind,
                first_name="Owen",
                last_name="Pritchard",
                ends_on=ends,
                requested_by="Head",
                reason="Fair",
            )
        self.assertEqual(
            sorted(NetworkAccount.objects.values_list("username", flat=True)),
            ["student.owenp", "thirdparty.owenp", "visitor.owenp"],
        )

    def test_it_refuses_a_last_day_in_the_past(self) -> None:
        response = self.issue(
            kind="visitor",
            first_name="A",
            last_name="B",
            requested_by="x",
            reason="y",
            ends_on=f"{TODAY() - timedelta(days=1):%Y-%m-%d}",
        )
        self.assertContains(response, "The last day cannot be in the past.")

    def test_it_expires_each_temporary_type_after_its_last_day_and_records_it(self) -> None:
        ends = f"{TODAY():%Y-%m-%d}"
        for kind in ("trainee", "supply", "visitor", "student", "third_party"):
            self.issue(
                kind=kind, first_name="Tess", last_name=kind, ends_on=ends, requested_by="x", reason="y"
            )
        self.issue(kind="staff", person=str(self.staff_member.pk))
        self.assertEqual(expire_due_accounts(TODAY()), 0, "an account is valid all through its last day")
        self.assertEqual(expire_due_accounts(TODAY() + timedelta(days=1)), 5)
        self.assertEqual(
            dict(NetworkAccount.objects.values_list("kind", "status")),
            {
                "staff": "active",
                "trainee": "expired",
                "supply": "expired",
                "visitor": "expired",
                "student": "expired",
                "third_party": "expired",
            },
        )
        self.assertEqual(AuditEntry.objects.filter(action="network_account.expire").count(), 5)
        self.assertEqual(expire_due_accounts(TODAY() + timedelta(days=2)), 0, "expired once only")

    def test_it_expires_by_itself_on_a_schedule(self) -> None:
        periodic = schedule.REGISTRY["registers.expire_accounts"]
        self.assertLessEqual(periodic.every, timedelta(hours=1))
        self.assertEqual(periodic.task_path, "esafety.registers.tasks.expire_accounts")
        self.issue(
            kind="visitor",
            first_name="V",
            last_name="X",
            ends_on=f"{TODAY():%Y-%m-%d}",
            requested_by="x",
            reason="y",
        )
        out = io.StringIO()
        call_command("expire_accounts", "--as-of", f"{TODAY() + timedelta(days=1):%Y-%m-%d}", stdout=out)
        self.assertIn("expired 1 account", out.getvalue())

    def test_it_prints_a_slip_that_states_the_policies_filtering_and_monitoring(self) -> None:
        response = self.issue(kind="staff", person=str(self.staff_member.pk))
        self.assertEqual(response["Cache-Control"], "no-store")
        for words in ("Acceptable Use Policy", "filtered", "monitored", "Print the slip", "mstaffer"):
            self.assertContains(response, words)
        self.assertEqual(len(slip_password(response.content.decode())), 16)

    def test_it_never_stores_logs_emails_or_audits_the_plain_password(self) -> None:
        capture = CaptureEverything()
        root = logging.getLogger()
        old_level = root.level
        root.addHandler(capture)
        root.setLevel(logging.DEBUG)
        try:
            first = self.issue(kind="staff", person=str(self.staff_member.pk))
            account = NetworkAccount.objects.get()
            second = self.client.post(reverse("registers:account_password", args=[account.pk]))
        finally:
            root.removeHandler(capture)
            root.setLevel(old_level)
        passwords = [slip_password(first.content.decode()), slip_password(second.content.decode())]
        self.assertNotEqual(passwords[0], passwords[1])
        dump = io.StringIO()
        # Every table; django_rq (installed with the RQ backend) has a model but no table to dump.
        unmanaged = [label for label in ("django_rq",) if apps.is_installed(label)]
        call_command("dumpdata", exclude=unmanaged, stdout=dump)
        audit = " ".join(f"{e.action} {e.object_repr} {e.detail}" for e in AuditEntry.objects.all())
        emails = " ".join(f"{m.subject} {m.body}" for m in mail.outbox) + " ".join(
            f"{e.subject} {e.body}" for e in OutboundEmail.objects.all()
        )
        self.assertTrue(AuditEntry.objects.filter(action="network_account.issue").exists())
        for password in passwords:
            for grouped in (password, " ".join(password[i : i + 4] for i in range(0, 16, 4))):
                self.assertNotIn(grouped, dump.getvalue())
                self.assertNotIn(grouped, "\n".join(capture.lines))
                self.assertNotIn(grouped, emails)
                self.assertNotIn(grouped, audit)

    def test_it_shows_the_password_only_in_the_response_that_made_it(self) -> None:
        response = self.issue(kind="staff", person=str(self.staff_member.pk))
        password = slip_password(response.content.decode())
        account = NetworkAccount.objects.get()
        for url in (reverse("registers:accounts"), reverse("registers:account", args=[account.pk])):
            self.assertNotContains(self.client.get(url), password[:8])

    def test_it_issues_one_account_when_the_slip_is_reloaded(self) -> None:
        data = {"kind": "staff", "person": str(self.staff_member.pk), "token": "one-form"}
        first = self.issue(**data)
        self.assertEqual(first.status_code, 200)
        again = self.issue(**data)
        account = NetworkAccount.objects.get()
        self.assertEqual(
            (again.status_code, again["Location"]), (302, reverse("registers:account", args=[account.pk]))
        )
        self.assertContains(self.client.get(again["Location"]), "no second account was made")

    def test_it_disables_an_account_with_a_reason(self) -> None:
        self.issue(kind="staff", person=str(self.staff_member.pk))
        account = NetworkAccount.objects.get()
        self.client.post(
            reverse("registers:account_disable", args=[account.pk]), {"reason": "Left the school"}
        )
        account.refresh_from_db()
        self.assertEqual(
            (account.status, account.closed_by, account.closed_reason),
            ("disabled", self.office, "Left the school"),
        )
        self.assertTrue(AuditEntry.objects.filter(action="network_account.disable").exists())
