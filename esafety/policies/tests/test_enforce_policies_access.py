from esafety.policies.tests.access_matrix import MATRIX
from esafety.test import AccessMatrixTestCase


class TestPoliciesAccess(AccessMatrixTestCase):
    matrix = MATRIX
