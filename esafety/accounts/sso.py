"""Single sign-on with OpenID Connect: the protocol half (discovery, the authorisation request, the code
exchange, the ID token's checks). Who the token names, and whether they may sign in, is ``actions``'s half.

Tokens are checked with PyJWT against the provider's published keys (JWKS): the signature, ``iss``, ``aud``,
``exp``/``iat``/``nbf``, then ``nonce`` against the one this browser's session sent, then the claims each kind
of provider vouches for (``tid`` for Entra ID, ``hd`` for Google Workspace, ``email_verified``). Nothing here
logs or stores a token; a refusal carries only a reason code and a message for the person.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import jwt
from django.conf import settings

from esafety.accounts.models import SignInProvider

# RFC 8176 methods that mean a second factor was used (Entra ID sends "mfa"; others send the method itself).
MFA_METHODS = frozenset({"mfa", "mca", "otp", "hwk", "sc"})
# Asymmetric algorithms only: "none" and HS256 (signed with the client secret we also hold) are never accepted.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384")
SECRET_VARIABLE = re.compile(r"^ESAFETY_SSO_[A-Z0-9_]{1,80}$")
ENTRA_TENANT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SESSION_KEY = "esafety_sso"
FLOW_SECONDS = 10 * 60  # how long a started sign-in may take at the provider
LEEWAY_SECONDS = 60  # clock difference allowed between the provider and this server
HTTP_TIMEOUT = 10
_CACHE_SECONDS = 3600


class Refused(Exception):
    """A sign-in the provider or esafety refused. ``reason`` is a short code for the audit trail; the message
    is for the person at the browser."""

    def __init__(self, reason: str, message: str, *, email: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.email = email


@dataclass(frozen=True)
class Endpoints:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    algorithms: tuple[str, ...]


def expected_issuer(provider: SignInProvider) -> str:
    """The issuer an ID token of ``provider`` must carry. Entra ID's per-tenant v2.0 issuer and Google's are
    fixed (their hosts are settings only for sovereign clouds and the loopback provider of the tests)."""
    if provider.kind == SignInProvider.Kind.MICROSOFT:
        return f"{settings.ESAFETY_SSO_MICROSOFT_AUTHORITY}/{provider.tenant}/v2.0"
    if provider.kind == SignInProvider.Kind.GOOGLE:
        return settings.ESAFETY_SSO_GOOGLE_ISSUER
    return provider.issuer_url.rstrip("/")


def client_secret(provider: SignInProvider) -> str:
    import os

    if not SECRET_VARIABLE.match(provider.secret_variable):
        raise Refused("misconfigured", "This sign-in provider is not set up correctly: tell your IT support.")
    secret = os.environ.get(provider.secret_variable, "")
    if not secret:
        raise Refused(
            "misconfigured",
            "This sign-in provider has no client secret on the server yet: tell your IT support.",
        )
    return secret


def _fetch_json(url: str, data: dict[str, str] | None = None) -> Any:
    _check_url(url)
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above: https, or http on loopback)
        url, data=body, headers={"Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:  # noqa: S310 (checked above)
            return json.loads(response.read(1_000_000))
    except urllib.error.HTTPError as exc:
        raise Refused("provider_error", "The sign-in provider refused the request. Try again.") from exc
    except (OSError, ValueError) as exc:
        raise Refused(
            "provider_unreachable", "The sign-in provider could not be reached. Try again shortly."
        ) from exc


def _check_url(url: str) -> None:
    """HTTPS only; plain HTTP only to this machine (the loopback provider of the tests, a laptop)."""
    parts = urllib.parse.urlsplit(url)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise Refused("misconfigured", "This sign-in provider is not set up correctly: tell your IT support.")


_discovered: dict[str, tuple[float, Endpoints]] = {}
_key_sets: dict[str, jwt.PyJWKClient] = {}


def discover(provider: SignInProvider) -> Endpoints:
    """The provider's endpoints from its discovery document, which must name the issuer we expect."""
    issuer = expected_issuer(provider)
    cached = _discovered.get(issuer)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    document = _fetch_json(f"{issuer}/.well-known/openid-configuration")
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        raise Refused("misconfigured", "The sign-in provider's details do not match: tell your IT support.")
    try:
        endpoints = Endpoints(
            issuer=issuer,
            authorization_endpoint=str(document["authorization_endpoint"]),
            token_endpoint=str(document["token_endpoint"]),
            jwks_uri=str(document["jwks_uri"]),
            algorithms=tuple(
                alg
                for alg in document.get("id_token_signing_alg_values_supported", ["RS256"])
                if alg in ALGORITHMS
            ),
        )
    except KeyError as exc:
        raise Refused("misconfigured", "The sign-in provider's details are incomplete.") from exc
    for url in (endpoints.authorization_endpoint, endpoints.token_endpoint, endpoints.jwks_uri):
        _check_url(url)
    _discovered[issuer] = (time.monotonic() + _CACHE_SECONDS, endpoints)
    return endpoints


def signing_keys(jwks_uri: str) -> jwt.PyJWKClient:
    if jwks_uri not in _key_sets:
        _key_sets[jwks_uri] = jwt.PyJWKClient(jwks_uri, lifespan=_CACHE_SECONDS, timeout=HTTP_TIMEOUT)
    return _key_sets[jwks_uri]


# --- The authorisation request and the code exchange --------------------------------------------------------


def redirect_uri() -> str:
    from django.urls import reverse

    return settings.SITE_URL + reverse("sso_callback")


