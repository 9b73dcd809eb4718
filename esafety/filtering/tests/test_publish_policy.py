"""Publishing compiles the settings into the engine's policy file, versioned, with a diff and rollback."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from esafety.filtering import actions, engine, publishing
from esafety.filtering.models import FilterGroup, PolicyChange, PolicyVersion
from esafety.filtering.tests.helpers import FilteringTestCase

ROOT = Path(__file__).resolve().parents[3]
CHAT = [line for line in (publishing.DEMO_LISTS / "chat" / "domains").read_text().split() if line]
EDUCATIONAL = [
    "https://www.bbc.co.uk/bitesize",
    "https://www.thenational.academy/",
    "http://scratch.mit.edu/",
]


def check(policy: str, group: str, urls: list[str]) -> list[list[str]]:
    out = subprocess.run(
        [sys.executable, "-m", "esafety.cli", "filter", "check", "--policy", policy, "--group", group],
        input="\n".join(urls) + "\n",
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=120,
    ).stdout
    return [line.split("\t") for line in out.splitlines()]


class TestPublishPolicy(FilteringTestCase):
    def test_it_prints_a_policy_path_that_esafety_filter_check_answers_from(self) -> None:
        out = StringIO()
        call_command("filtering_publish", "--school", "hollybrook", stdout=out, stderr=StringIO())
        path = out.getvalue().strip()
        self.assertTrue(Path(path).is_file())
        pupils = check(path, "pupils", [f"http://{d}/" for d in CHAT])
        self.assertEqual(len(pupils), len(CHAT))
        self.assertEqual({row[0] for row in pupils}, {"BLOCK"})
        staff = check(path, "staff", EDUCATIONAL)
        self.assertEqual([row[0] for row in staff], ["ALLOW"] * len(EDUCATIONAL))

    def test_it_numbers_versions_and_shows_a_readable_diff(self) -> None:
        group = FilterGroup.objects.get(school=self.school, name="pupils")
        actions.save_group(
            group, by=self.coordinator, reason="Podcasts for Year 6", changes={"allow": ["podcasts.example"]}
        )
        new = actions.publish(self.school, by=self.coordinator, reason="Year 6 podcasts")
        self.assertEqual(new.number, self.version.number + 1)
        diff = actions.diff(self.version, new)
        self.assertIn(("add", '+allow = ["podcasts.example"]'), diff)
        self.assertIn(("remove", "-allow = []"), diff)
        self.login(self.coordinator)
        page = self.client.get(reverse("filtering:version", args=[new.pk]))
        self.assertContains(page, "+allow = [&quot;podcasts.example&quot;]")

    def test_it_records_every_change_with_its_reason(self) -> None:
        group = FilterGroup.objects.get(school=self.school, name="pupils")
        actions.save_group(
            group,
            by=self.coordinator,
            reason="Games outside lessons are fine",
            changes={"blocked": ["chat"], "deny": ["distracting.example"]},
        )
        rows = set(
            PolicyChange.objects.filter(reason="Games outside lessons are fine").values_list("kind", "entry")
        )
        self.assertEqual(rows, {("unblock_category", "games"), ("deny", "distracting.example")})
        with self.assertRaises(ValidationError):
            actions.save_group(group, by=self.coordinator, reason="", changes={"blocked": []})

    def test_it_rolls_back_to_an_earlier_version_in_one_step(self) -> None:
        group = FilterGroup.objects.get(school=self.school, name="pupils")
        actions.save_group(group, by=self.coordinator, reason="Trial", changes={"blocked": []})
        actions.publish(self.school, by=self.coordinator, reason="Trial without blocks")
        self.login(self.technician)
        response = self.client.post(
            reverse("filtering:rollback", args=[self.version.pk]), {"reason": "Trial over"}
        )
        latest = PolicyVersion.objects.filter(school=self.school).first()
        self.assertRedirects(response, reverse("filtering:version", args=[latest.pk]))
        self.assertEqual(latest.rollback_of, self.version)
        group.refresh_from_db()
        self.assertEqual(group.blocked, ["chat", "games"])
        policy = publishing.load_published(self.school)
        self.assertEqual(policy.groups["pupils"].block, ("chat", "games"))

    def test_it_keeps_the_version_in_force_when_the_engine_refuses_the_new_one(self) -> None:
        group = FilterGroup.objects.get(school=self.school, name="pupils")
        FilterGroup.objects.filter(pk=group.pk).update(clients=["not-a-network"])
        with self.assertRaises(engine.PolicyError):
            actions.publish(self.school, by=self.technician, reason="Broken")
        self.assertEqual(PolicyVersion.objects.filter(school=self.school).count(), 1)
        self.assertIsNotNone(publishing.load_published(self.school))

    def test_it_asks_a_reason_on_the_page_and_keeps_the_form(self) -> None:
        self.login(self.technician)
        group = FilterGroup.objects.get(school=self.school, name="pupils")
        response = self.client.post(
            reverse("filtering:group", args=[group.pk]),
            {"label": "Pupils", "default": "allow", "youtube": "strict", "allow": "kept.example"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "kept.example")
        self.assertContains(response, "This field is required")
