from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from esafety.test import BaseTestCase, make_person
from esafety.training.actions import INDUCTION_CHECKLIST
from esafety.training.models import InductionItem


class InductionTests(BaseTestCase):
    def test_it_gives_a_new_starter_their_induction_items_by_itself(self) -> None:
        supply = make_person(self.school, "supply", "Sam", "Supply")
        items = list(InductionItem.objects.filter(person=supply))
        self.assertEqual([i.title for i in items], [title for title, _ in INDUCTION_CHECKLIST["supply"]])
        started = timezone.localtime(supply.created).date()
        self.assertEqual(items[0].due_on, started + timedelta(days=1))

    def test_it_gives_pupils_and_parents_no_induction(self) -> None:
        self.assertFalse(InductionItem.objects.filter(person__in=[self.pupil, self.parent]).exists())

    def test_it_lets_the_starter_tick_off_their_own_item_and_nobody_else_but_the_managers(self) -> None:
        item = InductionItem.objects.filter(person=self.teacher.person).first()
        assert item is not None
        self.login(self.teacher2)
        self.assertEqual(self.client.post(f"/training/induction/{item.pk}/done/").status_code, 404)
        self.login(self.teacher)
        self.client.post(f"/training/induction/{item.pk}/done/")
        item.refresh_from_db()
        self.assertIsNotNone(item.done_at)
