"""Lesson links "tested first" against the pupils' published policy, and the per-class page of approved links."""

from __future__ import annotations

from django.urls import reverse

from esafety.filtering.models import CheckedLink, LinkCheck
from esafety.filtering.tests.helpers import FilteringTestCase


class TestCheckLessonLinks(FilteringTestCase):
    def test_it_records_each_link_with_the_date_and_teacher(self) -> None:
        self.login(self.teacher)
        response = self.client.post(
            reverse("filtering:check"),
            {
                "lesson": "Volcanoes",
                "class_name": "Kestrels",
                "group": "pupils",
                "links": "https://www.bbc.co.uk/bitesize/topics/volcanoes\nhttp://12buzz.com/\n\n",
            },
        )
        check = LinkCheck.objects.get(school=self.school)
        self.assertRedirects(response, reverse("filtering:check_detail", args=[check.pk]))
        self.assertEqual(
            (check.teacher, check.group, check.version), (self.teacher, "pupils", self.version.number)
        )
        self.assertEqual(
            list(CheckedLink.objects.filter(link_check=check).values_list("allowed", "category")),
            [(True, "-"), (False, "chat")],
        )
        page = self.client.get(reverse("filtering:check_detail", args=[check.pk]))
        self.assertContains(page, "Tested first on")
        self.assertContains(page, "blocked (chat)")

    def test_it_gives_each_class_a_page_of_approved_links_only(self) -> None:
        self.login(self.teacher)
        self.client.post(
            reverse("filtering:check"),
            {
                "lesson": "Volcanoes",
                "class_name": "Kestrels",
                "group": "pupils",
                "links": "https://www.bbc.co.uk/bitesize\nhttp://12buzz.com/",
            },
        )
        page = self.client.get(reverse("filtering:class_links", args=["kestrels"]))
        self.assertContains(page, 'href="https://www.bbc.co.uk/bitesize"')
        self.assertNotContains(page, "12buzz")
