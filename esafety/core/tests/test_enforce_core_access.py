from esafety.core.tests.access_matrix import MATRIX
from esafety.test import AccessMatrixTestCase


class TestCoreAccess(AccessMatrixTestCase):
    matrix = MATRIX
