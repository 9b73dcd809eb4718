from __future__ import annotations

from typing import Any

from django.conf import settings

from esafety.accounts.models import Role

# "TOTP two-factor is required for Head, Deputy, Co-ordinator and Technician": the roles that can read the
# safeguarding log, change filtering or see monitoring captures. Trust-wide roles see several schools' worth.
SECOND_FACTOR_ROLES = frozenset(
    {
        Role.HEAD,
        Role.DEPUTY,
        Role.COORDINATOR,
        Role.DSL,
        Role.TECHNICIAN,
        Role.TRUST_SAFEGUARDING,
        Role.TRUST_ADMIN,
    }
)


def needs_second_factor(user: Any) -> bool:
    if not settings.ESAFETY_REQUIRE_2FA or not user.is_authenticated:
        return False
    from esafety.access import roles_anywhere

    return bool(roles_anywhere(user) & SECOND_FACTOR_ROLES)
