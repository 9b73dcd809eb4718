from esafety.test import AccessMatrixTestCase
from esafety.transfers.tests.access_matrix import MATRIX
from esafety.transfers.tests.helpers import TransferTestCase


class TransfersAccessTests(TransferTestCase, AccessMatrixTestCase):
    matrix = MATRIX
