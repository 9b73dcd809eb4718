from esafety.test import BaseTestCase


class DashboardTests(BaseTestCase):
    def test_it_sends_anonymous_visitors_to_sign_in(self) -> None:
        response = self.client.get("/")
        self.assertRedirects(response, "/accounts/login/?next=/", fetch_redirect_response=False)

    def test_it_shows_each_role_only_its_own_navigation(self) -> None:
        self.login(self.governor)
        response = self.client.get("/")
        self.assertContains(response, "Dashboard")
        self.assertNotContains(response, 'href="/audit/"')
        self.login(self.head)
        self.assertContains(self.client.get("/"), 'href="/audit/"')

    def test_it_sets_a_strict_content_security_policy_on_every_page(self) -> None:
        for path in ("/accounts/login/", "/no-such-page/"):
            csp = self.client.get(path).headers["Content-Security-Policy"]
            self.assertIn("script-src 'self'", csp)
            self.assertNotIn("unsafe-inline", csp)
            self.assertIn("frame-ancestors 'none'", csp)

    def test_it_marks_only_the_most_specific_navigation_entry_current(self) -> None:
        self.login(self.teacher)
        response = self.client.get("/people/")
        self.assertContains(response, 'href="/people/" aria-current="page"')
        self.assertNotContains(response, 'href="/" aria-current="page"')
        page = self.client.get("/incidents/new/").content.decode()
        self.assertEqual(page.count('aria-current="page"'), 1)
        self.assertIn('href="/incidents/new/" aria-current="page"', page)
