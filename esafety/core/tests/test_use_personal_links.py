import hashlib
from datetime import timedelta

from django.utils import timezone

from esafety.audit.models import AuditEntry
from esafety.core.links import LinkRefused, issue_link, open_link, use_link
from esafety.core.models import PersonalLink
from esafety.people.models import Person
from esafety.test import BaseTestCase

PURPOSE = "policies.acknowledge"


class UsePersonalLinksTests(BaseTestCase):
    def issue(self, **overrides: object) -> tuple[PersonalLink, str]:
        arguments: dict[str, object] = {
            "school": self.school,
            "person": self.parent,
            "purpose": PURPOSE,
            "subject_key": "campaign:12",
            "expires_at": timezone.now() + timedelta(days=14),
            "created_by": self.coordinator,
        }
        arguments.update(overrides)
        return issue_link(**arguments)

    def assertRefused(self, reason: str, call: object, *args: str) -> LinkRefused:
        with self.assertRaises(LinkRefused) as caught:
            call(*args)
        self.assertEqual(caught.exception.reason, reason)
        self.assertTrue(caught.exception.message)
        return caught.exception

    def test_it_stores_only_the_hash_of_the_token(self) -> None:
        link, token = self.issue()
        self.assertGreaterEqual(len(token), 40)
        self.assertEqual(link.token_hash, hashlib.sha256(token.encode()).hexdigest())
        stored = PersonalLink.objects.filter(pk=link.pk).values_list(
            "purpose", "subject_key", "token_hash", "person_id"
        )
        self.assertNotIn(token, repr(list(stored)))

    def test_it_opens_a_fresh_link_without_consuming_it(self) -> None:
        link, token = self.issue()
        self.assertEqual(open_link(token, PURPOSE), link)
        self.assertEqual(open_link(token, PURPOSE).person, self.parent)
        link.refresh_from_db()
        self.assertIsNone(link.used_at)

    def test_it_uses_a_link_exactly_once(self) -> None:
        link, token = self.issue()
        self.assertEqual(use_link(token, PURPOSE), link)
        link.refresh_from_db()
        self.assertIsNotNone(link.used_at)
        self.assertRefused("used", use_link, token, PURPOSE)
        self.assertRefused("used", open_link, token, PURPOSE)

    def test_it_refuses_a_second_tab_opened_before_the_first_submitted(self) -> None:
        _, token = self.issue()
        open_link(token, PURPOSE)
        open_link(token, PURPOSE)
        use_link(token, PURPOSE)
        self.assertRefused("used", use_link, token, PURPOSE)

    def test_it_refuses_an_expired_link(self) -> None:
        _, token = self.issue(expires_at=timezone.now() - timedelta(seconds=1))
        refused = self.assertRefused("expired", open_link, token, PURPOSE)
        self.assertIn("school office", refused.message)
        self.assertRefused("expired", use_link, token, PURPOSE)

    def test_it_refuses_a_tampered_or_unknown_token(self) -> None:
        _, token = self.issue()
        tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
        for raw in (tampered, "", "x" * 5000, token.upper() if token.upper() != token else token + "x"):
            with self.subTest(raw=raw[:20]):
                self.assertRefused("unknown", open_link, raw, PURPOSE)
                self.assertRefused("unknown", use_link, raw, PURPOSE)
        self.assertIsNotNone(open_link(token, PURPOSE))

    def test_it_refuses_a_link_for_another_purpose(self) -> None:
        _, token = self.issue(purpose="consent.answer")
        self.assertRefused("wrong-purpose", open_link, token, PURPOSE)
        self.assertRefused("wrong-purpose", use_link, token, PURPOSE)
        self.assertIsNotNone(use_link(token, "consent.answer"))

    def test_it_keeps_each_persons_link_their_own(self) -> None:
        mine, my_token = self.issue()
        theirs, their_token = self.issue(person=self.staff_member)
        self.assertEqual(use_link(my_token, PURPOSE).person, self.parent)
        self.assertEqual(open_link(their_token, PURPOSE).person, self.staff_member)
        self.assertNotEqual(mine.token_hash, theirs.token_hash)

    def test_it_refuses_to_issue_a_link_for_a_person_of_another_school(self) -> None:
        stranger = Person.objects.create(
            school=self.other_school, kind=Person.Kind.PARENT, first_name="Sam", last_name="Else"
        )
        with self.assertRaises(ValueError):
            self.issue(person=stranger)

    def test_it_audits_issue_and_use_without_the_token(self) -> None:
        link, token = self.issue()
        use_link(token, PURPOSE)
        entries = AuditEntry.objects.filter(object_type="core.personallink", object_id=str(link.pk))
        self.assertEqual(
            sorted(entries.values_list("action", flat=True)), ["personal_link.issue", "personal_link.use"]
        )
        for entry in entries:
            self.assertNotIn(token, repr(entry.detail) + entry.object_repr)
            self.assertNotIn(link.token_hash, repr(entry.detail) + entry.object_repr)
            self.assertNotIn("Ashdown", entry.object_repr)

    def test_it_rolls_the_use_back_with_the_callers_transaction(self) -> None:
        from django.db import transaction

        link, token = self.issue()
        with self.assertRaises(RuntimeError), transaction.atomic():
            use_link(token, PURPOSE)
            raise RuntimeError("saving the answer failed")
        link.refresh_from_db()
        self.assertIsNone(link.used_at)
        self.assertIsNotNone(use_link(token, PURPOSE))
