"""A subject access export: everything about the person, without other people's information or restricted
records the requester may not release, and every omission listed."""

from __future__ import annotations

import io
import json

from pypdf import PdfReader

from esafety.audit.models import AuditEntry
from esafety.test import BaseTestCase

from .support import alert, at, incident


class SubjectAccessTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.pupil.date_of_birth = at(2018, 5, 4).date()
        cls.pupil.save()
        cls.open_incident = incident(
            cls.school,
            "cyberbullying",
            at(2026, 10, 3),
            (cls.pupil, "victim"),
            (cls.pupil2, "subject"),
            description="Leo Bramley sent Ava unkind messages; Leo said sorry.",
        )
        cls.restricted = incident(
            cls.school,
            "staff_aup_breach",
            at(2026, 10, 4),
            (cls.pupil, "witness"),
            (cls.staff_member, "subject"),
            restricted=True,
            description="Mark Staffer showed Ava a video.",
        )
        incident(
            cls.school, "other", at(2026, 10, 5), (cls.pupil2, "victim"), description="Not about Ava at all"
        )
        alert(
            cls.school,
            3,
            at(2026, 10, 6),
            1,
            person=cls.pupil,
            text="message to leo.b@pupils.example about the game",
            recipients=["leo.b@pupils.example"],
        )

    def export(self, user: object, fmt: str = "json") -> dict:
        self.login(user)
        response = self.client.get(f"/governance/retention/subject-access/{self.pupil.pk}.{fmt}")
        self.assertEqual(response.status_code, 200)
        return json.loads(response.content) if fmt == "json" else {"pdf": response.content}

    def test_it_gathers_the_persons_records_from_every_room(self) -> None:
        data = self.export(self.coordinator)
        sections = {s["title"]: s for s in data["sections"]}
        self.assertEqual(sections["Directory entry"]["entries"][0]["Name"], "Ava Ashdown")
        self.assertEqual(
            [e["Record"] for e in sections["Safeguarding log"]["entries"]], [self.open_incident.label]
        )
        self.assertEqual(len(sections["Monitoring captures"]["entries"]), 1)
        self.assertIn("Training", sections)

    def test_it_leaves_out_third_parties_information_and_lists_the_redactions(self) -> None:
        data = self.export(self.coordinator)
        dumped = json.dumps(data["sections"])
        for third_party in ("Leo", "Bramley", "leo.b@pupils.example", "Dawn", "Not about Ava"):
            self.assertNotIn(third_party, dumped)
        log = next(s for s in data["sections"] if s["title"] == "Safeguarding log")
        self.assertEqual(
            log["entries"][0]["What was recorded"],
            "[another person] sent Ava unkind messages; [another person] said sorry.",
        )
        self.assertTrue(any("replaced with [another person]" in line for line in data["redactions"]))
        self.assertTrue(any("address(es) removed" in line for line in data["redactions"]))
        self.assertTrue(any("family link" in line for line in data["redactions"]))

    def test_it_withholds_restricted_records_from_a_role_that_may_not_release_them(self) -> None:
        data = self.export(self.coordinator)
        self.assertNotIn("video", json.dumps(data["sections"]))
        self.assertIn(
            "1 record(s) about a member of staff withheld: only the Headteacher may release them.",
            data["redactions"],
        )
        head = self.export(self.head)
        log = next(s for s in head["sections"] if s["title"] == "Safeguarding log")
        self.assertEqual(len(log["entries"]), 2)
        self.assertIn("[another person] showed Ava a video.", json.dumps(log))

    def test_it_exports_a_pdf_bundle_and_audits_the_export(self) -> None:
        content = self.export(self.coordinator, "pdf")["pdf"]
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())
        self.assertIn("Information held about Ava Ashdown", text)
        self.assertIn("What was left out, and why", text)
        self.assertNotIn("Bramley", text)
        entry = AuditEntry.objects.filter(action="retention.subject_access").first()
        assert entry is not None
        self.assertEqual(
            (entry.kind, entry.object_repr, entry.detail["format"]),
            ("export", f"Person #{self.pupil.pk}", "pdf"),
        )
