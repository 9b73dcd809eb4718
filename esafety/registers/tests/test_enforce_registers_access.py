from esafety.registers.tests.access_matrix import MATRIX
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
        cells = [
            ("office", "/registers/accounts/", 200),
            ("technician", "/registers/accounts/", 200),
            ("coordinator", "/registers/accounts/", 200),
            ("teacher", "/registers/accounts/", 403),
            ("governor", "/registers/accounts/", 403),
            ("technician", "/registers/devices/", 200),
            ("teacher", "/registers/devices/", 403),
            ("head", "/registers/confiscations/", 200),
            ("coordinator", "/registers/confiscations/", 200),
            ("technician", "/registers/confiscations/", 403),
            ("head", "/registers/access-review/", 200),
            ("teacher", "/registers/access-review/", 403),
        ]
        for who, path, expected in cells:
            with self.subTest(who=who, path=path):
                self.assertEqual(self.status(who, path), expected)
