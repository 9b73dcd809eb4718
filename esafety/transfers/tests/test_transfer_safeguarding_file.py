from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pyrage
from django.core.cache import cache
from django.test import Client, override_settings

from esafety.audit.models import AuditEntry
from esafety.core.schooldays import school_days_after
from esafety.incidents.actions import report_incident
from esafety.incidents.models import Incident
from esafety.people.models import Person
from esafety.transfers import actions, bundle, client, crypto
from esafety.transfers.models import IncomingTransfer, Status, Transfer, TransferredRecord
from esafety.transfers.tests.helpers import TransferTestCase, api_transport


class SendToAnotherInstanceTests(TransferTestCase):
    def setUp(self) -> None:
        super().setUp()
        report_incident(
            school=self.school,
            reporter=self.teacher,
            category="cyberbullying",
            description="Unkind messages about Ava in the class chat",
            people=[(self.pupil, "victim")],
            evidence=[("note.txt", b"What was said, word for word.\n")],
        )

    def test_it_sends_is_viewed_accepted_and_verifies_the_signed_receipt_at_the_sender(self) -> None:
        Person.objects.create(
            school=self.other_school, kind="pupil", first_name="Ava", last_name="A.", mis_id="P1"
        )
        transfer = self.start()
        incoming, code = self.expect()
        actions.send_to_instance(transfer, code=code, by=self.coordinator, transport=api_transport())
        self.assertEqual(Transfer.objects.get(pk=transfer.pk).status, "sent")
        incoming.refresh_from_db()
        self.assertEqual(
            (incoming.status, incoming.sender_school, incoming.upn), ("sent", "Hollybrook Primary", "P1")
        )
        self.assertEqual(incoming.bundle_sha256, transfer.bundle_sha256)

        packed = actions.open_incoming(incoming, by=self.outsider)
        self.assertEqual(
            packed.document["incidents"][0]["description"], "Unkind messages about Ava in the class chat"
        )
        actions.check_status(transfer, transport=api_transport())
        self.assertEqual(transfer.status, "viewed")

        kept = actions.accept_incoming(incoming, by=self.outsider)
        self.assertEqual((kept.person.mis_id, kept.person.school), ("P1", self.other_school))
        self.assertEqual(kept.files.get().original_name, "note.txt")
        actions.check_status(transfer, transport=api_transport())
        transfer.refresh_from_db()
        self.assertEqual(transfer.status, "accepted")
        self.assertIsNotNone(transfer.receipt_verified_at)
        self.assertEqual(transfer.receipt["receiving_school"], "Elsewhere Academy")
        self.assertEqual(transfer.receipt["bundle_sha256"], transfer.bundle_sha256)
        audited = set(AuditEntry.objects.values_list("action", flat=True))
        for action in ("transfer.start", "transfer.send", "transfer.received", "transfer.incoming.view"):
            self.assertIn(action, audited)
        for action in ("transfer.view", "transfer.incoming.accept", "transfer.accept"):
            self.assertIn(action, audited)

    def test_it_files_an_unknown_pupil_as_a_new_pupil_marked_as_transferred(self) -> None:
        transfer = self.start()
        incoming, code = self.expect()
        actions.send_to_instance(transfer, code=code, by=self.coordinator, transport=api_transport())
        incoming.refresh_from_db()
        kept = actions.accept_incoming(incoming, by=self.outsider)
        self.assertEqual(
            (kept.person.first_name, kept.person.last_name, kept.person.kind), ("Ava", "Ashdown", "pupil")
        )
        self.login(self.outsider)
        page = self.client.get(f"/incidents/transfers/records/{kept.pk}/")
        self.assertContains(page, "Transferred from Hollybrook Primary on")

    def test_it_files_a_new_pupil_when_the_upn_is_a_non_pupils_identifier_here(self) -> None:
        Person.objects.create(
            school=self.other_school, kind="staff", first_name="Pat", last_name="P.", mis_id="P1"
        )
        transfer = self.start()
        incoming, code = self.expect()
        actions.send_to_instance(transfer, code=code, by=self.coordinator, transport=api_transport())
        incoming.refresh_from_db()
        kept = actions.accept_incoming(incoming, by=self.outsider)
        self.assertEqual(
            (kept.person.kind, kept.person.mis_id, kept.person.year_group), ("pupil", "", "Year 2")
        )

    def test_it_refuses_a_tampered_bundle_and_keeps_the_code_for_the_real_one(self) -> None:
        transfer = self.start()
        incoming, code = self.expect()
        with self.assertRaisesMessage(actions.TransferError, "changed on the way"):
            actions.send_to_instance(
                transfer, code=code, by=self.coordinator, transport=api_transport(tamper=True)
            )
        self.assertEqual(Transfer.objects.get(pk=transfer.pk).status, "failed")
        incoming.refresh_from_db()
        self.assertEqual((incoming.status, incoming.failed_attempts, incoming.used_at), ("pending", 1, None))
        self.assertTrue(AuditEntry.objects.filter(action="transfer.bundle_refused").exists())

    def test_it_refuses_a_reused_code(self) -> None:
        incoming, code = self.expect()
        actions.send_to_instance(self.start(), code=code, by=self.coordinator, transport=api_transport())
        again = self.start(person=self.pupil2)
        with self.assertRaisesMessage(actions.TransferError, "wrong, already used or expired"):
            actions.send_to_instance(again, code=code, by=self.coordinator, transport=api_transport())
        self.assertEqual(Transfer.objects.get(pk=again.pk).status, "pending")

    def test_it_refuses_a_wrong_code_and_leaves_the_transfer_pending(self) -> None:
        self.expect()
        transfer = self.start()
        with self.assertRaisesMessage(actions.TransferError, "wrong, already used or expired"):
            actions.send_to_instance(
                transfer, code="AAAA-BBBB-CCCC-DDDD", by=self.coordinator, transport=api_transport()
            )
        self.assertEqual(Transfer.objects.get(pk=transfer.pk).status, "pending")
        self.assertTrue(AuditEntry.objects.filter(action="transfer.send_refused").exists())

    def test_it_refuses_a_bundle_sent_with_a_wrong_code_straight_to_the_api(self) -> None:
        response = Client().post(
            "/api/v1/transfers/bundle/",
            b"x" * 100,
            content_type="application/octet-stream",
            HTTP_AUTHORIZATION="Transfer WRONG",
        )
        self.assertEqual(response.status_code, 403)

    def test_it_stops_a_code_after_five_bad_bundles(self) -> None:
        incoming, code = self.expect()
        for _ in range(5):
            Client().post(
                "/api/v1/transfers/bundle/",
                b"not a bundle" * 10,
                content_type="application/octet-stream",
                HTTP_AUTHORIZATION=f"Transfer {code}",
            )
        incoming.refresh_from_db()
        self.assertEqual((incoming.failed_attempts, incoming.status, incoming.usable), (5, "failed", False))

    def test_it_rate_limits_the_transfer_api_per_address(self) -> None:
        from django.conf import settings

        rest = {**settings.REST_FRAMEWORK}
        rest["DEFAULT_THROTTLE_RATES"] = {**rest["DEFAULT_THROTTLE_RATES"], "transfer": "2/minute"}
        cache.clear()
        with override_settings(REST_FRAMEWORK=rest):
            answers = [Client().get("/api/v1/transfers/handshake/").status_code for _ in range(3)]
        self.assertEqual(answers, [401, 401, 429])

    def test_it_shows_the_rejection_and_its_reason_at_the_sender(self) -> None:
        transfer = self.start()
        incoming, code = self.expect()
        actions.send_to_instance(transfer, code=code, by=self.coordinator, transport=api_transport())
        incoming.refresh_from_db()
        with self.assertRaisesMessage(actions.TransferError, "Say why"):
            actions.reject_incoming(incoming, by=self.outsider, reason=" ")
        actions.reject_incoming(incoming, by=self.outsider, reason="This pupil never joined us")
        actions.check_status(transfer, transport=api_transport())
        self.assertEqual((transfer.status, transfer.reason), ("rejected", "This pupil never joined us"))
        self.assertFalse(TransferredRecord.objects.exists())

    def test_it_refuses_a_receipt_that_the_pinned_key_did_not_sign(self) -> None:
        transfer = self.start()
        incoming, code = self.expect()
        actions.send_to_instance(transfer, code=code, by=self.coordinator, transport=api_transport())
        incoming.refresh_from_db()
        actions.accept_incoming(incoming, by=self.outsider)
        other = crypto.load_or_create_keys(__import__("pathlib").Path(self._tmp()) / "k")
        Transfer.objects.filter(pk=transfer.pk).update(receiver_signing_key=other.signing_public)
        transfer.refresh_from_db()
        with self.assertRaisesMessage(actions.TransferError, "receipt was refused"):
            actions.check_status(transfer, transport=api_transport())
        self.assertEqual(Transfer.objects.get(pk=transfer.pk).status, "viewed")
        self.assertTrue(AuditEntry.objects.filter(action="transfer.receipt_invalid").exists())

    def _tmp(self) -> str:
        import tempfile

        return tempfile.mkdtemp(prefix="esafety-other-key-")


