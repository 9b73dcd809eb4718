from esafety.monitoring.tests.access_matrix import MATRIX
from esafety.test import AccessMatrixTestCase


class TestMonitoringAccess(AccessMatrixTestCase):
    matrix = MATRIX
