from datetime import date

from django.urls import reverse

from esafety.audit.models import AuditEntry
from esafety.policies import actions
from esafety.policies.actions import PolicyError
from esafety.policies.models import PolicyVersion
from esafety.policies.tests.helpers import PolicyTestCase, approve_and_publish

S = PolicyVersion.Status


class VersionPoliciesTests(PolicyTestCase):
    def test_it_numbers_versions_and_keeps_one_published(self) -> None:
        first = self.publish()
        second = actions.start_version(
            first.policy,
            body="# New text",
            summary_of_changes="Rewritten",
            effective_on=date(2027, 1, 1),
            by=None,
        )
        self.assertEqual((first.number, second.number), (1, 2))
        approve_and_publish(second, self.head, self.coordinator)
        first.refresh_from_db()
        self.assertEqual(first.status, S.SUPERSEDED)
        self.assertEqual(first.policy.current_version, second)
        self.assertEqual(PolicyVersion.objects.filter(policy=first.policy, status=S.PUBLISHED).count(), 1)

    def test_it_publishes_only_after_the_head_and_the_governing_body(self) -> None:
        first = self.publish()
        draft = actions.start_version(
            first.policy, body="x", summary_of_changes="", effective_on=date.today(), by=None
        )
        with self.assertRaises(PolicyError):
            actions.take_step(draft, "publish", by=self.coordinator)
        with self.assertRaises(PolicyError):  # the Co-ordinator is not the Headteacher
            actions.take_step(draft, "head-approve", by=self.coordinator)
        draft = actions.take_step(draft, "head-approve", by=self.head)
        with self.assertRaises(PolicyError):  # the governors' approval names its meeting and minute
            actions.take_step(draft, "record-governors", by=self.coordinator, meeting_on=date(2026, 11, 5))
        with self.assertRaises(PolicyError):
            actions.take_step(draft, "publish", by=self.coordinator)
        draft = actions.take_step(
            draft,
            "record-governors",
            by=self.coordinator,
            meeting_on=date(2026, 11, 5),
            minute_ref="FGB 26/11",
        )
        draft = actions.take_step(draft, "publish", by=self.coordinator)
        self.assertEqual(
            (draft.status, draft.head_approved_by, draft.governors_meeting_on, draft.governors_minute_ref),
            (S.PUBLISHED, self.head, date(2026, 11, 5), "FGB 26/11"),
        )
        steps = list(
            AuditEntry.objects.filter(
                object_type="policies.policyversion", object_id=str(draft.pk)
            ).values_list("action", flat=True)
        )
        self.assertEqual(
            sorted(steps),
            sorted(
                [
                    "policy_version.create",
                    "policy_version.head-approve",
                    "policy_version.record-governors",
                    "policy_version.publish",
                ]
            ),
        )

    def test_it_refuses_a_step_the_teacher_posts_and_keeps_drafts_editable_only(self) -> None:
        first = self.publish()
        self.login(self.coordinator)
        response = self.client.post(reverse("policies:step", args=[first.pk, "head-approve"]))
        self.assertEqual(response.status_code, 403)
        with self.assertRaises(PolicyError):
            actions.edit_version(
                first, body="changed", summary_of_changes="", effective_on=date.today(), by=None
            )

    def test_it_shows_a_readable_diff_between_any_two_versions(self) -> None:
        first = self.publish(body="# Rules\n\nKeep passwords private.\nBe kind.\n")
        second = actions.start_version(
            first.policy,
            body="# Rules\n\nKeep passwords private.\nLock your screen.\n",
            summary_of_changes="",
            effective_on=date.today(),
            by=None,
        )
        lines = [(line.kind, line.text) for line in actions.diff_versions(first, second)]
        self.assertEqual(
            lines,
            [
                ("same", "# Rules"),
                ("same", ""),
                ("same", "Keep passwords private."),
                ("removed", "Be kind."),
                ("added", "Lock your screen."),
            ],
        )
        self.login(self.coordinator)
        page = self.client.get(reverse("policies:diff", args=[first.policy_id]), {"old": 1, "new": 2})
        self.assertContains(page, "<del>Be kind.</del>", html=False)
        self.assertContains(page, "<ins>Lock your screen.</ins>", html=False)
        self.assertContains(page, "Removed")  # in words, not only in colour
        self.assertContains(page, "1</strong> line added")

    def test_it_keeps_stable_public_urls_per_policy_and_version(self) -> None:
        first = self.publish(body="Old wording")
        second = actions.start_version(
            first.policy, body="New wording", summary_of_changes="", effective_on=date.today(), by=None
        )
        policy_url = reverse("policies:policy_public", args=[self.school.slug, first.policy.slug])
        self.assertEqual(policy_url, "/policies/hollybrook/acceptable-use-staff/")
        self.assertContains(self.client.get(policy_url), "Old wording")
        self.assertEqual(self.client.get(policy_url + "v2/").status_code, 404)  # a draft is not public
        approve_and_publish(second, self.head, self.coordinator)
        self.assertContains(self.client.get(policy_url), "New wording")
        old = self.client.get(policy_url + "v1/")
        self.assertContains(old, "Old wording")
        self.assertContains(old, "This is an earlier version")
        self.assertContains(self.client.get(reverse("policies:public")), "/policies/hollybrook/")
        self.assertContains(self.client.get(reverse("policies:school", args=[self.school.slug])), policy_url)

    def test_it_keeps_everything_typed_when_a_new_version_is_refused(self) -> None:
        first = self.publish()
        self.login(self.coordinator)
        body = "# Rules\n\n<script>alert(1)</script>\n\nMy careful paragraph."
        response = self.client.post(
            reverse("policies:new_version", args=[first.policy_id]),
            {"body": body, "summary_of_changes": "My summary", "effective_on": "2027-01-01"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This text contains HTML")
        self.assertContains(response, "My careful paragraph.")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertContains(response, 'value="My summary"')
        self.assertEqual(first.policy.versions.count(), 1)

    def test_it_refuses_a_five_megabyte_paste_with_a_message_and_keeps_it(self) -> None:
        first = self.publish()
        self.login(self.coordinator)
        body = "Paragraph of the policy. " * 210_000  # about 5 MB
        response = self.client.post(
            reverse("policies:new_version", args=[first.policy_id]),
            {"body": body, "summary_of_changes": "", "effective_on": "2027-01-01"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "a policy can be at most 200,000")
        self.assertIn(body.strip().encode(), response.content)
        self.assertEqual(first.policy.versions.count(), 1)


class FoldUnchangedTests(PolicyTestCase):
    def test_it_folds_long_unchanged_runs_around_a_change(self) -> None:
        old = self.publish(body="\n".join(f"line {n}" for n in range(1, 21)))
        new = actions.start_version(
            old.policy,
            body="\n".join("changed" if n == 10 else f"line {n}" for n in range(1, 21)),
            summary_of_changes="",
            effective_on=date.today(),
            by=None,
        )
        folded = [(line.kind, line.text) for line in actions.fold_unchanged(actions.diff_versions(old, new))]
        self.assertEqual(
            folded,
            [
                ("skip", "7 unchanged lines"),
                ("same", "line 8"),
                ("same", "line 9"),
                ("removed", "line 10"),
                ("added", "changed"),
                ("same", "line 11"),
                ("same", "line 12"),
                ("skip", "8 unchanged lines"),
            ],
        )
