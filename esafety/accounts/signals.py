from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from esafety.audit.actions import record
from esafety.audit.models import AuditEntry


def _record_session(action: str, user: Any, request: Any) -> None:
    record(action, actor=user, obj=user, school=user.school, request=request, kind=AuditEntry.Kind.SIGN_IN)


@receiver(user_logged_in)
def audit_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _record_session("account.sign_in", user, request)


@receiver(user_logged_out)
def audit_sign_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:  # None when the session had already expired
        _record_session("account.sign_out", user, request)


@receiver(user_login_failed)
def audit_failed_sign_in(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # The user name tried is kept (it tells an attack from a typo); the password never is.
    from esafety.accounts.models import User

    username = str(credentials.get("username", ""))[:150]
    target = User.objects.filter(username=username).select_related("school").first()
    record(
        "account.sign_in_failed",
        school=target.school if target else None,
        request=request,
        kind=AuditEntry.Kind.SIGN_IN,
        detail={"username": username},
    )
