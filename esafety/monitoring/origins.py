"""What monitoring contributes to other rooms' pages (see ``esafety/core/origins.py``)."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from esafety.core.origins import Link, register_origin
from esafety.core.types import SchoolRequest
from esafety.monitoring.permissions import alerts_visible_to, may_review

ALERT_REF = re.compile(r"^alert:(\d{1,18})$")


def incident_origin(request: SchoolRequest, incident: Any) -> Link:
    """An incident filed from an alert links to it, for those who may open alerts.

    The link needs more than the ``source_ref`` text (an API client can write anything there): the alert must be
    one the viewer can open at this school (``VIEW_ALERTS``) and must itself point back to this incident.
    Everyone else learns only that monitoring raised it. The message's words come as a quotation only to those
    who may read the alert's text (``may_review``): the incident is restricted like the alert, not like the log.
    """
    if match := ALERT_REF.match(incident.source_ref):
        alert = (
            alerts_visible_to(request.user, request.school)
            .filter(pk=int(match.group(1)), incident_id=incident.pk)
            .first()
        )
        if alert is not None:
            return Link(
                f"Raised from monitoring alert #{alert.pk}",
                reverse("monitoring:alert", args=[alert.pk]),
                quote=alert.excerpt if may_review(request.user, request.school) else "",
            )
    return Link("Raised by monitoring")


register_origin("monitoring", incident_origin)
