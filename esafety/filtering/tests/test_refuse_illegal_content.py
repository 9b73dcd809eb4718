"""Illegal-content categories are blocked for everyone and cannot be unblocked on any path, the Head included."""

from __future__ import annotations

from django.urls import reverse

from esafety.accounts.models import ApiToken
from esafety.filtering import actions, engine, publishing
from esafety.filtering.models import ChangeRequest, FilterGroup
from esafety.filtering.tests.helpers import FilteringTestCase

ILLEGAL = "http://iwf-test.example/page"


class TestRefuseIllegalContent(FilteringTestCase):
    def test_it_blocks_illegal_content_for_every_group_even_when_allowed(self) -> None:
        policy = publishing.load_published(self.school)
        for group in ("pupils", "staff"):
            self.assertEqual(engine.decide(policy, ILLEGAL, group=group).category, "illegal_content")

    def test_it_refuses_an_allow_entry_in_the_settings(self) -> None:
        group = FilterGroup.objects.get(school=self.school, name="staff")
        with self.assertRaises(actions.IllegalContent):
            actions.save_group(
                group, by=self.head, reason="Head insists", changes={"allow": ["iwf-test.example"]}
            )
        self.login(self.head)
        response = self.client.post(
            reverse("filtering:group", args=[group.pk]),
            {
                "label": "Staff",
                "default": "allow",
                "youtube": "strict",
                "allow": "sub.iwf-test.example",
                "reason": "x",
            },
        )
        self.assertContains(response, "cannot be allowed")
        group.refresh_from_db()
        self.assertEqual(group.allow, [])

    def test_it_refuses_an_unblock_request_on_the_page(self) -> None:
        self.login(self.head)
        response = self.client.post(
            reverse("filtering:new_request"),
            {
                "kind": "unblock",
                "url": ILLEGAL,
                "whole_site": "on",
                "scope": "school",
                "duration": "permanent",
                "reason": "Research",
            },
        )
        self.assertContains(response, "nobody can unblock it")
        self.assertFalse(ChangeRequest.objects.filter(school=self.school, site__contains="iwf").exists())

    def test_it_refuses_an_unblock_request_over_the_api(self) -> None:
        _, key = ApiToken.issue(self.head, name="test", second_factor=True)
        headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
        response = self.client.post(
            "/api/v1/filtering/requests/",
            {
                "kind": "unblock",
                "url": ILLEGAL,
                "scope": "school",
                "duration": "permanent",
                "reason": "Research",
            },
            content_type="application/json",
            **headers,
        )
        self.assertEqual(response.status_code, 400, response.content)
        self.assertIn("nobody can unblock it", response.content.decode())

    def test_it_refuses_to_apply_a_request_once_its_site_became_illegal(self) -> None:
        item = self.file(url="http://iwf-test.example/", kind=ChangeRequest.Kind.BLOCK)
        ChangeRequest.objects.filter(pk=item.pk).update(
            status=ChangeRequest.Status.TECHNICIAN, kind=ChangeRequest.Kind.UNBLOCK
        )
        item.refresh_from_db()
        with self.assertRaises(actions.IllegalContent):
            actions.apply_request(item, by=self.technician)

    def test_it_keeps_illegal_categories_off_the_choices_and_never_unmarks_them(self) -> None:
        self.login(self.head)
        group = FilterGroup.objects.get(school=self.school, name="pupils")
        page = self.client.get(reverse("filtering:group", args=[group.pk])).content.decode()
        self.assertNotIn('value="illegal_content"', page)
        self.assertIn("Illegal content (illegal_content) is blocked for every group", page)
