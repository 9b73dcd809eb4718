from __future__ import annotations

import io
import tempfile
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from esafety.test import BaseTestCase
from esafety.training.models import Attendance, SessionKind
from esafety.training.tests.support import attended


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(out, "PNG")
    return out.getvalue()


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="esafety-certificates-"))
class CertificateTests(BaseTestCase):
    def setUp(self) -> None:
        self.attendance = attended(
            self.school, self.teacher.person, SessionKind.SAFEGUARDING_INSET, date(2026, 9, 2)
        )
        self.url = f"/training/attendance/{self.attendance.pk}/certificate/"
        self.login(self.teacher)

    def upload(self, name: str, data: bytes) -> Attendance:
        response = self.client.post(self.url, {"certificate": SimpleUploadedFile(name, data)}, follow=True)
        self.last = response.content.decode()
        return Attendance.objects.get(pk=self.attendance.pk)

    def test_it_keeps_a_pdf_certificate_and_serves_it_back_to_its_owner(self) -> None:
        stored = self.upload("inset.pdf", b"%PDF-1.4\n% certificate\n")
        self.assertEqual((stored.certificate_type, stored.certificate_name), ("application/pdf", "inset.pdf"))
        response = self.client.get(f"/training/attendance/{self.attendance.pk}/certificate/file")
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(b"".join(response.streaming_content), b"%PDF-1.4\n% certificate\n")

    def test_it_keeps_a_real_png(self) -> None:
        self.assertEqual(self.upload("photo.png", png()).certificate_type, "image/png")

    def test_it_refuses_a_page_dressed_up_as_a_pdf(self) -> None:
        stored = self.upload("certificate.pdf", b"<html><script>alert(1)</script></html>")
        self.assertFalse(stored.certificate)
        self.assertIn("upload a PDF, PNG or JPEG", self.last)

    def test_it_refuses_a_file_over_the_size_limit(self) -> None:
        stored = self.upload("big.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024 + 1))
        self.assertFalse(stored.certificate)
        self.assertIn("; the limit is 5 MB.", self.last)

    def test_it_refuses_a_png_header_on_something_else(self) -> None:
        self.assertFalse(self.upload("x.png", b"\x89PNG\r\n\x1a\n" + b"junk" * 10).certificate)
