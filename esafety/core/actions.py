from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction

from esafety.core.models import OutboundEmail

_QUIET: ContextVar[bool] = ContextVar("esafety_quiet", default=False)


@contextmanager
def quiet() -> Iterator[None]:
    """Queue no e-mail inside the block, from any room: the one way to build the demo or load past records
    without telling anyone. Never for live work."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


def queue_email(
    key: str, to: Iterable[str], subject: str, body: str, *, school: Any = None
) -> OutboundEmail | None:
    """Queue an e-mail once per ``key`` and send it after the surrounding transaction commits.

    Notifications about safeguarding records say only that there is something to look at and where: the
    details stay behind sign-in. Inside ``quiet()`` nothing is queued and the answer is ``None``.
    """
    if _QUIET.get():
        return None
    from esafety.core.tasks import send_email

    recipients = sorted({address for address in to if address})
    email, created = OutboundEmail.objects.get_or_create(
        key=key[:200], defaults={"to": recipients, "subject": subject[:200], "body": body, "school": school}
    )
    if created and recipients:
        transaction.on_commit(lambda: send_email.enqueue(email.pk))
    return email
