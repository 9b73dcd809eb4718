"""Issue 12 point 4: a report about a pupil names at least one person, or says nobody is known and why; the form
keeps everything typed when it refuses, and the API refuses the same way."""

from __future__ import annotations

from django.urls import reverse

from esafety.accounts.models import ApiToken
from esafety.incidents.models import Category, Incident
from esafety.incidents.tests.helpers import IncidentTestCase


class RequirePeopleOnReportTests(IncidentTestCase):
    def form_data(self, **extra: object) -> dict[str, object]:
        data: dict[str, object] = {
            "category": Category.SELF_HARM,
            "occurred_at": "2026-11-30T10:15",
            "location": "ICT suite",
            "description": "A pupil searched for ways to hurt themselves",
            "token": "nobody123abc",
            "send": "1",
        }
        data.update(extra)
        return data

    def test_it_refuses_a_report_about_a_pupil_naming_nobody_and_keeps_what_was_typed(self) -> None:
        self.login(self.teacher)
        response = self.client.post(reverse("incidents:new"), self.form_data())
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Say who was involved", status_code=400)
        self.assertContains(response, "A pupil searched for ways to hurt themselves", status_code=400)
        self.assertContains(response, 'value="ICT suite"', status_code=400)
        self.assertEqual(Incident.objects.count(), 0)

    def test_it_asks_why_when_nobody_known_is_ticked_without_a_reason(self) -> None:
        self.login(self.teacher)
        response = self.client.post(reverse("incidents:new"), self.form_data(nobody_known="on"))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Say why nobody can be named.", status_code=400)
        self.assertEqual(Incident.objects.count(), 0)

    def test_it_files_with_nobody_known_and_the_reason(self) -> None:
        self.login(self.teacher)
        data = self.form_data(nobody_known="on", nobody_known_reason="Seen on a screen in passing")
        response = self.client.post(reverse("incidents:new"), data)
        self.assertEqual(response.status_code, 302)
        incident = Incident.objects.get()
        self.assertEqual(incident.people_unknown_reason, "Seen on a screen in passing")
        self.assertIn("Nobody recorded: Seen on a screen in passing", incident.timeline.get().text)

    def test_it_files_with_one_person_ticked(self) -> None:
        self.login(self.teacher)
        data = self.form_data(people=[str(self.pupil.pk)], **{f"role_{self.pupil.pk}": "victim"})
        self.assertEqual(self.client.post(reverse("incidents:new"), data).status_code, 302)
        self.assertEqual(list(Incident.objects.get().people.all()), [self.pupil])

    def test_it_lets_a_data_breach_be_filed_naming_nobody(self) -> None:
        self.login(self.teacher)
        data = self.form_data(category=Category.DATA_BREACH, description="A laptop was left unlocked")
        self.assertEqual(self.client.post(reverse("incidents:new"), data).status_code, 302)

    def test_the_api_refuses_a_report_about_a_pupil_naming_nobody(self) -> None:
        _, key = ApiToken.issue(self.teacher, "test")
        url, auth = reverse("api-incidents"), {"HTTP_AUTHORIZATION": f"Token {key}"}
        payload: dict[str, object] = {"category": Category.CYBERBULLYING, "description": "Messages"}
        refused = self.client.post(url, payload, content_type="application/json", **auth)
        self.assertEqual(refused.status_code, 400)
        self.assertIn("people", refused.json())
        payload["people_unknown_reason"] = "The account is anonymous"
        accepted = self.client.post(url, payload, content_type="application/json", **auth)
        self.assertEqual(accepted.status_code, 201, accepted.content)
        payload = {
            "category": Category.CYBERBULLYING,
            "description": "Messages",
            "people": [{"id": self.pupil.pk}],
        }
        self.assertEqual(
            self.client.post(url, payload, content_type="application/json", **auth).status_code, 201
        )
