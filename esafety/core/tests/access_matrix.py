"""Who may use the core's URLs, written by hand: the dashboard is every member of staff's front page (issue 1),
the school switcher and the health check are for everyone (the latter for load balancers, signed in or not),
and the OpenAPI schema describes the API to signed-in users (it maps every operation)."""

from __future__ import annotations

from esafety.test import ANONYMOUS, PERSONAS, route

EVERYONE = (*PERSONAS, ANONYMOUS)

MATRIX = [
    route("dashboard", *PERSONAS),
    route("switch_school", *PERSONAS, method="POST", data=lambda case: {"school": case.school.pk}),
    route("healthz", *EVERYONE),
    # The schema maps every operation: signed-in users only, outside DEBUG (security drill finding 9).
    route("api-schema", *PERSONAS, anonymous=401),
]
