from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from esafety.core.models import OutboundEmail


def queue_email(key: str, to: Iterable[str], subject: str, body: str, *, school: Any = None) -> OutboundEmail:
    """Queue an e-mail once per ``key`` and send it after the surrounding transaction commits.

    Notifications about safeguarding records say only that there is something to look at and where: the
    details stay behind sign-in.
    """
    from esafety.core.tasks import send_email

    recipients = sorted({address for address in to if address})
    email, created = OutboundEmail.objects.get_or_create(
        key=key[:200], defaults={"to": recipients, "subject": subject[:200], "body": body, "school": school}
    )
    if created and recipients:
        transaction.on_commit(lambda: send_email.enqueue(email.pk))
    return email