class GatherTests(TransferTestCase):
    def test_it_leaves_restricted_reports_out_unless_the_dsl_confirms(self) -> None:
        incident = report_incident(
            school=self.school,
            reporter=self.head,
            category="staff_aup_breach",
            description="A member of staff messaged the pupil",
            people=[(self.pupil, "victim")],
        )
        Incident.objects.filter(pk=incident.pk).update(restricted=True)
        self.assertEqual(bundle.gather(self.start()).document["incidents"], [])
        confirmed = self.start(include_restricted=True)
        self.assertEqual(confirmed.restricted_confirmed_by, self.coordinator)
        self.assertEqual([i["restricted"] for i in bundle.gather(confirmed).document["incidents"]], [True])

    def test_it_sets_the_deadline_five_school_days_after_leaving(self) -> None:
        # Friday 27 November 2026 -> Friday 4 December 2026 (the weekend does not count).
        self.assertEqual(self.start(leaving_date=date(2026, 11, 27)).due_on, date(2026, 12, 4))
        self.assertEqual(school_days_after(date(2026, 11, 30), 5), date(2026, 12, 7))

    def test_it_shows_the_deadline_on_the_dsls_dashboard(self) -> None:
        self.start(leaving_date=date(2026, 11, 2))
        self.login(self.coordinator)
        page = self.client.get("/")
        self.assertContains(page, "Safeguarding files to transfer")
        self.assertContains(page, "past the five-school-day deadline")
        self.login(self.teacher)
        self.assertNotContains(self.client.get("/"), "Safeguarding files to transfer")


