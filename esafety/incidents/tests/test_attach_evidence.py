from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from esafety.incidents.evidence import EvidenceRejected, clean_upload, sniff
from esafety.incidents.models import Evidence, Incident
from esafety.incidents.tests.helpers import IncidentTestCase, png_bytes

EML = b"Received: from mx.example\r\nFrom: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nBody\r\n"


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (8, 6), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


class SniffTests(IncidentTestCase):
    def test_it_knows_allowed_types_from_their_content(self) -> None:
        cases = {
            png_bytes(): ("image/png", "png"),
            jpeg_with_gps(): ("image/jpeg", "jpg"),
            b"GIF89a....": ("image/gif", "gif"),
            b"RIFF\x00\x00\x00\x00WEBPVP8 ": ("image/webp", "webp"),
            b"%PDF-1.7\n...": ("application/pdf", "pdf"),
            EML: ("message/rfc822", "eml"),
            "Notes – plain text\n".encode(): ("text/plain", "txt"),
        }
        for data, expected in cases.items():
            self.assertEqual(sniff(data), expected, data[:10])

    def test_it_refuses_everything_else_whatever_its_name(self) -> None:
        for data in (
            b"MZ\x90\x00\x03\x00\x00\x00",
            b"PK\x03\x04zip",
            b"\x7fELF\x02\x01",
            b"\x00\x01\x02binary",
        ):
            with self.assertRaises(EvidenceRejected):
                clean_upload("screenshot.png", data)

    def test_it_refuses_a_file_that_claims_to_be_a_picture_but_is_not(self) -> None:
        with self.assertRaises(EvidenceRejected):
            clean_upload("x.png", b"\x89PNG\r\n\x1a\n" + b"not really a png")

    @override_settings(ESAFETY_MAX_UPLOAD_MB=1)
    def test_it_refuses_files_over_the_size_limit(self) -> None:
        with self.assertRaisesMessage(EvidenceRejected, "; the limit is 1 MB."):
            clean_upload("big.txt", b"a" * (1024 * 1024 + 1))

    def test_it_strips_exif_and_gps_from_pictures(self) -> None:
        original = jpeg_with_gps()
        self.assertTrue(Image.open(io.BytesIO(original)).getexif())
        clean = clean_upload("photo.jpg", original)
        with Image.open(io.BytesIO(clean.content)) as image:
            self.assertEqual(dict(image.getexif()), {})
            self.assertEqual(image.size, (8, 6))
        self.assertNotIn(b"PhoneMaker", clean.content)


class EvidenceStorageTests(IncidentTestCase):
    def test_it_stores_files_under_server_generated_names_inside_media_root(self) -> None:
        incident = self.report(evidence=[("../../etc/passwd.png", png_bytes()), ("mail.eml", EML)])
        names = [evidence.file.name for evidence in incident.evidence.all()]
        for name, evidence in zip(names, incident.evidence.all(), strict=True):
            self.assertRegex(name, rf"^evidence/{self.school.pk}/[0-9a-f]{{32}}\.(png|eml)$")
            self.assertTrue(
                Path(settings.MEDIA_ROOT, name).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
            )
            self.assertTrue(evidence.file.storage.exists(name))
        self.assertEqual(incident.evidence.first().original_name, "passwd.png")

    def test_it_saves_nothing_when_one_file_is_refused(self) -> None:
        with self.assertRaises(EvidenceRejected):
            self.report(evidence=[("ok.png", png_bytes()), ("bad.exe", b"MZ\x90\x00")])
        self.assertEqual(Incident.objects.count(), 0)
        self.assertFalse(
            Path(settings.MEDIA_ROOT, "evidence").exists()
            and any(Path(settings.MEDIA_ROOT, "evidence").rglob("*.*"))
        )

    def test_it_serves_evidence_only_as_a_download_to_those_who_may_see_it(self) -> None:
        incident = self.report(evidence=[("note.txt", b"<script>alert(1)</script>")])
        evidence = incident.evidence.get()
        url = reverse("incidents:evidence", args=[incident.pk, evidence.pk])
        self.login(self.coordinator)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/plain")
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(b"".join(response.streaming_content), b"<script>alert(1)</script>")
        for user in (self.teacher2, self.sibling, self.governor):
            self.login(user)
            self.assertIn(self.client.get(url).status_code, (403, 404), user)

    def test_it_rejects_a_bad_upload_on_the_form_and_keeps_the_text(self) -> None:
        self.login(self.teacher)
        response = self.client.post(
            reverse("incidents:new"),
            {
                "category": "other",
                "occurred_at": "2026-03-02T10:15",
                "description": "Kept text",
                "token": "tok12345",
                "evidence": SimpleUploadedFile("virus.png", b"MZ\x90\x00\x03", content_type="image/png"),
            },
        )
        self.assertContains(response, "cannot be attached", status_code=400)
        self.assertContains(response, "Kept text", status_code=400)
        self.assertEqual(Evidence.objects.count(), 0)

    def test_it_adds_evidence_to_an_existing_incident(self) -> None:
        incident = self.report()
        self.login(self.teacher)
        response = self.client.post(
            reverse("incidents:add_evidence", args=[incident.pk]),
            {"evidence": SimpleUploadedFile("later.png", png_bytes())},
        )
        self.assertRedirects(response, reverse("incidents:detail", args=[incident.pk]))
        self.assertEqual(incident.evidence.count(), 1)
