"""The annual review: measured versus self-reported answers, sign-off by the named people, earlier years kept."""

from __future__ import annotations

from esafety.governance import actions, standards
from esafety.governance.models import ResponsiblePeople, ReviewAnswer
from esafety.governance.tests.support import without_provider
from esafety.test import BaseTestCase

from .support import alert, at


class ReviewTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        ResponsiblePeople.objects.create(school=cls.school, slt_lead=cls.head, governor=cls.governor)
        alert(cls.school, 4, at(2025, 9, 10), 3)

    def setUp(self) -> None:
        self.review = actions.start_review(self.school, 2025, by=self.coordinator)

    def answer_all(self) -> None:
        for item in standards.ITEMS:
            actions.answer_item(
                self.review, item.key, verdict="met", reported_by="ICT technician", by=self.coordinator
            )

    def test_it_marks_an_answer_measured_and_keeps_the_figure_it_rested_on(self) -> None:
        answer = actions.answer_item(
            self.review, "dfe.monitoring.effective", verdict="met", by=self.coordinator
        )
        self.assertEqual(answer.basis, ReviewAnswer.Basis.MEASURED)
        kept = {e["key"]: e["measure"]["summary"] for e in answer.evidence if e["measure"]}
        self.assertEqual(kept["monitoring.time_to_review"], "Median 3.0 hours to review; 1 of 1 within a day")
        self.assertEqual(answer.reported_by, "")

    def test_it_needs_a_source_for_a_self_reported_answer(self) -> None:
        with self.assertRaises(actions.ReviewError):
            actions.answer_item(self.review, "uksic.ctiru", verdict="met", by=self.coordinator)
        answer = actions.answer_item(
            self.review,
            "uksic.ctiru",
            verdict="met",
            reported_by="Filtering provider's statement",
            by=self.coordinator,
        )
        self.assertEqual(
            (answer.basis, answer.reported_by), ("self_reported", "Filtering provider's statement")
        )

    def test_it_treats_an_item_whose_room_has_not_landed_as_self_reported(self) -> None:
        with without_provider("filtering.test_results"):
            answer = actions.answer_item(
                self.review,
                "dfe.filtering.checks",
                verdict="partly",
                reported_by="ICT technician",
                by=self.coordinator,
            )
        self.assertEqual(answer.basis, "self_reported")
        self.assertEqual([e["measure"] for e in answer.evidence], [None])

    def test_it_keeps_what_was_typed_when_a_self_reported_answer_lacks_its_source(self) -> None:
        self.login(self.coordinator)
        response = self.client.post(
            "/governance/filtering-review/2025/",
            {
                "verdict__uksic.ctiru": "met",
                "verdict__uksic.iwf_member": "met",
                "reported_by__uksic.iwf_member": "Provider",
                "notes_ai": "Chat sites blocked",
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Say who reported this", status_code=400)
        self.assertContains(response, "Chat sites blocked", status_code=400)
        self.assertFalse(self.review.answers.exists())

    def test_it_saves_the_guided_review_from_the_page(self) -> None:
        self.login(self.head)
        self.client.post(
            "/governance/filtering-review/2025/",
            {
                "verdict__uksic.ctiru": "met",
                "reported_by__uksic.ctiru": "Provider's statement",
                "notes_send": "Profiles checked",
            },
        )
        self.review.refresh_from_db()
        self.assertEqual(self.review.notes_send, "Profiles checked")
        self.assertEqual(self.review.answers.get().reported_by, "Provider's statement")

    def test_it_lets_only_the_named_people_sign_and_only_when_every_item_is_answered(self) -> None:
        with self.assertRaises(actions.ReviewError):
            actions.sign(self.review, "slt", by=self.head)  # nothing answered yet
        self.answer_all()
        with self.assertRaises(actions.ReviewError):
            actions.sign(self.review, "slt", by=self.coordinator)  # not the named SLT lead
        with self.assertRaises(actions.ReviewError):
            actions.sign(self.review, "governor", by=self.head)
        actions.sign(self.review, "slt", by=self.head)
        actions.sign(self.review, "governor", by=self.governor)
        self.assertEqual(self.review.status, "signed")
        with self.assertRaises(actions.ReviewError):
            actions.answer_item(self.review, "uksic.ctiru", verdict="not_met", reported_by="x", by=self.head)

    def test_it_shows_earlier_years_side_by_side(self) -> None:
        self.answer_all()
        later = actions.start_review(self.school, 2026, by=self.coordinator)
        actions.answer_item(
            later, "uksic.ctiru", verdict="not_met", reported_by="Provider", by=self.coordinator
        )
        self.login(self.governor)
        page = self.client.get("/governance/filtering-review/compare/").content.decode()
        self.assertIn("2025/26", page)
        self.assertIn("2026/27", page)
        row = page[page.index("police-assessed list") :].split("</tr>")[0]
        self.assertEqual((row.count("Met"), row.count("Not met")), (1, 1))

    def test_it_records_actions_with_owners_and_dates(self) -> None:
        self.login(self.head)
        self.client.post(
            "/governance/filtering-review/2025/actions/",
            {"title": "Block VPN apps", "owner": self.technician.pk, "due_on": "2026-01-31"},
        )
        action = self.review.actions.get()
        self.assertEqual((action.owner, str(action.due_on)), (self.technician, "2026-01-31"))
