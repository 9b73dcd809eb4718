"""Who may use the account pages, written by hand from the access and sign-in issues: everyone signs in and
out; a signed-in user changes their own password and keeps their own API tokens (another user's token is
404); the Head and the deputy manage the school's users (another school's user is 404, even to a Head there).
The second-factor page sends a user who has passed it on (302); the QR code exists only while enrolling.

Single sign-on (issue 18): starting a sign-in and the provider's callback are public (a provider that cannot be
reached answers 502; a callback with no sign-in started in this browser is refused, 403); the sign-in settings
are the Headteacher's and the ICT Technician's (and the trust administrator's; the outsider is Head elsewhere)."""

from __future__ import annotations

from esafety.test import ANONYMOUS, PERSONAS, BaseTestCase, route

MANAGERS = ("head", "deputy", "outsider")  # the outsider is Head of their own school


def _teacher(case: BaseTestCase) -> dict[str, int]:
    return {"user_id": case.teacher.pk}


def _teachers_token(case: BaseTestCase) -> dict[str, int]:
    from esafety.accounts.models import ApiToken

    token, _ = ApiToken.issue(case.teacher, "Filter")
    return {"token_id": token.pk}


SIGN_IN_KEEPERS = ("head", "technician", "outsider")


def _unreachable_provider(case: BaseTestCase) -> dict[str, int]:
    from esafety.accounts.models import SignInProvider

    provider = SignInProvider.objects.create(
        school=case.school,
        kind=SignInProvider.Kind.OIDC,
        name="Nowhere",
        issuer_url="http://127.0.0.1:9/",  # the discard port: nothing answers
        client_id="esafety",
        secret_variable="ESAFETY_SSO_SECRET_NOWHERE",
    )
    return {"provider_id": provider.pk}


MATRIX = [
    route("login", *PERSONAS, ANONYMOUS),
    route("logout", *PERSONAS, method="POST", status=302),
    route("second_factor", *PERSONAS, status=302),
    route("enrolment_qr", refused=404),  # every persona here has a confirmed device
    route("password_change", *PERSONAS),
    route("my_account", *PERSONAS),
    route("user_list", *MANAGERS),
    route("user_new", *MANAGERS),
    # Hollybrook's teacher: a Head of another school gets 404, everyone without the right 403.
    route(
        "user_detail",
        "head",
        "deputy",
        kwargs=_teacher,
        refused=404,
        forbidden=tuple(name for name in PERSONAS if name not in MANAGERS),
    ),
    # The confirmation page of a deactivation (GET only here: the POST deactivates and is tested on its own).
    route(
        "user_deactivate",
        "head",
        "deputy",
        kwargs=_teacher,
        refused=404,
        forbidden=tuple(name for name in PERSONAS if name not in MANAGERS),
    ),
    route("api_tokens", *PERSONAS),
    route("api_tokens", *PERSONAS, method="POST", data=lambda case: {"name": "Filter"}),
    route(
        "revoke_api_token",
        "teacher",
        method="POST",
        kwargs=_teachers_token,
        refused=404,
    ),
    route("api-me", *PERSONAS, anonymous=401),
    route("sso_start", *PERSONAS, ANONYMOUS, kwargs=_unreachable_provider, status=502),
    route("sso_callback", *PERSONAS, ANONYMOUS, status=403),
    route("sign_in_settings", *SIGN_IN_KEEPERS),
    route(
        "sign_in_settings",
        *SIGN_IN_KEEPERS,
        method="POST",
        data=lambda case: {"operation": "policy", "passwords_allowed": "on"},
    ),
]
