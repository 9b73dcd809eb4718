from __future__ import annotations

from esafety.access import Action, can
from esafety.core import antivirus
from esafety.core.models import OutboundEmail
from esafety.core.navigation import Panel
from esafety.core.types import SchoolRequest


def panels(request: SchoolRequest) -> list[Panel]:
    result = []
    school = request.school
    if can(request.user, Action.MANAGE_USERS, school):
        uncertain = OutboundEmail.objects.filter(school=school, status=OutboundEmail.Status.UNCERTAIN).count()
        failed = OutboundEmail.objects.filter(school=school, status=OutboundEmail.Status.FAILED).count()
        if uncertain or failed:
            result.append(
                Panel(
                    "E-mail needing a check",
                    uncertain + failed,
                    note=f"{failed} failed, {uncertain} may not have been delivered",
                    tone="warn",
                )
            )
        result += _scanner_panel()
    return result


def _scanner_panel() -> list[Panel]:
    """Uploads are accepted unscanned rather than lost when clamd is down: whoever runs the school must know."""
    state = antivirus.status()
    if state.answering:
        return []
    return [
        Panel(
            "Virus scanning is off",
            "off",
            note=f"Uploaded files are stored unscanned: {state.problem}. See docs/deployment.md.",
            tone="alert",
        )
    ]
