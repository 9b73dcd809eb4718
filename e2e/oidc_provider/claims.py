"""The provider's users and what their ID tokens say. ``USERS`` maps a user name at the provider to its
e-mail address, whether the address is verified, the ``amr`` it reports and a quirk applied to its ID token."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings

OTHER_TENANT = "9f8e7d6c-5b4a-4392-8172-6a5b4c3d2e1f"
PASSWORD = "provider-password-5"

# name: (e-mail, e-mail verified, amr, quirk)
USERS: dict[str, tuple[str, bool, list[str], str]] = {
    "sophie": ("s.barnes@hollybrook.sch.example", True, ["pwd"], ""),  # the demo school's Year 2 teacher
    "helen": (
        "h.marsh@hollybrook.sch.example",
        True,
        ["pwd", "mfa"],
        "",
    ),  # the Head, with the provider's MFA
    "gareth": ("g.llewellyn@hollybrook.sch.example", True, ["pwd"], ""),  # the Technician, no MFA
    "unverified": ("t.whitaker@hollybrook.sch.example", False, ["pwd"], ""),
    "stranger": ("new.starter@hollybrook.sch.example", True, ["pwd"], ""),
    "wrongaud": ("s.barnes@hollybrook.sch.example", True, ["pwd"], "wrong_audience"),
    "expired": ("s.barnes@hollybrook.sch.example", True, ["pwd"], "expired"),
    "othertenant": ("s.barnes@hollybrook.sch.example", True, ["pwd"], "other_tenant"),
    "badnonce": ("s.barnes@hollybrook.sch.example", True, ["pwd"], "wrong_nonce"),
}


def userinfo(claims: dict[str, Any], user: Any) -> dict[str, Any]:
    email, verified, _, _ = USERS[user.username]
    claims.update(
        email=email,
        email_verified=verified,
        given_name=user.first_name,
        family_name=user.last_name,
        name=user.get_full_name(),
        preferred_username=email,
    )
    return claims


def apply_quirks(id_token: dict[str, Any], user: Any, **kwargs: Any) -> dict[str, Any]:
    _, _, amr, quirk = USERS[user.username]
    id_token["tid"] = settings.TENANT
    id_token["amr"] = amr
    if quirk == "wrong_audience":
        id_token["aud"] = "another-service"
    elif quirk == "expired":
        now = int(time.time())
        id_token.update(iat=now - 7200, auth_time=now - 7200, exp=now - 3600)
    elif quirk == "other_tenant":
        id_token["tid"] = OTHER_TENANT
    elif quirk == "wrong_nonce":
        id_token["nonce"] = "not-the-nonce-esafety-sent"
    return id_token
