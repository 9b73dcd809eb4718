from esafety.incidents.tests.access_matrix import MATRIX
from esafety.test import AccessMatrixTestCase


class TestIncidentsAccess(AccessMatrixTestCase):
    matrix = MATRIX
