from django.urls import reverse

from esafety.core.models import OutboundEmail
from esafety.people.models import Person
from esafety.policies.models import Newsletter
from esafety.policies.tests.helpers import PolicyTestCase
from esafety.test import make_person


class PublishNewsletterTests(PolicyTestCase):
    def test_it_emails_each_parent_once_and_shows_it_on_the_public_page(self) -> None:
        Person.objects.filter(pk=self.parent.pk).update(email="dawn@home.example")
        make_person(self.school, Person.Kind.PARENT, "No", "Email")
        self.login(self.coordinator)
        self.client.post(
            reverse("policies:newsletters"),
            {
                "term": "Spring term 2027",
                "title": "Screen time",
                "body": "Talk about **screen time** together.",
            },
        )
        newsletter = Newsletter.objects.get()
        self.assertFalse(OutboundEmail.objects.exists())
        self.assertNotContains(
            self.client.get(reverse("policies:school", args=["hollybrook"])), "Screen time"
        )
        for _ in range(2):
            self.client.post(reverse("policies:publish_newsletter", args=[newsletter.pk]))
        email = OutboundEmail.objects.get()
        self.assertEqual(email.to, ["dawn@home.example"])
        self.client.logout()
        page = self.client.get(reverse("policies:school", args=["hollybrook"]))
        self.assertContains(page, "Screen time")
        self.assertContains(page, "<strong>screen time</strong>", html=False)
