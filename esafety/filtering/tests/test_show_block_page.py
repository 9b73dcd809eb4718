"""The block page: plain words for a child and for an adult, escaped, and never an open redirect."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from esafety.filtering.tests.helpers import FilteringTestCase


class TestShowBlockPage(FilteringTestCase):
    def get(self, **params: str):
        return self.client.get(reverse("filtering:blocked") + "?" + urlencode(params))

    def test_it_speaks_to_a_five_year_old_and_to_an_adult(self) -> None:
        page = self.get(category="chat", group="pupils", url="http://chat.example/")
        self.assertContains(page, "This page is not for school.")
        self.assertContains(page, "Tell your teacher.")
        self.assertContains(page, "unmoderated chat rooms")
        staff = self.get(category="adult", group="staff", url="http://x.example/")
        self.assertNotContains(staff, "Tell your teacher")
        self.assertContains(staff, "This page is blocked by the school")

    def test_it_escapes_the_url_category_and_group(self) -> None:
        evil = '"><script>alert(1)</script>'
        page = self.get(category=evil, group=evil, url="http://x.example/" + evil)
        body = page.content.decode()
        self.assertNotIn("<script>alert(1)", body)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", body)  # the URL, as text
        self.assertNotIn("alert(1)</", body)

    def test_it_never_redirects_anywhere(self) -> None:
        for params in (
            {"url": "https://evil.example/"},
            {"next": "https://evil.example/"},
            {"redirect": "//evil.example"},
            {"url": "javascript:alert(1)"},
        ):
            page = self.get(**params)
            self.assertEqual(page.status_code, 200)
            self.assertNotIn('href="https://evil.example', page.content.decode())
            self.assertNotIn('href="javascript:', page.content.decode())

    def test_it_offers_staff_a_prefilled_request_for_access(self) -> None:
        self.login(self.teacher)
        page = self.get(category="games", group="pupils", url="http://maths-game.example/level?a=1&b=2")
        link = (
            reverse("filtering:new_request")
            + "?"
            + urlencode(
                {"kind": "unblock", "url": "http://maths-game.example/level?a=1&b=2", "group": "pupils"}
            )
        )
        self.assertContains(page, link.replace("&", "&amp;"))
        form = self.client.get(link)
        self.assertContains(form, 'value="http://maths-game.example/level?a=1&amp;b=2"')

    def test_it_gives_anonymous_visitors_no_request_link(self) -> None:
        page = self.get(category="games", group="pupils", url="http://x.example/")
        self.assertNotContains(page, reverse("filtering:new_request"))
        self.assertContains(page, "sign in to esafety to request access")
