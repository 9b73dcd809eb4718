"""User names by the school's convention and generated passwords. Pure functions: no database, no settings."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import unicodedata
from collections.abc import Callable
from datetime import date

# No 0/O, 1/l/I: the slip is read off paper and typed by hand.
ALPHABET_LOWER = "abcdefghijkmnpqrstuvwxyz"
ALPHABET_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
DIGITS = "23456789"
SYMBOLS = "-!?#%+="
MAX_USERNAME = 20  # Active Directory's sAMAccountName limit
TOKENS = ("first", "last", "f", "l", "yy", "kind")
_TOKEN = re.compile(r"\{([a-z]+)\}")


class BadPattern(ValueError):
    pass


def check_pattern(pattern: str) -> None:
    unknown = sorted(set(_TOKEN.findall(pattern)) - set(TOKENS))
    if unknown:
        raise BadPattern(
            f"unknown placeholder {{{unknown[0]}}}; use {', '.join('{' + t + '}' for t in TOKENS)}"
        )
    if not _TOKEN.search(pattern):
        raise BadPattern("the pattern needs at least one placeholder, such as {last}")
    if re.sub(r"[a-z0-9._-]", "", _TOKEN.sub("", pattern.lower())):
        raise BadPattern(
            "only letters, digits, dots, hyphens and underscores may appear between placeholders"
        )


def _ascii(text: str) -> str:
    """'Siân O'Brien-Ünal' -> 'sianobrien-unal': what every directory accepts."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9-]", "", folded)


def render_username(pattern: str, *, first: str, last: str, kind: str, today: date) -> str:
    first_clean, last_clean = _ascii(first), _ascii(last)
    values = {
        "first": first_clean,
        "last": last_clean,
        "f": first_clean[:1],
        "l": last_clean[:1],
        "yy": f"{today:%y}",
        "kind": kind.replace("_", ""),
    }
    name = _TOKEN.sub(lambda match: values[match.group(1)], pattern.lower())
    name = re.sub(r"[._-]{2,}", lambda match: match.group(0)[0], name).strip("._-")
    return name[:MAX_USERNAME] or "user"


def unique_username(base: str, taken: Callable[[str], bool]) -> str:
    """``base``, or ``base2``, ``base3``... (trimmed to fit) for the first that ``taken`` does not claim."""
    if not taken(base):
        return base
    number = 2
    while True:
        suffix = str(number)
        candidate = base[: MAX_USERNAME - len(suffix)] + suffix
        if not taken(candidate):
            return candidate
        number += 1


def generate_password(length: int = 16) -> str:
    """A random password from the operating system's CSPRNG with at least one of each character class.

    Sixteen characters from 63 symbols give about 95 bits: far beyond guessing, and grouped in fours on the
    slip so it can be typed.
    """
    length = max(length, 12)
    pool = ALPHABET_LOWER + ALPHABET_UPPER + DIGITS + SYMBOLS
    while True:
        password = "".join(secrets.choice(pool) for _ in range(length))
        if all(any(char in group for char in password) for group in (ALPHABET_LOWER, ALPHABET_UPPER, DIGITS)):
            return password


def ssha(password: str) -> str:
    """RFC 2307 salted SHA-1, the userPassword form OpenLDAP checks without a plugin."""
    salt = secrets.token_bytes(8)
    digest = hashlib.sha1(password.encode() + salt).digest()  # noqa: S324 - the directory's format, salted
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


def grouped(password: str) -> str:
    return " ".join(password[index : index + 4] for index in range(0, len(password), 4))
