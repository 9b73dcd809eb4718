"""End-to-end encryption of a transfer bundle and the signed receipt that acknowledges it: plain Python on
``cryptography``, no Django (the keys come in as arguments).

A sealed bundle is ``MAGIC || ephemeral X25519 public key (32) || nonce (12) || ChaCha20-Poly1305 ciphertext``.
The sender makes a fresh X25519 key for every bundle and agrees a secret with the receiving instance's public
key; HKDF-SHA256 over that secret, salted with both public keys, gives the one-time key. The associated data
binds the ciphertext to the header, so a changed byte anywhere (header, nonce, ciphertext, tag) fails to open.
This is age's X25519 recipient construction, written out so that the receipt can sign the very bytes that
travelled and the sender can check the digest it signs.

A receipt is a small canonical JSON document (bundle digest, time, receiving school) signed with the receiving
instance's Ed25519 key, which the sender pinned when it fetched the public keys with the code.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "BundleRefused",
    "InstanceKeys",
    "ReceiptInvalid",
    "canonical",
    "digest",
    "load_or_create_keys",
    "open_sealed",
    "seal",
    "sign_receipt",
    "verify_receipt",
]

MAGIC = b"ESAFETY-TRANSFER-1\n"
INFO = b"esafety transfer bundle v1"
_HEADER = len(MAGIC) + 32 + 12


class BundleRefused(ValueError):
    """The bytes are not a bundle sealed to this instance, or were changed on the way."""


class ReceiptInvalid(ValueError):
    """The receipt's signature does not verify with the pinned key, or it acknowledges other bytes."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class InstanceKeys:
    """The instance's two key pairs: X25519 to receive bundles, Ed25519 to sign receipts."""

    agreement: X25519PrivateKey
    signing: Ed25519PrivateKey

    @property
    def agreement_public(self) -> str:
        return b64(self.agreement.public_key().public_bytes_raw())

    @property
    def signing_public(self) -> str:
        return b64(self.signing.public_key().public_bytes_raw())


def _write_private(path: Path, raw: bytes) -> None:
    # O_EXCL: two processes starting at once cannot both write a key; the loser reads the winner's.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(raw)


def _load(path: Path, make: Any) -> bytes:
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            _write_private(path, make().private_bytes_raw())
    return path.read_bytes()


def load_or_create_keys(folder: Path) -> InstanceKeys:
    """The instance's keys, from ``folder`` (made on first use, files readable by the owner only)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    agreement = X25519PrivateKey.from_private_bytes(_load(folder / "x25519.key", X25519PrivateKey.generate))
    signing = Ed25519PrivateKey.from_private_bytes(_load(folder / "ed25519.key", Ed25519PrivateKey.generate))
    return InstanceKeys(agreement, signing)


def _key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=INFO).derive(shared)


def seal(plaintext: bytes, recipient_public: str) -> bytes:
    """Encrypt ``plaintext`` so that only the holder of the X25519 private key behind ``recipient_public``
    (base64 of the raw 32 bytes) can read it."""
    recipient = unb64(recipient_public)
    if len(recipient) != 32:
        raise ValueError("the receiving instance's public key is not an X25519 key")
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    nonce = os.urandom(12)
    header = MAGIC + ephemeral_public + nonce
    ciphertext = ChaCha20Poly1305(_key(shared, ephemeral_public, recipient)).encrypt(nonce, plaintext, header)
    return header + ciphertext


def open_sealed(sealed: bytes, keys: InstanceKeys) -> bytes:
    """The plaintext of a bundle sealed to ``keys``; ``BundleRefused`` if it is anything else or was changed."""
    if len(sealed) <= _HEADER + 16 or not sealed.startswith(MAGIC):
        raise BundleRefused("not an esafety transfer bundle")
    ephemeral_public = sealed[len(MAGIC) : len(MAGIC) + 32]
    nonce = sealed[len(MAGIC) + 32 : _HEADER]
    recipient = keys.agreement.public_key().public_bytes_raw()
    try:
        shared = keys.agreement.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        return ChaCha20Poly1305(_key(shared, ephemeral_public, recipient)).decrypt(
            nonce, sealed[_HEADER:], sealed[:_HEADER]
        )
    except (InvalidTag, ValueError):
        raise BundleRefused("the bundle was changed on the way or was not sealed to this school") from None


def canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def sign_receipt(document: dict[str, Any], keys: InstanceKeys) -> str:
    return b64(keys.signing.sign(canonical(document)))


def verify_receipt(
    document: dict[str, Any], signature: str, signing_public: str, expected_digest: str
) -> None:
    """Raise ``ReceiptInvalid`` unless ``signature`` is the pinned key's over ``document`` and the document
    acknowledges exactly the bytes that were sent (``expected_digest``)."""
    try:
        key = Ed25519PublicKey.from_public_bytes(unb64(signing_public))
        key.verify(unb64(signature), canonical(document))
    except (InvalidSignature, ValueError) as exc:
        raise ReceiptInvalid(
            "the receipt's signature does not verify with the receiving school's key"
        ) from exc
    if document.get("bundle_sha256") != expected_digest:
        raise ReceiptInvalid("the receipt acknowledges a different bundle from the one sent")
