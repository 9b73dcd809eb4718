"""``manage.py audit_website URL [--school SLUG] [--max-pages N] [--delay SECONDS]``

Crawls the school's own site from URL (same host only, robots.txt honoured, a pause between requests, a page
limit), runs the publishing check on every page, its captions and alt text, and records the audit so its page
lists the findings with links. Prints one line per finding; exits 1 when there is a finding, 0 when clean, 2 on
bad input. Also scheduled monthly for every school with a website address in its publishing settings.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from esafety.people.models import School
from esafety.publishing.actions import audit_site, own_hosts
from esafety.publishing.models import PublishingSettings, WebsiteAudit


class Command(BaseCommand):
    help = "Audit the school's website for pupils' full names, contact details and unconsented photos."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url")
        parser.add_argument("--school", help="the school's slug (default: the school whose website this is)")
        parser.add_argument("--max-pages", type=int, default=200)
        parser.add_argument(
            "--delay", type=float, default=1.0, help="seconds between requests (at least 0.0)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"]
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise CommandError(f"{url!r} is not an http(s) address", returncode=2)
        if options["max_pages"] < 1 or options["delay"] < 0:
            raise CommandError("--max-pages must be at least 1 and --delay at least 0", returncode=2)
        school = self._school(options["school"], url)
        audit = WebsiteAudit.objects.create(school=school, url=url)
        audit_site(audit, max_pages=options["max_pages"], delay=options["delay"])
        for page in audit.pages.all():
            for finding in page.findings:
                self.stdout.write(f"{page.url} {finding['kind']}: {' '.join(str(finding['text']).split())}")
            if page.note:
                self.stdout.write(f"{page.url} (not checked: {page.note})")
        self.stdout.write(
            f"{audit.pages_checked} page(s), {audit.finding_count} finding(s): {reverse('publishing:audit', args=[audit.pk])}"
        )
        if audit.status == WebsiteAudit.Status.FAILED:
            raise CommandError(audit.note, returncode=2)
        if audit.finding_count:
            raise SystemExit(1)

    def _school(self, slug: str | None, url: str) -> School:
        if slug:
            school = School.objects.filter(slug=slug).first()
            if school is None:
                raise CommandError(f"no school with the slug {slug!r}", returncode=2)
            return school
        host = (urlsplit(url).hostname or "").lower()
        for publishing in PublishingSettings.objects.exclude(site_url="").select_related("school"):
            if host in own_hosts(publishing.site_url):
                return publishing.school
        raise CommandError(
            "no school has this website in its publishing settings: give --school", returncode=2
        )
