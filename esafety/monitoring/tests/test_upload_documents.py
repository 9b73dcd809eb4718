from __future__ import annotations

import io

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esafety.audit.models import AuditEntry
from esafety.monitoring.documents import parse_email, text_from_file
from esafety.monitoring.models import Capture, Source
from esafety.monitoring.tests.helpers import BENIGN, CONCERN, MonitoringTestCase

EML = (
    b"From: Ava Ashdown <ava.ashdown@pupils.school.example>\r\nTo: friend@pupils.school.example\r\n"
    b"Subject: tonight\r\nMessage-ID: <upload-1@example>\r\nDate: Mon, 03 Mar 2025 21:14:00 +0000\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
    b"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>honestly i want to <b>kill myself</b></p><script>x()</script>\r\n"
    b"--b--\r\n"
)


def make_docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_pdf(text: str) -> bytes:
    """A one-page PDF with ``text`` in Helvetica, offsets in the xref computed for real."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class UploadDocumentTests(MonitoringTestCase):
    def upload(self, name: str, data: bytes, **extra: object):
        self.login(self.technician)
        return self.client.post(
            reverse("monitoring:upload"), {"file": SimpleUploadedFile(name, data), **extra}
        )

    def test_it_reads_text_from_every_kind(self) -> None:
        self.assertIn("kill myself", text_from_file("a.docx", make_docx(CONCERN)))
        self.assertIn("kill myself", text_from_file("a.pdf", make_pdf(CONCERN)))
        self.assertIn("kill myself", text_from_file("a.txt", CONCERN.encode()))
        parsed = parse_email(EML)
        self.assertIn("kill myself", parsed.text)
        self.assertNotIn("x()", parsed.text)
        self.assertEqual(
            (parsed.message_id, parsed.sender), ("<upload-1@example>", "ava.ashdown@pupils.school.example")
        )

    def test_it_scans_an_uploaded_word_document(self) -> None:
        response = self.upload("essay.docx", make_docx(CONCERN), person=self.pupil.pk)
        capture = Capture.objects.get()
        alert = capture.alerts.get()
        self.assertRedirects(
            response, reverse("monitoring:alert", args=[alert.pk]), fetch_redirect_response=False
        )
        self.assertEqual((capture.person, capture.source.kind), (self.pupil, Source.Kind.UPLOAD))
        entry = AuditEntry.objects.get(action="capture.create")
        self.assertEqual(entry.actor, self.technician)

    def test_it_scans_a_pdf(self) -> None:
        self.upload("letter.pdf", make_pdf(CONCERN))
        self.assertEqual(Capture.objects.get().alerts.get().category, "self_harm")

    def test_it_takes_the_person_and_message_id_from_an_email(self) -> None:
        self.upload("message.eml", EML)
        self.upload("message.eml", EML)
        capture = Capture.objects.get()
        self.assertEqual(
            (capture.person, capture.message_id, capture.subject),
            (self.pupil, "<upload-1@example>", "tonight"),
        )

    def test_it_keeps_nothing_of_no_concern(self) -> None:
        response = self.upload("notes.txt", BENIGN.encode())
        self.assertRedirects(response, reverse("monitoring:upload"), fetch_redirect_response=False)
        self.assertFalse(Capture.objects.exists())

    def test_it_refuses_a_file_without_text(self) -> None:
        response = self.upload("picture.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
        self.assertContains(response, "No text could be read")
        self.assertFalse(Capture.objects.exists())

    def test_it_refuses_roles_that_do_not_see_alerts(self) -> None:
        self.login(self.teacher)
        response = self.client.post(
            reverse("monitoring:upload"), {"file": SimpleUploadedFile("a.txt", CONCERN.encode())}
        )
        self.assertEqual(response.status_code, 403)
