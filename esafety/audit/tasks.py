from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from esafety.audit.actions import verify_chain
from esafety.audit.models import ChainCheck

logger = logging.getLogger("esafety.audit")


def check_chain(*, receipt: bool = False) -> ChainCheck:
    """Verify the chain, keep the result, and tell every Headteacher at once if it is broken.

    With ``receipt`` (the nightly run), the head hash also goes to the log and by e-mail to
    ``ESAFETY_AUDIT_RECEIPTS`` (default: the Headteachers): copies kept outside the database, so that cutting or
    rewriting the trail and the check table together still shows against a receipt.
    """
    from esafety.accounts.models import Role, User
    from esafety.core.actions import queue_email

    report = verify_chain()
    check = ChainCheck.objects.create(
        ok=report.ok,
        checked=report.checked,
        head_hash=report.head_hash,
        break_seq=report.first_break.seq if report.first_break else None,
        reason=report.first_break.reason[:300] if report.first_break else "",
        sealed=report.sealed,
    )
    heads = User.objects.filter(is_active=True, role_assignments__role=Role.HEAD).exclude(email="")
    if receipt:
        logger.info(
            "audit chain check %s: %s entries, head hash %s",
            "OK" if report.ok else "BROKEN",
            check.checked,
            check.head_hash,
        )
        queue_email(
            f"audit-receipt-{check.pk}",
            settings.ESAFETY_AUDIT_RECEIPTS or heads.values_list("email", flat=True).distinct(),
            "esafety: audit trail receipt",
            f"esafety checked its audit trail on {timezone.localtime(check.at):%d %B %Y at %H:%M}.\n\n"
            f"Result: {'intact' if report.ok else 'BROKEN'}\nEntries: {check.checked}\nHead hash: {check.head_hash}\n\n"
            "Keep this e-mail: if the trail is ever rewritten, this hash will no longer match it.",
        )
    if not report.ok:
        queue_email(
            f"audit-broken-{timezone.localdate().isoformat()}",
            heads.values_list("email", flat=True).distinct(),
            "esafety: the audit trail failed its integrity check",
            "esafety's nightly check found that the audit trail has been altered. "
            f"See {settings.SITE_URL}/audit/ and ask your ICT technician to investigate.",
        )
    return check


@task()
def verify_audit_chain() -> bool:
    return check_chain(receipt=True).ok