def authorisation_url(provider: SignInProvider, session: Any, next_url: str) -> str:
    """Where to send the browser: a fresh state, nonce and PKCE verifier are kept in its session."""
    endpoints = discover(provider)
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    session[SESSION_KEY] = {
        "provider": provider.pk,
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "next": next_url,
        "started": int(time.time()),
    }
    query = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri(),
        "scope": "openid email profile",
        "state": state,
        "nonce": nonce,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    if provider.kind == SignInProvider.Kind.GOOGLE:
        query["hd"] = provider.tenant  # shows only the school's accounts; the token's hd is still checked
    separator = "&" if "?" in endpoints.authorization_endpoint else "?"
    return f"{endpoints.authorization_endpoint}{separator}{urllib.parse.urlencode(query)}"


def take_flow(session: Any, state: str) -> dict[str, Any]:
    """The sign-in this browser started, used once: a missing, mismatched or stale state is refused."""
    flow = session.pop(SESSION_KEY, None)
    if not isinstance(flow, dict) or not state or not hmac.compare_digest(str(flow.get("state")), state):
        raise Refused(
            "bad_state", "This sign-in was not started here, or has already been used. Start again."
        )
    if int(time.time()) - int(flow.get("started", 0)) > FLOW_SECONDS:
        raise Refused("expired_flow", "This sign-in took too long. Start again.")
    return flow


def exchange_code(provider: SignInProvider, code: str, verifier: str) -> str:
    """The ID token for ``code``, from the provider's token endpoint (client secret over the back channel)."""
    endpoints = discover(provider)
    response = _fetch_json(
        endpoints.token_endpoint,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri(),
            "client_id": provider.client_id,
            "client_secret": client_secret(provider),
            "code_verifier": verifier,
        },
    )
    token = response.get("id_token") if isinstance(response, dict) else None
    if not isinstance(token, str):
        raise Refused("no_id_token", "The sign-in provider sent no identity. Try again.")
    return token


# --- The ID token ------------------------------------------------------------------------------------------


def verify_id_token(
    token: str,
    *,
    key: Any,
    issuer: str,
    client_id: str,
    nonce: str,
    algorithms: tuple[str, ...] = ALGORITHMS,
) -> dict[str, Any]:
    """The claims of ``token`` once its signature (with ``key``), issuer, audience, expiry and nonce hold."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[alg for alg in algorithms if alg in ALGORITHMS] or ["RS256"],
            audience=client_id,
            issuer=issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Refused("expired_token", "The sign-in has expired. Start again.") from exc
    except jwt.InvalidAudienceError as exc:
        raise Refused("wrong_audience", "The sign-in was meant for another service.") from exc
    except jwt.InvalidIssuerError as exc:
        raise Refused("wrong_issuer", "The sign-in came from a provider this school does not use.") from exc
    except jwt.InvalidSignatureError as exc:
        raise Refused("bad_signature", "The sign-in could not be verified.") from exc
    except jwt.PyJWTError as exc:
        raise Refused("invalid_token", "The sign-in could not be verified.") from exc
    # An azp naming another client means the token was issued to it and passed on to us.
    if "azp" in claims and claims["azp"] != client_id:
        raise Refused("wrong_audience", "The sign-in was meant for another service.")
    if not nonce or not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise Refused("bad_nonce", "This sign-in was not started here. Start again.")
    return claims


def provider_token_claims(provider: SignInProvider, token: str, nonce: str) -> dict[str, Any]:
    """Verify ``token`` against ``provider``'s published keys."""
    endpoints = discover(provider)
    try:
        key = signing_keys(endpoints.jwks_uri).get_signing_key_from_jwt(token).key
    except jwt.PyJWKClientConnectionError as exc:
        raise Refused("provider_unreachable", "The sign-in provider could not be reached.") from exc
    except jwt.PyJWTError as exc:
        raise Refused("bad_signature", "The sign-in could not be verified.") from exc
    return verify_id_token(
        token,
        key=key,
        issuer=endpoints.issuer,
        client_id=provider.client_id,
        nonce=nonce,
        algorithms=endpoints.algorithms or ("RS256",),
    )


def vouched_email(provider: SignInProvider, claims: dict[str, Any]) -> str:
    """The e-mail address the provider vouches for, once the claims its kind relies on hold."""
    if provider.kind == SignInProvider.Kind.MICROSOFT:
        # Entra ID's e-mail claims are not verified by Microsoft: what makes them trustworthy is that the
        # account belongs to the school's own directory, which the tenant ID proves.
        email = str(claims.get("email") or claims.get("preferred_username") or "")
        if claims.get("tid") != provider.tenant:
            raise Refused(
                "wrong_tenant", "That account belongs to another organisation's Microsoft 365.", email=email
            )
    else:
        email = str(claims.get("email") or "")
        if provider.kind == SignInProvider.Kind.GOOGLE and claims.get("hd") != provider.tenant:
            raise Refused(
                "wrong_domain",
                f"Sign in with your {provider.tenant} Google account, not a personal or another school's one.",
                email=email,
            )
        if claims.get("email_verified") not in (True, "true"):
            raise Refused(
                "unverified_email", "Your sign-in provider has not verified your e-mail address.", email=email
            )
    if "@" not in email:
        raise Refused("no_email", "Your sign-in provider did not say who you are (no e-mail address).")
    return email.strip().lower()


def second_factor_claimed(claims: dict[str, Any]) -> bool:
    """Whether the provider says it asked for a second factor (``amr``, RFC 8176)."""
    methods = claims.get("amr")
    return isinstance(methods, list) and bool(MFA_METHODS & {str(m).lower() for m in methods})
