"""Issue 12, item 12: the sign-in page names the product and the school, and its help names someone who can reset
a password; API tokens move from every page's footer to the user's own account page."""

from __future__ import annotations

from django.test import TestCase

from esafety.people.models import School, Trust
from esafety.test import BaseTestCase


class SignInPageTests(BaseTestCase):
    def test_it_names_the_product_and_the_trust_with_several_schools(self) -> None:
        page = self.client.get("/accounts/login/")
        self.assertContains(page, "Sign in to esafety")
        # The test data has two trusts: neither is named.
        self.assertNotContains(page, "Test Trust")

    def test_its_help_names_a_role_that_can_reset_passwords(self) -> None:
        page = self.client.get("/accounts/login/").content.decode()
        self.assertIn("Headteacher or Deputy Headteacher", page)
        self.assertNotIn("ICT technician to reset", page)


class SingleSchoolSignInTests(TestCase):
    def test_it_names_the_only_school(self) -> None:
        trust = Trust.objects.create(name="Meadowbank Learning Trust", slug="meadowbank")
        School.objects.create(trust=trust, name="Hollybrook Primary School", slug="hollybrook")
        page = self.client.get("/accounts/login/")
        self.assertContains(page, "Hollybrook Primary School")
        self.assertNotContains(page, "testserver")


class AccountPageTests(BaseTestCase):
    def test_it_keeps_api_tokens_on_the_users_own_page_not_in_every_footer(self) -> None:
        self.login(self.teacher)
        dashboard = self.client.get("/")
        self.assertNotContains(dashboard, "/accounts/tokens/")
        self.assertContains(dashboard, 'href="/accounts/me/"')
        page = self.client.get("/accounts/me/")
        self.assertContains(page, 'href="/accounts/tokens/"')
        self.assertContains(page, 'href="/accounts/password/"')

    def test_it_sends_visitors_who_are_not_signed_in_to_sign_in(self) -> None:
        self.assertRedirects(
            self.client.get("/accounts/me/"),
            "/accounts/login/?next=/accounts/me/",
            fetch_redirect_response=False,
        )
