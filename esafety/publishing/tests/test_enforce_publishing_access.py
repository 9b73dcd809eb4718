"""The publishing room's access table (``access_matrix.py``), plus the "Done means" cells of issue 14."""

from __future__ import annotations

from django.urls import reverse

from esafety.publishing.actions import settings_for
from esafety.publishing.tests import helpers
from esafety.publishing.tests.access_matrix import MATRIX
from esafety.test import AccessMatrixTestCase, BaseTestCase


class TestPublishingAccess(AccessMatrixTestCase):
    matrix = MATRIX


class DoneMeansTests(BaseTestCase):
    def test_it_opens_the_check_to_a_teacher_and_sends_anonymous_visitors_to_sign_in(self) -> None:
        self.login(self.teacher)
        self.assertEqual(self.client.get(reverse("publishing:check")).status_code, 200)
        self.client.logout()
        response = self.client.get(reverse("publishing:check"))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])


class DelegatedEditorTests(BaseTestCase):
    def test_it_lets_a_delegated_editor_approve_as_the_head_does(self) -> None:
        publication = helpers.item(self.school)
        url = reverse("publishing:step", args=[publication.pk, "approve"])
        self.login(self.teacher2)
        self.assertEqual(self.client.post(url).status_code, 404)
        settings_for(self.school).editors.add(self.teacher2)
        self.assertEqual(self.client.post(url).status_code, 302)
        publication.refresh_from_db()
        self.assertEqual((publication.status, publication.approved_by), ("approved", self.teacher2))
