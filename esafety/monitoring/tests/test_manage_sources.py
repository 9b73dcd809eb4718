"""The sources page: list the school's sources, add and edit a journal mailbox (no password ever in the page),
switch sources on and off, and test the mailbox login the way ingestion logs in."""

from __future__ import annotations

import os
import socket
from io import StringIO
from pathlib import Path
from tempfile import TemporaryDirectory
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse

from esafety.audit.models import AuditEntry
from esafety.monitoring import actions
from esafety.monitoring.models import Source
from esafety.monitoring.tests.helpers import MonitoringTestCase

FORM = {
    "name": "Journal mailbox",
    "host": "mail.school.example",
    "port": "993",
    "ssl": "on",
    "user": "journal",
    "password_env": "ESAFETY_JOURNAL_PASSWORD",
    "mailbox": "INBOX",
    "processed_folder": "",
}


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SourcesTestCase(MonitoringTestCase):
    def mailbox(self, **config: object) -> Source:
        values = {
            "host": "127.0.0.1",
            "port": 993,
            "ssl": True,
            "user": "journal",
            "password_env": "JOURNAL_PW",
        }
        return Source.objects.create(
            school=self.school, name="Journal mailbox", kind=Source.Kind.IMAP, config=values | config
        )


class SourceAccessTests(SourcesTestCase):
    def test_it_opens_the_page_to_the_roles_of_the_matrix(self) -> None:
        source = self.mailbox()
        pages = [
            reverse("monitoring:sources"),
            reverse("monitoring:source_new"),
            reverse("monitoring:source_edit", args=[source.pk]),
        ]
        for user, status in [
            (self.technician, 200),
            (self.coordinator, 200),
            (self.head, 200),
            (self.teacher, 403),
            (self.governor, 403),
            (self.office, 403),
            (self.deputy, 403),
        ]:
            self.login(user)
            for page in pages:
                self.assertEqual(self.client.get(page).status_code, status, f"{user.username} {page}")
            response = self.client.post(
                reverse("monitoring:source_active", args=[source.pk]), {"active": "0"}
            )
            self.assertEqual(response.status_code, 302 if status == 200 else 403, user.username)
            self.client.logout()

    def test_it_hides_another_schools_source(self) -> None:
        source = self.mailbox()
        for user in (self.sibling, self.outsider):
            self.login(user)
            self.assertEqual(
                self.client.get(reverse("monitoring:source_edit", args=[source.pk])).status_code, 404
            )
            for name in ("monitoring:source_active", "monitoring:source_test"):
                self.assertEqual(self.client.post(reverse(name, args=[source.pk])).status_code, 404)
            self.assertNotContains(self.client.get(reverse("monitoring:sources")), "Journal mailbox")
        source.refresh_from_db()
        self.assertTrue(source.active)

    def test_it_links_the_page_from_the_alert_queue_for_those_who_may_use_it(self) -> None:
        self.login(self.technician)
        self.assertContains(self.client.get(reverse("monitoring:alerts")), reverse("monitoring:sources"))
        self.login(self.trust_lead)  # reads alerts, does not manage sources
        self.assertNotContains(self.client.get(reverse("monitoring:alerts")), reverse("monitoring:sources"))


