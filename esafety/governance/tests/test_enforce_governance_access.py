from __future__ import annotations

from esafety.governance.tests.access_matrix import MATRIX
from esafety.test import AccessMatrixTestCase


class TestGovernanceAccess(AccessMatrixTestCase):
    matrix = MATRIX
