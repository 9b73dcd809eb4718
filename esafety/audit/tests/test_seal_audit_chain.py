"""Finding 6 of the security drill: ``INSERT OR REPLACE`` slipped past the triggers; cutting entries off the end
passed although a longer chain had been recorded; entries were not checked for time order; and with no key in the
hash, a database writer could forge a valid tail."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from esafety.audit.actions import record, verify_chain
from esafety.audit.models import AuditEntry, ChainCheck
from esafety.audit.tasks import check_chain, verify_audit_chain
from esafety.core.models import OutboundEmail
from esafety.test import BaseTestCase

ATTACKER_KEY = b"a key the attacker made up, not the server's"


def sql(statement: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def without_triggers() -> None:
    """What someone with full database rights can do first."""
    if connection.vendor == "postgresql":
        sql("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
    else:
        for name in ("audit_entry_no_update", "audit_entry_no_delete", "audit_entry_no_replace"):
            sql(f"DROP TRIGGER IF EXISTS {name}")


def rewrite(seq: int, *, key: bytes | None, **changes: object) -> None:
    """Change entry ``seq`` and recompute its hash, and its seal with ``key`` (None: leave no seal)."""
    entry = AuditEntry.objects.get(seq=seq)
    for name, value in changes.items():
        setattr(entry, name, value)
    entry.hash = entry.compute_hash()
    seal = hmac.new(key, entry.hash.encode(), hashlib.sha256).hexdigest() if key else None
    without_triggers()
    sql(
        "UPDATE audit_auditentry SET action = %s, at = %s, hash = %s, seal = %s WHERE seq = %s",
        [entry.action, entry.at, entry.hash, seal, seq],
    )


class SealAuditChainTests(BaseTestCase):
    def setUp(self) -> None:
        for number in range(1, 6):
            record(f"test.step{number}", actor=self.head, obj=self.pupil, detail={"n": number})

    def test_it_has_the_database_refuse_replacing_an_entry(self) -> None:
        first = AuditEntry.objects.get(seq=1)
        if connection.vendor == "sqlite":
            statement = (
                "INSERT OR REPLACE INTO audit_auditentry (id, seq, at, kind, actor_name, action, object_type, "
                "object_id, object_repr, detail, prev_hash, hash) VALUES (%s, 1, %s, 'change', 'x', 'forged', "
                "'', '', '', '{}', %s, %s)"
            )
        else:
            statement = (
                "INSERT INTO audit_auditentry (id, seq, at, kind, actor_name, action, object_type, object_id, "
                "object_repr, detail, prev_hash, hash) VALUES (%s, 1, %s, 'change', 'x', 'forged', '', '', '', "
                "'{}', %s, %s) ON CONFLICT (id) DO UPDATE SET action = 'forged'"
            )
        with self.assertRaisesMessage(DatabaseError, "append-only"), transaction.atomic():
            sql(statement, [first.pk, first.at, first.prev_hash, first.hash])
        self.assertEqual(AuditEntry.objects.get(seq=1).action, "test.step1")
        self.assertTrue(verify_chain().ok)

    def test_it_seals_every_entry_with_the_key_outside_the_database(self) -> None:
        report = verify_chain()
        self.assertEqual(report.sealed, 5)
        with override_settings(ESAFETY_AUDIT_KEY="another server's key, at least 32 chars"):
            report = verify_chain()
        self.assertEqual(report.first_break.seq, 1)
        self.assertIn("seal that does not match", report.first_break.reason)

    def test_it_detects_a_forged_tail_without_the_key(self) -> None:
        rewrite(5, key=ATTACKER_KEY, action="test.forged")
        self.assertEqual(verify_chain().first_break.seq, 5)
        rewrite(5, key=None, action="test.forged")
        report = verify_chain()
        self.assertEqual(report.first_break.seq, 5)
        self.assertIn("no seal", report.first_break.reason)

    def test_it_detects_entries_cut_off_the_end_against_the_last_recorded_check(self) -> None:
        self.assertTrue(check_chain().ok)
        without_triggers()
        sql("DELETE FROM audit_auditentry WHERE seq >= %s", [4])
        report = verify_chain()
        self.assertFalse(report.ok)
        self.assertIn("cut off the end", report.first_break.reason)
        self.assertIn("verified 5", report.first_break.reason)

    def test_it_detects_a_tail_rewritten_with_the_key_against_the_recorded_head(self) -> None:
        check_chain()
        from django.conf import settings

        rewrite(5, key=settings.ESAFETY_AUDIT_KEY.encode(), action="test.forged")  # even with the key
        report = verify_chain()
        self.assertEqual(report.first_break.seq, 5)
        self.assertIn("differs from the head recorded", report.first_break.reason)

    def test_it_detects_an_entry_dated_before_the_one_it_follows(self) -> None:
        from django.conf import settings

        earlier = AuditEntry.objects.get(seq=3).at - timedelta(hours=1)
        rewrite(4, key=settings.ESAFETY_AUDIT_KEY.encode(), at=earlier)
        report = verify_chain()
        self.assertEqual(report.first_break.seq, 4)
        self.assertIn("dated before", report.first_break.reason)

    @override_settings(ESAFETY_AUDIT_RECEIPTS=["governors-clerk@school.example"])
    def test_it_sends_each_nightly_head_hash_to_the_log_and_by_email(self) -> None:
        with self.assertLogs("esafety.audit", "INFO") as logs, self.captureOnCommitCallbacks(execute=True):
            self.assertTrue(verify_audit_chain.call())
        check = ChainCheck.objects.latest("at")
        self.assertIn(check.head_hash, logs.output[0])
        receipt = OutboundEmail.objects.get(subject="esafety: audit trail receipt")
        self.assertEqual(receipt.to, ["governors-clerk@school.example"])
        self.assertIn(check.head_hash, receipt.body)
