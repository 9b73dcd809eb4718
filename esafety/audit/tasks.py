from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from esafety.audit.actions import verify_chain
from esafety.audit.models import ChainCheck


def check_chain() -> ChainCheck:
    """Verify the chain, keep the result, and tell every Headteacher at once if it is broken."""
    from esafety.accounts.models import Role, User
    from esafety.core.actions import queue_email

    report = verify_chain()
    check = ChainCheck.objects.create(
        ok=report.ok,
        checked=report.checked,
        head_hash=report.head_hash,
        break_seq=report.first_break.seq if report.first_break else None,
        reason=report.first_break.reason[:300] if report.first_break else "",
    )
    if not report.ok:
        heads = User.objects.filter(is_active=True, role_assignments__role=Role.HEAD).exclude(email="")
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
    return check_chain().ok
