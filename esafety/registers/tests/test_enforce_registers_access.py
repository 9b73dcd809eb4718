from esafety.registers.tests.access_matrix import DONE_MEANS, MATRIX
from esafety.test import AccessMatrixTestCase, BaseTestCase


class TestRegistersAccess(AccessMatrixTestCase):
    matrix = MATRIX


class TestDoneMeansCells(BaseTestCase):
    """The issue's "Done means", cell by cell, exactly as written."""

    def status(self, who: str, path: str) -> int:
        self.client.logout()
        self.login(self.staff_personas[who])
        return self.client.get(path).status_code

    def test_it_answers_the_cells_the_issue_names(self) -> None:
        for who, path, expected in DONE_MEANS:
            with self.subTest(who=who, path=path):
                self.assertEqual(self.status(who, path), expected)
