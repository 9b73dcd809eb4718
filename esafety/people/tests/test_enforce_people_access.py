from esafety.people.tests.access_matrix import MATRIX
from esafety.test import AccessMatrixTestCase


class TestPeopleAccess(AccessMatrixTestCase):
    matrix = MATRIX
