"""Background tasks shared by every room: e-mail delivery and the periodic-task clock.

Tasks run through the Django tasks API. The embedded backend keeps the queue in the database (``db_worker``);
a trust on several machines sets ``ESAFETY_TASKS_BACKEND=rq`` and runs RQ workers on Redis instead. Either way,
tasks must be safe to run twice: they look at the database to see what is still to do.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from esafety.core.models import OutboundEmail

log = logging.getLogger(__name__)
# A claim older than this belongs to a worker that died mid-send.
CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_ATTEMPTS = 5


def _claim(email_id: int) -> bool:
    """Mark the row as being sent, committed before any SMTP traffic; False if someone else has it."""
    with transaction.atomic():
        return (
            OutboundEmail.objects.filter(
                pk=email_id, status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.FAILED]
            )
            .filter(attempts__lt=MAX_ATTEMPTS)
            .update(status=OutboundEmail.Status.SENDING, claimed=timezone.now())
            == 1
        )


def deliver(email_id: int) -> bool:
    """Send one queued e-mail unless it was already sent or is being sent. True if this call sent it."""
    if not _claim(email_id):
        return False
    email = OutboundEmail.objects.get(pk=email_id)
    try:
        message = EmailMessage(
            subject=email.subject,
            body=email.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=email.to,
            headers={
                "Message-ID": f"<{email.key.replace(' ', '-')[:120]}.{email.pk}@esafety>",
                "Auto-Submitted": "auto-generated",
            },
        )
        message.send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001  (any transport failure: keep it for a retry, never lose the row)
        OutboundEmail.objects.filter(pk=email_id).update(
            status=OutboundEmail.Status.FAILED, attempts=email.attempts + 1, last_error=str(exc)[:500]
        )
        log.warning("E-mail %s failed: %s", email_id, exc)
        return False
    OutboundEmail.objects.filter(pk=email_id).update(
        status=OutboundEmail.Status.SENT, sent=timezone.now(), attempts=email.attempts + 1, last_error=""
    )
    return True


@task()
def send_email(email_id: int) -> bool:
    return deliver(email_id)


@task()
def deliver_outbox() -> int:
    """Send everything still queued (or failed and due a retry), one commit per message.

    Killed half-way and run again, it carries on where it stopped: sent rows are skipped, and the one row
    that was mid-send is marked ``uncertain`` for a person to check rather than sent a second time.
    """
    stale = timezone.now() - CLAIM_TIMEOUT
    OutboundEmail.objects.filter(status=OutboundEmail.Status.SENDING, claimed__lt=stale).update(
        status=OutboundEmail.Status.UNCERTAIN
    )
    sent = 0
    pending = OutboundEmail.objects.filter(
        status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.FAILED], attempts__lt=MAX_ATTEMPTS
    ).order_by("pk")
    for email_id in pending.values_list("pk", flat=True):
        sent += deliver(email_id)
    return sent


@task()
def purge_pending_uploads() -> int:
    """Remove files kept for forms that were never sent again (``esafety.core.uploads``)."""
    from esafety.core.uploads import purge_pending

    return purge_pending()
