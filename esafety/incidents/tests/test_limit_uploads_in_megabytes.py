"""An over-size upload says the limit in megabytes, and a good file is not chosen twice (issue 12, item 14).

The report form said "“x” is larger than the limit." and, whenever another field failed, asked to choose every
file again. Files that pass are now kept server-side for the corrected form (a signed, per-user token); every
upload form marks its limit for the browser's own check before sending.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from esafety.core import uploads
from esafety.incidents.models import Category, Incident
from esafety.incidents.tests.helpers import IncidentTestCase, png_bytes

MB = 1024 * 1024


class SayMegabytesTests(SimpleTestCase):
    def test_it_says_sizes_as_people_do(self) -> None:
        cases = [
            (int(14.2 * MB), "14.2 MB"),
            (10 * MB, "10 MB"),
            (800 * 1024, "0.8 MB"),
            (int(1.56 * MB), "1.6 MB"),
        ]
        for size, expected in cases:
            with self.subTest(size=size):
                self.assertEqual(uploads.megabytes(size), expected)

    def test_it_names_the_file_its_size_and_the_limit(self) -> None:
        self.assertEqual(
            uploads.too_large("", int(14.2 * MB), 10 * MB), "The file is 14.2 MB; the limit is 10 MB."
        )
        self.assertEqual(
            uploads.too_large("scan.pdf", 11 * MB, 10 * MB), "“scan.pdf” is 11 MB; the limit is 10 MB."
        )
        self.assertEqual(
            uploads.too_large("", 10 * MB + 1, 10 * MB), "The file is just over 10 MB; the limit is 10 MB."
        )

    def test_it_marks_every_upload_form_with_its_limit_for_the_browser(self) -> None:
        from esafety.filtering.forms import LeaseForm
        from esafety.incidents.forms import EvidenceForm, ReportForm
        from esafety.people.forms import ImportForm
        from esafety.policies.forms import PaperForm
        from esafety.publishing.forms import ItemForm
        from esafety.registers.forms import DeviceImportForm
        from esafety.training.forms import CertificateForm

        limit = str(settings.ESAFETY_MAX_UPLOAD_MB * MB)
        cases = [
            (ReportForm().fields["evidence"], limit),
            (EvidenceForm().fields["evidence"], limit),
            (ImportForm().fields["file"], str(20 * MB)),
            (PaperForm(choices=[]).fields["scan"], str(10 * MB)),
            (ItemForm().fields["file"], str(800 * 1024)),
            (DeviceImportForm().fields["file"], limit),
            (LeaseForm().fields["file"], limit),
            (CertificateForm().fields["certificate"], str(5 * MB)),
        ]
        for field, expected in cases:
            with self.subTest(field=field):
                self.assertEqual(field.widget.attrs["data-max-bytes"], expected)

    def test_it_refuses_an_over_size_scan_of_a_paper_acknowledgement_in_megabytes(self) -> None:
        from esafety.policies.forms import PaperForm

        field = PaperForm(choices=[]).fields["scan"]
        scan = SimpleUploadedFile("scan.pdf", b"%PDF" + b"0" * (int(10.5 * MB)))
        with self.assertRaisesMessage(Exception, "“scan.pdf” is 10.5 MB; the limit is 10 MB."):
            field.clean(scan)


class KeepUploadsWhileTheFormIsCorrectedTests(IncidentTestCase):
    def form_data(self, **extra: object) -> dict[str, object]:
        return {
            "category": Category.CYBERBULLYING,
            "occurred_at": "2026-03-02T10:15",
            "description": "Name-calling in the class chat",
            "nobody_known": "on",
            "nobody_known_reason": "The chat account is anonymous",
            "token": "upload12345",
            "send": "1",
            **extra,
        }

    @override_settings(ESAFETY_MAX_UPLOAD_MB=1)
    def test_it_says_the_size_and_the_limit_of_an_over_size_file(self) -> None:
        self.login(self.teacher)
        big = SimpleUploadedFile("big.txt", b"a" * int(1.5 * MB), content_type="text/plain")
        response = self.client.post(reverse("incidents:new"), self.form_data(evidence=big))
        self.assertContains(response, "“big.txt” is 1.5 MB; the limit is 1 MB.", status_code=400)
        self.assertContains(response, 'data-max-bytes="1048576"', status_code=400)
        self.assertEqual(Incident.objects.count(), 0)

    def test_it_keeps_a_good_file_when_another_field_fails_and_files_it_with_the_report(self) -> None:
        self.login(self.teacher)
        shot = SimpleUploadedFile("screenshot.png", png_bytes(), content_type="image/png")
        response = self.client.post(reverse("incidents:new"), self.form_data(category="", evidence=shot))
        self.assertContains(response, "you do not need to choose it again", status_code=400)
        self.assertNotContains(response, "choose this file again", status_code=400)
        page = response.content.decode()
        token = page.split('name="pending_evidence" value="', 1)[1].split('"', 1)[0]

        response = self.client.post(reverse("incidents:new"), self.form_data(pending_evidence=token))
        self.assertEqual(response.status_code, 302)
        incident = Incident.objects.get()
        self.assertEqual(list(incident.evidence.values_list("original_name", flat=True)), ["screenshot.png"])
        self.assertIsNone(uploads.pending_name(token, self.teacher.pk))  # used up

    def test_it_does_not_hand_one_persons_kept_file_to_another(self) -> None:
        token = uploads.keep_pending(self.teacher.pk, "secret.txt", b"words")
        self.assertEqual(uploads.pending_name(token, self.teacher.pk), "secret.txt")
        self.assertIsNone(uploads.pending_name(token, self.coordinator.pk))
        self.assertIsNone(uploads.pending_name(token + "x", self.teacher.pk))
        self.login(self.coordinator)
        self.client.post(reverse("incidents:new"), self.form_data(pending_evidence=token, token="other1234"))
        self.assertFalse(Incident.objects.get().evidence.exists())

    def test_it_purges_kept_files_left_for_a_day(self) -> None:
        old = uploads.keep_pending(self.teacher.pk, "old.txt", b"old")
        fresh = uploads.keep_pending(self.teacher.pk, "fresh.txt", b"fresh")
        directory = Path(settings.MEDIA_ROOT) / "pending"
        old_path = next(path for path in directory.iterdir() if path.read_bytes() == b"old")
        day_ago = time.time() - 25 * 3600
        os.utime(old_path, (day_ago, day_ago))
        self.assertEqual(uploads.purge_pending(), 1)
        self.assertIsNone(uploads.pending_name(old, self.teacher.pk))
        self.assertEqual(uploads.pending_name(fresh, self.teacher.pk), "fresh.txt")