class ArchiveTests(TransferTestCase):
    def test_it_prepares_an_archive_that_opens_with_the_passphrase_shown_once(self) -> None:
        transfer = self.start(method="archive", destination_url="")
        passphrase = actions.prepare_archive(transfer, by=self.coordinator)
        self.assertEqual(transfer.status, "sent")
        with transfer.archive.open("rb") as handle:
            sealed = handle.read()
        self.assertNotIn(passphrase.encode(), sealed)
        with zipfile.ZipFile(io.BytesIO(pyrage.passphrase.decrypt(sealed, passphrase))) as archive:
            self.assertIn("safeguarding-file.pdf", archive.namelist())
            self.assertEqual(json.loads(archive.read("transfer.json"))["pupil"]["upn"], "P1")
        with self.assertRaises(pyrage.DecryptError):
            pyrage.passphrase.decrypt(sealed, "not the passphrase")

    def test_it_records_the_receipt_by_hand(self) -> None:
        transfer = self.start(method="archive", destination_url="")
        actions.prepare_archive(transfer, by=self.coordinator)
        actions.record_receipt(
            transfer, by=self.coordinator, received_by="Mrs Patel, DSL", received_on=date(2026, 12, 1)
        )
        transfer.refresh_from_db()
        self.assertEqual((transfer.status, transfer.received_by), ("accepted", "Mrs Patel, DSL"))

    def test_it_refuses_steps_that_do_not_apply_and_a_failure_without_a_reason(self) -> None:
        transfer = self.start(method="archive", destination_url="")
        with self.assertRaisesMessage(actions.TransferError, "does not apply"):
            actions.record_receipt(
                transfer, by=self.coordinator, received_by="x", received_on=date(2026, 12, 1)
            )
        with self.assertRaisesMessage(actions.TransferError, "Say why"):
            actions.fail_transfer(transfer, by=self.coordinator, reason="")
        actions.fail_transfer(transfer, by=self.coordinator, reason="The receiving school has closed")
        actions.restart_transfer(transfer, by=self.coordinator)
        self.assertEqual(Transfer.objects.get(pk=transfer.pk).status, "pending")


