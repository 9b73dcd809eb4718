from __future__ import annotations

import tempfile

from django.test import override_settings

from esafety.test import AccessMatrixTestCase
from esafety.training.tests.access_matrix import MATRIX

_MEDIA = tempfile.mkdtemp(prefix="esafety-training-media-")


@override_settings(MEDIA_ROOT=_MEDIA)
class TestTrainingAccess(AccessMatrixTestCase):
    matrix = MATRIX
