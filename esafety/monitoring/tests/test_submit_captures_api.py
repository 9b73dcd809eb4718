from __future__ import annotations

from esafety.accounts.models import ApiToken
from esafety.monitoring.models import Capture, Source
from esafety.monitoring.tests.helpers import BENIGN, CONCERN, MonitoringTestCase

URL = "/api/v1/monitoring/captures/"


class SubmitCapturesApiTests(MonitoringTestCase):
    def token(self, user) -> str:
        _, key = ApiToken.issue(user, "test", second_factor=True)
        return key

    def post(self, user, data):
        return self.client.post(
            URL, data, content_type="application/json", HTTP_AUTHORIZATION=f"Token {self.token(user)}"
        )

    def test_it_scans_submitted_text_and_returns_the_alerts(self) -> None:
        response = self.post(
            self.technician, {"text": CONCERN, "person": self.pupil.pk, "message_id": "chat-1"}
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        capture = Capture.objects.get(pk=body["capture"])
        self.assertEqual((capture.person, capture.source.kind), (self.pupil, Source.Kind.API))
        self.assertEqual(body["alerts"][0]["category"], "self_harm")
        self.assertEqual(
            CONCERN[body["alerts"][0]["start"] : body["alerts"][0]["end"]], body["alerts"][0]["evidence"]
        )
        again = self.post(self.technician, {"text": CONCERN, "person": self.pupil.pk, "message_id": "chat-1"})
        self.assertEqual((again.status_code, again.json()["created"]), (200, False))
        self.assertEqual(Capture.objects.count(), 1)

    def test_it_keeps_nothing_of_no_concern(self) -> None:
        response = self.post(
            self.coordinator, {"text": BENIGN, "person_email": "ava.ashdown@pupils.school.example"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"capture": None, "created": False, "alerts": []})

    def test_it_refuses_roles_that_do_not_see_alerts(self) -> None:
        for user in (self.teacher, self.office, self.governor):
            self.assertEqual(self.post(user, {"text": CONCERN}).status_code, 403)

    def test_it_refuses_anonymous_callers(self) -> None:
        response = self.client.post(URL, {"text": CONCERN}, content_type="application/json")
        self.assertIn(response.status_code, (401, 403))
        self.assertFalse(Capture.objects.exists())

    def test_it_refuses_a_person_of_another_school(self) -> None:
        response = self.post(self.outsider, {"text": CONCERN, "person": self.pupil.pk})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Capture.objects.exists())

    def test_it_validates_input(self) -> None:
        self.assertEqual(self.post(self.technician, {"person": self.pupil.pk}).status_code, 400)
