"""The LDAP push against a real OpenLDAP slapd started by the test on a free loopback port: creations, new
passwords, expiries and disables reach the directory; a push that fails is kept, shown and retried by the task
worker until it succeeds."""

from __future__ import annotations

from datetime import timedelta

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from ldap3 import BASE, Connection, Server

from esafety.registers import actions, tasks
from esafety.registers.models import DirectoryPush, NetworkAccount, RegisterSettings
from esafety.registers.tests import slapd
from esafety.test import BaseTestCase

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class DirectoryTestCase(BaseTestCase):
    server: slapd.Slapd

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.server = slapd.start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.stop()
        super().tearDownClass()

    def setUp(self) -> None:
        self.point_at(self.server.url)

    def point_at(self, url: str) -> None:
        RegisterSettings.objects.update_or_create(
            school=self.school,
            defaults={
                "ldap_url": url,
                "ldap_bind_dn": slapd.ADMIN_DN,
                "ldap_bind_password": slapd.ADMIN_PASSWORD,
                "ldap_users_dn": slapd.USERS_DN,
            },
        )

    def can_bind(self, username: str, password: str) -> bool:
        connection = Connection(Server(self.server.url), f"uid={username},{slapd.USERS_DN}", password)
        try:
            return bool(connection.bind())
        finally:
            connection.unbind()

    def entry(self, username: str) -> dict[str, list[str]]:
        connection = Connection(Server(self.server.url), slapd.ADMIN_DN, slapd.ADMIN_PASSWORD, auto_bind=True)
        connection.search(f"uid={username},{slapd.USERS_DN}", "(objectClass=*)", BASE, attributes=["*"])
        entries = connection.response or []
        connection.unbind()
        return (
            {key: [str(v) for v in value] for key, value in entries[0]["attributes"].items()}
            if entries
            else {}
        )

    def issue_visitor(self, first: str = "Owen", last_day_in: int = 0) -> tuple[NetworkAccount, str]:
        return actions.issue_account(
            school=self.school,
            issued_by=self.office,
            kind="visitor",
            first_name=first,
            last_name="Pritchard",
            ends_on=timezone.localdate() + timedelta(days=last_day_in),
            requested_by="Office",
            reason="Book fair",
            aup_on_paper=True,
        )


class TestPushToDirectory(DirectoryTestCase):
    def test_it_creates_the_account_with_a_password_that_works_and_forgets_the_hash(self) -> None:
        account, password = self.issue_visitor()
        push = DirectoryPush.objects.get(account=account)
        self.assertTrue(push.password_hash.startswith("{SSHA}"))
        self.assertNotIn(password, push.password_hash)
        self.assertEqual(actions.push_directory_changes(), {"done": 1, "failed": 0})
        push.refresh_from_db()
        self.assertEqual((push.status, push.password_hash), ("done", ""))
        entry = self.entry(account.username)
        self.assertEqual(entry["cn"], ["Owen Pritchard"])
        self.assertEqual(entry["employeeType"], ["visitor"])
        self.assertTrue(self.can_bind(account.username, password))
        self.assertFalse(self.can_bind(account.username, password + "x"))

    def test_it_sets_a_new_password(self) -> None:
        account, old = self.issue_visitor("Nia", last_day_in=3)
        new = actions.new_password(account, by=self.office)
        actions.push_directory_changes()
        self.assertFalse(self.can_bind(account.username, old))
        self.assertTrue(self.can_bind(account.username, new))

    def test_it_closes_the_account_in_the_directory_when_it_expires(self) -> None:
        account, password = self.issue_visitor("Eve")
        actions.push_directory_changes()
        self.assertEqual(actions.expire_due_accounts(timezone.localdate() + timedelta(days=1)), 1)
        actions.push_directory_changes()
        self.assertEqual(
            list(account.pushes.values_list("operation", "status")), [("create", "done"), ("expire", "done")]
        )
        self.assertFalse(self.can_bind(account.username, password))
        self.assertIn("Expired", self.entry(account.username)["description"][0])

    def test_it_closes_the_account_in_the_directory_when_it_is_disabled(self) -> None:
        account, password = self.issue_visitor("Dee", last_day_in=5)
        actions.disable_account(account, by=self.technician, reason="Asked to leave")
        actions.push_directory_changes()
        self.assertFalse(self.can_bind(account.username, password))
        self.assertIn("Disabled", self.entry(account.username)["description"][0])

    def test_it_keeps_a_failed_push_shows_it_and_the_worker_retries_it(self) -> None:
        self.point_at(f"ldap://127.0.0.1:{slapd.free_port()}")  # nothing listens there
        account, password = self.issue_visitor("Rae", last_day_in=2)
        actions.disable_account(account, by=self.technician, reason="Test")
        self.assertEqual(actions.push_directory_changes(), {"done": 0, "failed": 2})
        self.assertEqual(set(account.pushes.values_list("status", flat=True)), {"failed"})
        self.login(self.office)
        page = self.client.get(reverse("registers:accounts"))
        self.assertContains(page, "Directory changes failing")
        self.assertContains(page, "2 failing")
        self.assertContains(page, account.username)
        self.login(self.technician)
        self.assertContains(self.client.get(reverse("dashboard")), "Directory changes failing")

        self.point_at(self.server.url)  # the directory is back
        with override_settings(TASKS=IMMEDIATE):
            tasks.push_directory.enqueue()
        self.assertEqual(
            list(account.pushes.values_list("operation", "status", "attempts")),
            [("create", "done", 2), ("disable", "done", 2)],
        )
        self.assertEqual(account.pushes.get(operation="create").password_hash, "")
        self.assertFalse(self.can_bind(account.username, password))
        self.assertNotContains(self.client.get(reverse("registers:accounts")), "Directory changes failing")

    def test_it_holds_later_changes_back_until_the_creation_gets_through(self) -> None:
        account, _ = self.issue_visitor("Ada", last_day_in=2)
        DirectoryPush.objects.filter(account=account).update(password_hash="not-a-hash")
        RegisterSettings.objects.filter(school=self.school).update(
            ldap_users_dn="ou=missing,dc=hollybrook,dc=example"
        )
        actions.disable_account(account, by=self.technician, reason="Test")
        actions.push_directory_changes()
        create, disable = account.pushes.order_by("id")
        self.assertIn("adding", create.last_error)
        self.assertEqual(disable.last_error, "waiting for an earlier change to this account")

    def test_it_pushes_nothing_when_no_directory_is_set_up(self) -> None:
        RegisterSettings.objects.filter(school=self.school).update(ldap_url="")
        self.issue_visitor("Zed")
        self.assertFalse(DirectoryPush.objects.exists())
