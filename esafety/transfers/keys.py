"""This instance's transfer keys. The private keys are files under ``ESAFETY_VAR_DIR/transfer-keys/`` (mode
0600), made on first use, not rows in the database: a database dump or backup alone then cannot open incoming
bundles or forge receipts, and rotating SECRET_KEY does not lose them. Back the folder up with the media files."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from esafety.transfers.crypto import InstanceKeys, load_or_create_keys


def key_folder() -> Path:
    return Path(settings.VAR_DIR) / "transfer-keys"


def instance_keys() -> InstanceKeys:
    return load_or_create_keys(key_folder())
