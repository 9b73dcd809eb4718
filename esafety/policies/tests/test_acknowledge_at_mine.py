from django.urls import reverse

from esafety.policies import actions
from esafety.policies.models import Acknowledgement, AcknowledgementCampaign
from esafety.policies.tests.helpers import PolicyTestCase

A = AcknowledgementCampaign.Audience


class AcknowledgeAtMineTests(PolicyTestCase):
    def setUp(self) -> None:
        self.version = self.publish(title="Acceptable Use Policy (staff)")
        self.campaign = actions.start_campaign(
            self.version, audience=A.ALL_STAFF, closes_on=self.closes(), by=self.coordinator, send=False
        )

    def test_it_lists_what_a_teacher_still_owes_and_records_the_acknowledgement(self) -> None:
        self.login(self.teacher)
        page = self.client.get(reverse("policies:mine"))
        self.assertContains(page, "Acceptable Use Policy (staff)")
        self.assertContains(page, "Please acknowledge by")
        request = self.campaign.requests.get(person=self.teacher.person)
        url = reverse("policies:acknowledge", args=[request.pk])
        self.client.post(url, {})  # the box was not ticked
        self.assertFalse(Acknowledgement.objects.exists())
        response = self.client.post(url, {"confirm": "yes"}, follow=True)
        self.assertContains(response, "your acknowledgement of Acceptable Use Policy (staff) is recorded")
        self.assertContains(response, "Nothing to acknowledge")
        acknowledgement = Acknowledgement.objects.get()
        self.assertEqual(
            (acknowledgement.person, acknowledgement.version, acknowledgement.method, acknowledgement.user),
            (self.teacher.person, self.version, Acknowledgement.Method.SIGNED_IN, self.teacher),
        )
        self.client.post(url, {"confirm": "yes"})
        self.assertEqual(Acknowledgement.objects.count(), 1)

    def test_it_shows_the_office_its_own_list_and_refuses_someone_elses_request(self) -> None:
        self.login(self.office)
        self.assertContains(self.client.get(reverse("policies:mine")), "Acceptable Use Policy (staff)")
        teachers = self.campaign.requests.get(person=self.teacher.person)
        response = self.client.post(reverse("policies:acknowledge", args=[teachers.pk]), {"confirm": "yes"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Acknowledgement.objects.exists())

    def test_it_shows_what_a_person_has_signed_on_their_page(self) -> None:
        actions.acknowledge_signed_in(self.campaign.requests.get(person=self.teacher.person), self.teacher)
        self.login(self.technician)
        person_page = self.client.get(reverse("people:detail", args=[self.teacher.person_id]))
        self.assertContains(person_page, reverse("policies:person", args=[self.teacher.person_id]))
        page = self.client.get(reverse("policies:person", args=[self.teacher.person_id]))
        self.assertContains(page, "Acceptable Use Policy (staff)")
        self.assertContains(page, "Signed in")
        self.login(self.teacher2)
        person_page = self.client.get(reverse("people:detail", args=[self.teacher.person_id]))
        self.assertNotContains(person_page, reverse("policies:person", args=[self.teacher.person_id]))
