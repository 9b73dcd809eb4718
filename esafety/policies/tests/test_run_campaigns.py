import csv
import io
import re
from datetime import timedelta

from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from esafety.core.models import OutboundEmail, PersonalLink
from esafety.people.models import Guardianship, Person
from esafety.policies import actions
from esafety.policies.models import Acknowledgement, AcknowledgementCampaign, AcknowledgementRequest
from esafety.policies.tasks import send_campaign_emails
from esafety.policies.tests.helpers import PolicyTestCase
from esafety.test import make_person

A = AcknowledgementCampaign.Audience
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class RunCampaignsTests(PolicyTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.parent.email = "dawn@home.example"
        cls.parent.save(update_fields=["email"])
        owls = make_person(
            cls.school, Person.Kind.PUPIL, "Mia", "Owl", year_group="Year 3", class_name="Owls"
        )
        cls.owl_parent = make_person(cls.school, Person.Kind.PARENT, "Raj", "Owl", email="raj@home.example")
        Guardianship.objects.create(parent=cls.owl_parent, pupil=owls)
        cls.governor_person = make_person(
            cls.school, Person.Kind.GOVERNOR, "Gill", "Board", email="gill@gov.example"
        )
        cls.trainee = make_person(cls.school, Person.Kind.TRAINEE, "Tia", "Trainee", email="tia@uni.example")
        cls.supply = make_person(cls.school, Person.Kind.SUPPLY, "Sid", "Supply")
        cls.visitor = make_person(
            cls.school, Person.Kind.VISITOR, "Vic", "Visitor", email="vic@visit.example"
        )
        cls.contractor = make_person(
            cls.school, Person.Kind.THIRD_PARTY, "Ted", "Tech", email="ted@it.example"
        )
        make_person(cls.sibling_school, Person.Kind.STAFF, "Other", "School", email="x@riverside.example")

    def asked(self, audience: str, audience_filter: str = "") -> set[str]:
        return {
            person.full_name for person, _ in actions.audience_people(self.school, audience, audience_filter)
        }

    def test_it_asks_each_audience_of_the_issue(self) -> None:
        staff = {
            "Head Tester",
            "Deputy Tester",
            "Coordinator Tester",
            "Technician Tester",
            "Teacher Tester",
            "Teacher2 Tester",
            "Office Tester",
            "Governor Tester",
            "Trustlead Tester",
            "Mark Staffer",
        }
        self.assertEqual(self.asked(A.ALL_STAFF), staff)
        self.assertEqual(self.asked(A.GOVERNORS), {"Gill Board", "Governor Tester"})
        self.assertEqual(self.asked(A.TRAINEE_SUPPLY), {"Tia Trainee", "Sid Supply"})
        self.assertEqual(self.asked(A.VISITORS), {"Vic Visitor", "Ted Tech"})
        self.assertEqual(self.asked(A.PARENTS_SCHOOL), {"Dawn Ashdown", "Raj Owl"})
        self.assertEqual(self.asked(A.PARENTS_YEAR, "Year 2"), {"Dawn Ashdown"})
        self.assertEqual(self.asked(A.PARENTS_CLASS, "owls"), {"Raj Owl"})
        self.assertEqual(self.asked(A.PARENTS_CLASS, "Nobody"), set())

    def test_it_invites_account_holders_to_sign_in_and_others_by_personal_link(self) -> None:
        version = self.publish()
        with override_settings(TASKS=IMMEDIATE), self.captureOnCommitCallbacks(execute=True):
            actions.start_campaign(
                version, audience=A.ALL_STAFF, closes_on=self.closes(), by=self.coordinator
            )
            actions.start_campaign(version, audience=A.VISITORS, closes_on=self.closes(), by=self.coordinator)
        by_address = {message.to[0]: str(message.body) for message in mail.outbox}
        self.assertIn("/policies/mine/", by_address["teacher@school.example"])
        self.assertNotIn("/policies/sign/", by_address["teacher@school.example"])
        self.assertRegex(by_address["vic@visit.example"], r"/policies/sign/[\w-]{40,}/")
        self.assertNotIn(
            "Mark Staffer", str(by_address)
        )  # no address: nothing sent, shown on the progress page
        self.assertEqual(PersonalLink.objects.filter(purpose=actions.LINK_PURPOSE).count(), 2)

    def test_it_survives_a_worker_restart_without_emailing_anyone_twice(self) -> None:
        version = self.publish()
        campaign = actions.start_campaign(
            version, audience=A.PARENTS_SCHOOL, closes_on=self.closes(), by=self.coordinator, send=False
        )
        # A worker sent the first invitation, then died before the second: the next runs finish the job.
        actions.email_campaign(campaign)
        first_keys = set(OutboundEmail.objects.values_list("key", flat=True))
        for _ in range(3):
            send_campaign_emails.call()
        self.assertEqual(OutboundEmail.objects.count(), 2)
        self.assertTrue(first_keys <= set(OutboundEmail.objects.values_list("key", flat=True)))
        self.assertEqual(PersonalLink.objects.count(), 2)

    def test_it_reminds_on_schedule_and_stops_when_the_person_signs(self) -> None:
        version = self.publish()
        campaign = actions.start_campaign(
            version,
            audience=A.PARENTS_SCHOOL,
            closes_on=self.closes(),
            by=self.coordinator,
            remind_every_days=7,
        )
        now = timezone.now()
        self.assertEqual(actions.email_campaign(campaign, now + timedelta(days=3)), 0)
        self.assertEqual(actions.email_campaign(campaign, now + timedelta(days=7, minutes=1)), 2)
        request = campaign.requests.get(person=self.parent)
        actions.record_acknowledgement(request, method=Acknowledgement.Method.LINK)
        self.assertEqual(actions.email_campaign(campaign, now + timedelta(days=14, minutes=2)), 1)
        dawn = OutboundEmail.objects.filter(to=["dawn@home.example"]).values_list("subject", flat=True)
        self.assertEqual(len(dawn), 2)  # the invitation and one reminder, none after signing
        self.assertEqual(OutboundEmail.objects.filter(to=["raj@home.example"]).count(), 3)
        actions.close_campaign(campaign, by=self.coordinator)
        self.assertEqual(actions.email_campaign(campaign, now + timedelta(days=21, minutes=3)), 0)

    def test_it_shows_progress_by_class_and_exports_csv(self) -> None:
        version = self.publish()
        campaign = actions.start_campaign(
            version, audience=A.PARENTS_SCHOOL, closes_on=self.closes(), by=self.coordinator, send=False
        )
        actions.record_acknowledgement(
            campaign.requests.get(person=self.owl_parent), method=Acknowledgement.Method.LINK
        )
        _, groups = actions.campaign_progress(campaign)
        self.assertEqual([(g.group, g.done, g.total) for g in groups], [("Kestrels", 0, 1), ("Owls", 1, 1)])
        self.login(self.coordinator)
        page = self.client.get(reverse("policies:campaign", args=[campaign.pk]))
        self.assertContains(page, "1 of 2</strong> have acknowledged")
        response = self.client.get(reverse("policies:campaign_export", args=[campaign.pk]))
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        self.assertEqual(rows[0][:3], ["Name", "Kind", "Group"])
        by_name = {row[0]: row for row in rows[1:]}
        self.assertEqual(by_name["Raj Owl"][4:7][0], "1")
        self.assertEqual(by_name["Raj Owl"][6], "Personal link")
        self.assertEqual(by_name["Dawn Ashdown"][5], "")

    def test_it_records_a_paper_signature_with_its_scan(self) -> None:
        version = self.publish()
        campaign = actions.start_campaign(
            version, audience=A.VISITORS, closes_on=self.closes(), by=self.coordinator, send=False
        )
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.login(self.office)
        url = reverse("policies:campaign_paper", args=[campaign.pk])
        refused = self.client.post(
            url,
            {
                "person": self.visitor.pk,
                "signed_on": "2026-11-30",
                "scan": SimpleUploadedFile("form.exe", b"MZ not a scan"),
            },
        )
        self.assertContains(refused, "must be a PDF, JPEG or PNG")
        self.client.post(
            url,
            {
                "person": self.visitor.pk,
                "signed_on": timezone.localdate().isoformat(),
                "scan": SimpleUploadedFile("form.pdf", b"%PDF-1.4 signed"),
            },
        )
        acknowledgement = Acknowledgement.objects.get(person=self.visitor)
        self.assertEqual(
            (acknowledgement.method, acknowledgement.version, acknowledgement.recorded_by),
            (Acknowledgement.Method.PAPER, version, self.office),
        )
        self.login(self.coordinator)
        scan = self.client.get(reverse("policies:scan", args=[acknowledgement.pk]))
        self.assertEqual(b"".join(scan.streaming_content), b"%PDF-1.4 signed")

    def test_it_lists_parents_who_have_not_signed_the_code_of_conduct_this_year(self) -> None:
        code = self.publish(kind="parent_code", title="Parent Code of Conduct", slug="parent-code")
        campaign = actions.start_campaign(
            code, audience=A.PARENTS_SCHOOL, closes_on=self.closes(), by=self.coordinator, send=False
        )
        actions.record_acknowledgement(campaign.requests.get(person=self.owl_parent), method="link")
        last_year = actions.record_acknowledgement(campaign.requests.get(person=self.parent), method="link")[
            0
        ]
        Acknowledgement.objects.filter(pk=last_year.pk).update(
            acknowledged_at=timezone.now() - timedelta(days=400)
        )
        self.assertEqual(
            [
                (group, [p.full_name for p in people])
                for group, people in actions.code_of_conduct_report(self.school)
            ],
            [("Kestrels", ["Dawn Ashdown"])],
        )
        self.login(self.office)
        page = self.client.get(reverse("policies:code_of_conduct"))
        self.assertContains(page, "Dawn Ashdown")
        self.assertNotContains(page, "Raj Owl")
        self.assertTrue(re.search(r"Kestrels.*1 not signed", page.content.decode(), re.S))

    def test_it_lets_the_office_send_a_new_link_once_per_click(self) -> None:
        version = self.publish()
        campaign = actions.start_campaign(
            version, audience=A.PARENTS_SCHOOL, closes_on=self.closes(), by=self.coordinator
        )
        request = campaign.requests.get(person=self.parent)
        # The invitation went out yesterday.
        AcknowledgementRequest.objects.filter(pk=request.pk).update(
            last_emailed_at=timezone.now() - timedelta(days=1)
        )
        self.login(self.office)
        url = reverse("policies:campaign_resend", args=[campaign.pk, request.pk])
        page = self.client.post(url, follow=True)
        self.assertContains(page, "A new e-mail is on its way to Dawn Ashdown")
        self.client.post(url)  # a double click
        dawn = OutboundEmail.objects.filter(to=["dawn@home.example"])
        self.assertEqual(dawn.count(), 2)  # the invitation and the one new link
        self.assertEqual(PersonalLink.objects.filter(person=self.parent).count(), 2)
        actions.record_acknowledgement(request, method=Acknowledgement.Method.LINK)
        self.assertContains(self.client.post(url, follow=True), "has signed already")

    def test_it_starts_this_years_code_of_conduct_campaign_once(self) -> None:
        self.login(self.coordinator)
        url = reverse("policies:start_code_of_conduct")
        self.assertContains(self.client.post(url, follow=True), "Publish the Parent Code of Conduct first")
        self.publish(kind="parent_code", title="Parent Code of Conduct", slug="parent-code")
        self.assertContains(
            self.client.get(reverse("policies:code_of_conduct")), "Ask every parent and carer"
        )
        self.client.post(url)
        self.client.post(url)
        campaign = AcknowledgementCampaign.objects.get()
        self.assertEqual(
            (campaign.audience, campaign.reason, campaign.requests.count()), (A.PARENTS_SCHOOL, "annual", 2)
        )
        self.assertEqual(campaign.title, f"Parent Code of Conduct {actions.school_year_label()}")