class AddressTests(TransferTestCase):
    @override_settings(TRANSFER_ALLOW_HTTP=False)
    def test_it_refuses_a_plain_http_address_in_production(self) -> None:
        with self.assertRaises(client.RemoteError):
            client.check_address("http://esafety.oakfield.sch.example")
        self.assertEqual(
            client.check_address("https://esafety.oakfield.sch.example/"),
            "https://esafety.oakfield.sch.example",
        )

    def test_it_shows_the_code_once_and_keeps_only_its_digest(self) -> None:
        self.login(self.coordinator)
        page = self.client.post("/incidents/transfers/incoming/new/", {"expected_from": "Brookside Junior"})
        code = page.context["code"]
        self.assertContains(page, code)
        incoming = IncomingTransfer.objects.get()
        self.assertEqual(incoming.code_digest, actions.code_digest(code))
        self.assertNotContains(self.client.get(f"/incidents/transfers/incoming/{incoming.pk}/"), code)
        self.assertEqual(Status.PENDING, incoming.status)


class ReceivingPagesTests(TransferTestCase):
    def test_it_shows_the_arrived_file_marks_it_viewed_and_accepts_it_from_the_page(self) -> None:
        report_incident(
            school=self.school,
            reporter=self.teacher,
            category="cyberbullying",
            description="Unkind messages in the class chat",
            people=[(self.pupil, "victim")],
        )
        incoming, code = self.expect()
        actions.send_to_instance(self.start(), code=code, by=self.coordinator, transport=api_transport())
        self.login(self.outsider)
        self.assertContains(self.client.get("/"), "1 received, awaiting your decision")
        page = self.client.get(f"/incidents/transfers/incoming/{incoming.pk}/")
        self.assertContains(page, "Unkind messages in the class chat")
        self.assertEqual(IncomingTransfer.objects.get(pk=incoming.pk).status, "viewed")
        with self.captureOnCommitCallbacks(execute=True):
            answer = self.client.post(f"/incidents/transfers/incoming/{incoming.pk}/accept/")
        kept = TransferredRecord.objects.get()
        self.assertRedirects(answer, f"/incidents/transfers/records/{kept.pk}/")
        self.assertFalse(IncomingTransfer.objects.get(pk=incoming.pk).sealed)

    def test_it_keeps_the_reason_form_when_a_rejection_has_no_reason(self) -> None:
        incoming, code = self.expect()
        actions.send_to_instance(self.start(), code=code, by=self.coordinator, transport=api_transport())
        self.login(self.outsider)
        answer = self.client.post(f"/incidents/transfers/incoming/{incoming.pk}/reject/", {"reason": ""})
        self.assertEqual(answer.status_code, 400)
        self.assertEqual(IncomingTransfer.objects.get(pk=incoming.pk).status, "viewed")


class RetentionTests(TransferTestCase):
    def test_it_keeps_the_transfer_until_the_pupils_date_of_birth_plus_25_years(self) -> None:
        from esafety.governance.disposal import Holds
        from esafety.transfers.records import dispose_records

        Person.objects.filter(pk=self.pupil.pk).update(date_of_birth=date(2001, 12, 2))
        transfer = self.start()
        kept = dispose_records(self.school, 25, date(2026, 12, 1), Holds())
        self.assertEqual((kept.removed, Transfer.objects.filter(pk=transfer.pk).exists()), (0, True))
        gone = dispose_records(self.school, 25, date(2026, 12, 2), Holds())
        self.assertEqual((gone.removed, Transfer.objects.filter(pk=transfer.pk).exists()), (1, False))

    def test_it_removes_an_accepted_archive_after_its_days_but_keeps_the_receipt(self) -> None:
        from esafety.governance.disposal import Holds
        from esafety.transfers.records import dispose_archives

        transfer = self.start(method="archive", destination_url="")
        actions.prepare_archive(transfer, by=self.coordinator)
        actions.record_receipt(
            transfer, by=self.coordinator, received_by="Mrs Patel", received_on=date(2026, 12, 1)
        )
        self.assertEqual(dispose_archives(self.school, 30, date(2026, 12, 1), Holds()).removed, 0)
        self.assertEqual(dispose_archives(self.school, 30, date(2027, 1, 31), Holds()).removed, 1)
        transfer.refresh_from_db()
        self.assertEqual(
            (transfer.archive.name, transfer.status, transfer.received_by), ("", "accepted", "Mrs Patel")
        )
