from esafety.accounts.tests.access_matrix import MATRIX
from esafety.test import AccessMatrixTestCase


class TestAccountsAccess(AccessMatrixTestCase):
    matrix = MATRIX
