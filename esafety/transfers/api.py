"""The receiving side's API, used by the sending school's esafety (never by people): authenticated by the
single-use code the receiving DSL gave out by phone (``Authorization: Transfer <code>``), or afterwards by the
status token the upload returned (``Authorization: Transfer-Status <token>``). Wrong codes are counted per
address (the API's bad-key throttle) and every request is rate limited per address."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiTypes, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from esafety.accounts.api import BadTokenThrottle, _SettingsRate
from esafety.audit.actions import record
from esafety.transfers import actions, bundle, crypto
from esafety.transfers.keys import instance_keys

ERROR = inline_serializer("TransferError", {"detail": serializers.CharField()})
# A wrong, used or expired code (403), no code (401), past the rate (429): the same for every endpoint.
REFUSALS = {401: ERROR, 403: ERROR, 429: ERROR}


class TransferRateThrottle(_SettingsRate, SimpleRateThrottle):
    scope = "transfer"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _credential(request: Request, keyword: str) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "").split()
    guessing = BadTokenThrottle()
    if (wait := guessing.wait_before_trying(request)) is not None:
        raise exceptions.Throttled(wait)
    if len(header) != 2 or header[0] != keyword:
        raise exceptions.NotAuthenticated(f"Send the transfer code as 'Authorization: {keyword} <code>'.")
    return header[1]


def _refuse(request: Request) -> exceptions.APIException:
    """Count the wrong credential against the address (past the rate even a right one waits), and answer the
    same for a wrong, used or expired code, so that guessing learns nothing."""
    guessing = BadTokenThrottle()
    guessing.wait_before_trying(request)
    guessing.note_failure()
    return exceptions.PermissionDenied("This transfer code is wrong, already used or expired.")


class _TransferView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [TransferRateThrottle]

    def get_authenticate_header(self, request: Request) -> str:
        # A missing code answers 401 with the scheme to use, as a missing API token does.
        return "Transfer"


class Handshake(_TransferView):
    """The receiving school's name and public keys, for the holder of a live code (the code is not spent)."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT, **REFUSALS}, auth=[])
    def get(self, request: Request) -> Response:
        code = _credential(request, "Transfer")
        try:
            incoming = actions.find_by_code(code)
        except actions.CodeRefused:
            raise _refuse(request) from None
        keys = instance_keys()
        record("transfer.handshake", obj=incoming, object_repr=incoming.label, request=request._request)
        return Response(
            {
                "school": incoming.school.name,
                "agreement_key": keys.agreement_public,
                "signing_key": keys.signing_public,
                "format": bundle.FORMAT,
                "max_bytes": settings.TRANSFER_MAX_BYTES,
            }
        )


class Upload(_TransferView):
    """The sealed bundle (``application/octet-stream``); 201 with the status token, once per code."""

    @extend_schema(
        request={"application/octet-stream": OpenApiTypes.BINARY},
        responses={201: OpenApiTypes.OBJECT, 400: ERROR, **REFUSALS},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        code = _credential(request, "Transfer")
        sealed = request._request.read(settings.TRANSFER_MAX_BYTES + 1)
        if len(sealed) > settings.TRANSFER_MAX_BYTES:
            raise exceptions.ParseError("The bundle is larger than this school accepts.")
        try:
            incoming, token = actions.receive_bundle(code, sealed, request=request._request)
        except actions.CodeRefused:
            raise _refuse(request) from None
        except (crypto.BundleRefused, bundle.BundleInvalid) as exc:
            raise exceptions.ParseError(f"Bundle refused: {exc}") from None
        return Response(
            {"status": incoming.status, "status_token": token, "bundle_sha256": incoming.bundle_sha256},
            status=status.HTTP_201_CREATED,
        )


class TransferStatus(_TransferView):
    """How the transfer stands at the receiving school, and the signed receipt once accepted."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT, **REFUSALS}, auth=[])
    def get(self, request: Request) -> Response:
        incoming = actions.status_for(_credential(request, "Transfer-Status"))
        if incoming is None:
            raise _refuse(request)
        return Response(
            {
                "status": incoming.status,
                "viewed_at": incoming.viewed_at,
                "decided_at": incoming.decided_at,
                "reason": incoming.reason,
                "receipt": incoming.receipt or None,
                "receipt_signature": incoming.receipt_signature,
            }
        )
