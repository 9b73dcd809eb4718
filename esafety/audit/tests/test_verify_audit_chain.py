from io import StringIO

from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from esafety.audit.actions import record, verify_chain
from esafety.audit.models import AuditEntry
from esafety.test import BaseTestCase


def tamper(sql: str, params: list[object]) -> None:
    """What someone with full database rights could do: switch off the append-only triggers, then edit."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")
        cursor.execute(sql, params)


class AuditChainTests(BaseTestCase):
    def setUp(self) -> None:
        for number in range(1, 6):
            record(f"test.step{number}", actor=self.head, obj=self.pupil, detail={"n": number})

    def test_it_verifies_an_untouched_chain(self) -> None:
        report = verify_chain()
        self.assertTrue(report.ok)
        self.assertEqual(report.checked, 5)
        out = StringIO()
        call_command("verify_audit", stdout=out)
        self.assertIn("Audit trail OK: 5 entries verified", out.getvalue())

    def test_it_links_each_entry_to_the_one_before(self) -> None:
        entries = list(AuditEntry.objects.order_by("seq"))
        self.assertEqual(entries[0].prev_hash, "0" * 64)
        for before, after in zip(entries, entries[1:], strict=False):
            self.assertEqual(after.prev_hash, before.hash)
            self.assertEqual(after.seq, before.seq + 1)

    def test_it_detects_an_edited_entry(self) -> None:
        tamper("UPDATE audit_auditentry SET actor_name = %s WHERE seq = %s", ["someone-else", 3])
        report = verify_chain()
        self.assertEqual(report.first_break.seq, 3)
        self.assertIn("changed", report.first_break.reason)
        with self.assertRaisesMessage(CommandError, "BROKEN at entry #3"):
            call_command("verify_audit", stdout=StringIO())

    def test_it_detects_an_edited_detail(self) -> None:
        tamper("UPDATE audit_auditentry SET detail = %s WHERE seq = %s", ['{"n": 99}', 2])
        self.assertEqual(verify_chain().first_break.seq, 2)

    def test_it_detects_a_deleted_entry(self) -> None:
        tamper("DELETE FROM audit_auditentry WHERE seq = %s", [2])
        report = verify_chain()
        self.assertEqual(report.first_break.seq, 2)
        self.assertIn("missing", report.first_break.reason)

    def test_it_detects_a_deleted_last_entry_only_against_a_noted_head(self) -> None:
        # The school notes the head hash (the last entry's hash) somewhere outside the database.
        fourth, noted = (
            AuditEntry.objects.filter(seq__in=[4, 5]).order_by("seq").values_list("hash", flat=True)
        )
        tamper("DELETE FROM audit_auditentry WHERE seq = %s", [5])
        # Truncation leaves a valid shorter chain, so the chain alone cannot tell...
        report = verify_chain()
        self.assertTrue(report.ok)
        self.assertEqual(report.checked, 4)
        # ...but the head it reports is the fourth entry's, not the one noted: comparing them shows the loss.
        self.assertEqual(report.head_hash, fourth)
        self.assertNotEqual(report.head_hash, noted)
        out = StringIO()
        call_command("verify_audit", stdout=out)
        self.assertIn(f"4 entries verified. Head hash: {fourth}", out.getvalue())

    def test_it_detects_reordered_entries(self) -> None:
        tamper("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", [100, 2])
        tamper("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", [2, 3])
        tamper("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", [3, 100])
        report = verify_chain()
        self.assertEqual(report.first_break.seq, 2)

    def test_it_detects_a_rewritten_hash_that_no_longer_links(self) -> None:
        entry = AuditEntry.objects.get(seq=3)
        entry.action = "test.forged"
        tamper(
            "UPDATE audit_auditentry SET action = %s, hash = %s WHERE seq = %s",
            ["test.forged", entry.compute_hash(), 3],
        )
        # The recomputed hash cannot carry a seal without the key, which is not in the database.
        report = verify_chain()
        self.assertEqual(report.first_break.seq, 3)
        self.assertIn("seal", report.first_break.reason)

    def test_it_refuses_changes_through_the_application(self) -> None:
        entry = AuditEntry.objects.get(seq=1)
        entry.action = "changed"
        with self.assertRaises(TypeError):
            entry.save()
        with self.assertRaises(TypeError):
            entry.delete()
        with self.assertRaises(TypeError):
            AuditEntry.objects.filter(seq=1).update(action="changed")
        with self.assertRaises(TypeError):
            AuditEntry.objects.all().delete()
        self.assertTrue(verify_chain().ok)

    def test_it_has_the_database_refuse_changes_and_deletions(self) -> None:
        for sql in (
            "UPDATE audit_auditentry SET actor_name = 'x' WHERE seq = 1",
            "DELETE FROM audit_auditentry WHERE seq = 1",
        ):
            with (
                self.subTest(sql=sql),
                self.assertRaisesMessage(DatabaseError, "append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
        self.assertTrue(verify_chain().ok)

    def test_it_keeps_the_trail_when_an_account_is_deleted(self) -> None:
        entry = record("test.by_teacher2", actor=self.teacher2, obj=self.pupil)
        self.teacher2.delete()
        self.assertEqual(AuditEntry.objects.get(pk=entry.pk).actor_name, "teacher2")
        self.assertTrue(verify_chain().ok)

    def test_it_records_sign_ins_with_the_address(self) -> None:
        from esafety.test import PASSWORD

        self.client.post(
            "/accounts/login/", {"username": "teacher", "password": PASSWORD}, REMOTE_ADDR="192.0.2.7"
        )
        entry = AuditEntry.objects.order_by("-seq").first()
        self.assertEqual(
            (entry.action, entry.actor_name, entry.ip), ("account.sign_in", "teacher", "192.0.2.7")
        )

    def test_it_shows_the_head_the_schools_entries_only(self) -> None:
        record("test.elsewhere", actor=self.outsider, school=self.other_school, object_repr="Elsewhere thing")
        self.login(self.head)
        response = self.client.get("/audit/")
        self.assertContains(response, "Head Tester: test, step5 (Ava Ashdown)")
        self.assertNotContains(response, "Elsewhere thing")


class NightlyCheckTests(BaseTestCase):
    def test_it_keeps_each_result_and_tells_the_heads_when_broken(self) -> None:
        from esafety.audit.models import ChainCheck
        from esafety.audit.tasks import check_chain
        from esafety.core.models import OutboundEmail

        self.head.email = "head@school.example"
        self.head.save(update_fields=["email"])
        record("test.one", actor=self.head, obj=self.pupil)
        record("test.two", actor=self.head, obj=self.pupil)
        self.assertTrue(check_chain().ok)
        tamper("UPDATE audit_auditentry SET action = %s WHERE seq = %s", ["test.forged", 1])
        check = check_chain()
        self.assertEqual((check.ok, check.break_seq), (False, 1))
        email = OutboundEmail.objects.get(key__startswith="audit-broken-")
        # One chain serves every school of the instance: every Headteacher relying on it is told.
        self.assertEqual(email.to, ["head@school.example", "outsider@school.example"])
        self.login(self.head)
        self.assertContains(self.client.get("/audit/"), "the trail was altered at entry #1")
        self.assertEqual(ChainCheck.objects.count(), 2)
