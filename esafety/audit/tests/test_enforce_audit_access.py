from esafety.audit.tests.access_matrix import MATRIX
from esafety.test import AccessMatrixTestCase


class TestAuditAccess(AccessMatrixTestCase):
    matrix = MATRIX
