"""The website audit against a local HTTP server serving fixture pages (``tests/site/``): the same host only,
robots.txt honoured, a pause between requests, a page limit, and the publishing check on every page, caption
and alt text."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from e2e.support import serve_directory
from esafety.publishing.actions import audit_site, settings_for
from esafety.publishing.crawler import crawl
from esafety.publishing.models import WebsiteAudit
from esafety.test import BaseTestCase

SITE = Path(__file__).parent / "site"


class CrawlTests(BaseTestCase):
    def test_it_stays_on_the_site_honours_robots_and_pauses_between_requests(self) -> None:
        pauses: list[float] = []
        with serve_directory(SITE) as base:
            pages = list(crawl(base + "/", delay=0.5, sleep=pauses.append))
        paths = [page.url.removeprefix(base) for page in pages]
        self.assertEqual(paths, ["/", "/news/sports-day.html", "/news/poems.html", "/files/letter.pdf"])
        self.assertEqual(pages[-1].note, "not a web page (application/pdf)")
        self.assertEqual(pauses, [0.5, 0.5, 0.5])

    def test_it_stops_at_the_page_limit(self) -> None:
        with serve_directory(SITE) as base:
            self.assertEqual(len(list(crawl(base + "/", max_pages=2, delay=0, sleep=lambda _: None))), 2)

    def test_it_finds_names_in_alt_text_and_contact_details_on_the_pages(self) -> None:
        with serve_directory(SITE) as base:
            settings = settings_for(self.school)
            settings.allowed_contacts = "01632 960000"
            settings.save()
            audit = WebsiteAudit.objects.create(school=self.school, url=base + "/")
            audit_site(audit, delay=0, sleep=lambda _: None)
        found = {
            (page.url.removeprefix(base), finding["kind"], finding["text"])
            for page in audit.pages.all()
            for finding in page.findings
        }
        self.assertEqual(
            found,
            {
                ("/news/sports-day.html", "pupil-full-name", "Leo Bramley"),
                ("/news/sports-day.html", "unconsented-image", "/img/race.jpg"),
                ("/news/sports-day.html", "named-beside-photo", "Leo Bramley"),
                ("/news/poems.html", "phone-number", "07700 900123"),
            },
        )
        self.assertEqual((audit.status, audit.pages_checked, audit.finding_count), ("done", 4, 4))
        self.login(self.coordinator)
        page = self.client.get(reverse("publishing:audit", args=[audit.pk]))
        self.assertContains(page, f'href="{base}/news/sports-day.html"')
        self.assertContains(page, "Pupil&#x27;s full name")

    def test_the_command_audits_a_site_and_exits_1_on_findings(self) -> None:
        out = StringIO()
        with serve_directory(SITE) as base, self.assertRaises(SystemExit) as exited:
            call_command("audit_website", base + "/", "--school", "hollybrook", "--delay", "0", stdout=out)
        self.assertEqual(exited.exception.code, 1)
        self.assertIn(f"{base}/news/sports-day.html pupil-full-name: Leo Bramley", out.getvalue())
        self.assertIn("4 page(s)", out.getvalue())

    def test_the_command_refuses_bad_input(self) -> None:
        for args in (
            ["ftp://example.org/"],
            ["http://127.0.0.1:9/", "--school", "nowhere"],
            ["http://127.0.0.1:9/"],
        ):
            with self.subTest(args=args), self.assertRaises(CommandError) as raised:
                call_command("audit_website", *args, stdout=StringIO())
            self.assertEqual(raised.exception.returncode, 2)