class SourceEditTests(SourcesTestCase):
    def test_it_lists_kind_name_last_run_last_error_and_state(self) -> None:
        source = self.mailbox()
        source.note_run("LoginError: authentication failed")
        actions.ensure_source(self.school, Source.Kind.API)
        self.login(self.technician)
        response = self.client.get(reverse("monitoring:sources"))
        self.assertContains(response, "Journal mailbox (IMAP)")
        self.assertContains(response, "API submissions")
        self.assertContains(response, "LoginError: authentication failed")
        self.assertContains(response, "journal at 127.0.0.1:993 (TLS)")
        self.assertContains(response, "$JOURNAL_PW")

    def test_it_adds_a_mailbox_with_the_password_in_the_environment_only(self) -> None:
        self.login(self.technician)
        response = self.client.post(reverse("monitoring:source_new"), FORM)
        self.assertRedirects(response, reverse("monitoring:sources"), fetch_redirect_response=False)
        source = Source.objects.get(school=self.school, name="Journal mailbox")
        self.assertEqual((source.kind, source.active), (Source.Kind.IMAP, True))
        self.assertEqual(
            source.config,
            {
                "host": "mail.school.example",
                "port": 993,
                "ssl": True,
                "starttls": False,
                "user": "journal",
                "mailbox": "INBOX",
                "password_env": "ESAFETY_JOURNAL_PASSWORD",
            },
        )
        entry = AuditEntry.objects.get(action="source.save")
        self.assertEqual((entry.actor, entry.detail["created"]), (self.technician, True))
        self.assertNotIn("password", entry.detail["config"])

    def test_it_refuses_a_bad_variable_name_and_a_second_source_of_the_same_name(self) -> None:
        self.mailbox()
        self.login(self.technician)
        response = self.client.post(reverse("monitoring:source_new"), FORM | {"password_env": "my password"})
        self.assertContains(response, "Letters, digits and underscores only")
        self.assertContains(response, "already has a source with this name")
        self.assertEqual(Source.objects.count(), 1)

    def test_it_never_shows_a_password_stored_by_the_command_and_replaces_it_on_save(self) -> None:
        call_command(
            "monitoring_source",
            "--school",
            self.school.slug,
            "--user",
            "journal",
            "--password",
            "s3cret-Hunter2",
            "--host",
            "imap.example",
            stdout=StringIO(),
        )
        source = Source.objects.get(school=self.school)
        self.assertEqual(source.config["password"], "s3cret-Hunter2")
        self.login(self.coordinator)
        for page in (reverse("monitoring:sources"), reverse("monitoring:source_edit", args=[source.pk])):
            response = self.client.get(page)
            self.assertNotContains(response, "s3cret-Hunter2")
            self.assertContains(response, "stored in the database")
        self.client.post(
            reverse("monitoring:source_edit", args=[source.pk]),
            FORM | {"name": "Renamed", "host": "imap.example", "password_env": "JOURNAL_PW"},
        )
        source.refresh_from_db()
        self.assertEqual(source.name, "Renamed")
        self.assertEqual(source.config["password_env"], "JOURNAL_PW")
        self.assertNotIn("password", source.config)
        for entry in AuditEntry.objects.filter(action="source.save"):
            self.assertNotIn("s3cret-Hunter2", str(entry.detail))

    def test_it_keeps_settings_the_form_does_not_show(self) -> None:
        source = self.mailbox(processed_keyword="$Done")
        self.login(self.head)
        self.client.post(reverse("monitoring:source_edit", args=[source.pk]), FORM | {"port": "1993"})
        source.refresh_from_db()
        self.assertEqual((source.config["port"], source.config["processed_keyword"]), (1993, "$Done"))

    def test_it_enables_and_disables_a_source_with_an_audit_entry_each(self) -> None:
        source = self.mailbox()
        self.login(self.technician)
        self.client.post(reverse("monitoring:source_active", args=[source.pk]), {"active": "0"})
        source.refresh_from_db()
        self.assertFalse(source.active)
        self.client.post(reverse("monitoring:source_active", args=[source.pk]), {"active": "1"})
        source.refresh_from_db()
        self.assertTrue(source.active)
        self.assertEqual(
            list(
                AuditEntry.objects.filter(object_id=str(source.pk))
                .order_by("seq")
                .values_list("action", flat=True)
            ),
            ["source.disable", "source.enable"],
        )

    def test_it_reports_why_a_connection_failed(self) -> None:
        source = self.mailbox(port=closed_port(), ssl=False)
        self.login(self.technician)
        with mock.patch.dict(os.environ, {"JOURNAL_PW": "x"}):
            response = self.client.post(reverse("monitoring:source_test", args=[source.pk]), follow=True)
        self.assertContains(response, "could not sign in to the mailbox")
        self.assertContains(response, "ConnectionRefusedError")
        entry = AuditEntry.objects.get(action="source.test")
        self.assertFalse(entry.detail["ok"])

    def test_it_reports_a_missing_password_variable(self) -> None:
        source = self.mailbox(password_env="ESAFETY_TEST_UNSET_VARIABLE")
        with mock.patch.dict(os.environ, {}, clear=False):
            os.environ.pop("ESAFETY_TEST_UNSET_VARIABLE", None)
            error = actions.check_source_connection(source, by=self.technician)
        self.assertIn("ESAFETY_TEST_UNSET_VARIABLE is not set", error)


@pytest.mark.e2e
class SourceConnectionE2ETests(SourcesTestCase):
    """Against a real Dovecot: the same login as ingestion, right and wrong password."""

    def test_it_signs_in_to_a_real_mailbox(self) -> None:
        from e2e.dovecot import start_dovecot

        with TemporaryDirectory() as tmp:
            dovecot = start_dovecot(Path(tmp))
            try:
                source = self.mailbox(host=dovecot.host, port=dovecot.port, ssl=False, user=dovecot.user)
                with mock.patch.dict(os.environ, {"JOURNAL_PW": dovecot.password}):
                    self.assertEqual(actions.check_source_connection(source, by=self.technician), "")
                with mock.patch.dict(os.environ, {"JOURNAL_PW": "wrong"}):
                    self.login(self.technician)
                    response = self.client.post(
                        reverse("monitoring:source_test", args=[source.pk]), follow=True
                    )
                    self.assertContains(response, "could not sign in to the mailbox")
                    self.assertContains(response, "AUTHENTICATIONFAILED")
            finally:
                dovecot.stop()
