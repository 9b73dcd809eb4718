from esafety.filtering.tests.access_matrix import MATRIX
from esafety.filtering.tests.helpers import FilteringTestCase
from esafety.test import AccessMatrixTestCase


class TestFilteringAccess(AccessMatrixTestCase, FilteringTestCase):
    matrix = MATRIX
