"""The consent register's access table (``access_matrix.py``), walked for every persona, plus the "Done means"
cells of issue 14 spelt out."""

from __future__ import annotations

from django.urls import reverse

from esafety.consent.tests.access_matrix import MATRIX
from esafety.test import AccessMatrixTestCase, BaseTestCase


class TestConsentAccess(AccessMatrixTestCase):
    matrix = MATRIX


class DoneMeansTests(BaseTestCase):
    def status(self, user: object, name: str) -> int:
        self.client.logout()
        if user is not None:
            self.login(user)
        return self.client.get(reverse(name)).status_code

    def test_it_opens_the_register_to_office_and_teacher_but_not_the_governor(self) -> None:
        self.assertEqual(self.status(self.office, "consent:register"), 200)
        self.assertEqual(self.status(self.teacher, "consent:register"), 200)
        self.assertEqual(self.status(self.governor, "consent:register"), 403)

    def test_it_opens_campaigns_to_the_coordinator_but_not_a_teacher(self) -> None:
        self.assertEqual(self.status(self.coordinator, "consent:campaigns"), 200)
        self.assertEqual(self.status(self.teacher, "consent:campaigns"), 403)
