"""``POST /api/v1/monitoring/captures/``: other tools (chat, learning platforms, device agents) submit text."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from esafety.access import Action
from esafety.accounts.api import allows
from esafety.accounts.models import User
from esafety.monitoring.actions import capture_text, ensure_source
from esafety.monitoring.documents import MAX_TEXT
from esafety.monitoring.models import Source
from esafety.people.models import Person


class CaptureInSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_TEXT, trim_whitespace=False)
    message_id = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        help_text="Your identifier for this text: submitting it again is then harmless.",
    )
    person = serializers.IntegerField(required=False, help_text="esafety id of the person who wrote it")
    person_email = serializers.EmailField(required=False, help_text="Or their e-mail address")
    occurred_at = serializers.DateTimeField(required=False)
    subject = serializers.CharField(max_length=255, required=False, allow_blank=True)
    source = serializers.CharField(  # type: ignore[assignment]  # a field called source; the stubs see Field.source
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="Name of the submitting tool (default: API)",
    )


class AlertOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    category = serializers.CharField()
    severity = serializers.IntegerField()
    evidence = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()


class CaptureOutSerializer(serializers.Serializer):
    capture = serializers.IntegerField(allow_null=True, help_text="null: nothing of concern, nothing kept")
    created = serializers.BooleanField(help_text="false when this message_id was already submitted")
    alerts = AlertOutSerializer(many=True)


class CaptureCreate(APIView):
    """Scan a piece of text; it is kept (with its alerts) only if something is of concern."""

    permission_classes = [allows(Action.VIEW_ALERTS)]

    @extend_schema(
        request=CaptureInSerializer,
        responses={200: CaptureOutSerializer, 201: CaptureOutSerializer, 400: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        incoming = CaptureInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data: dict[str, Any] = incoming.validated_data
        school = request.school  # type: ignore[attr-defined]
        person = None
        if data.get("person") is not None:
            person = Person.objects.filter(school=school, pk=data["person"]).first()
            if person is None:
                raise serializers.ValidationError({"person": "No such person at this school."})
        elif data.get("person_email"):
            person = Person.objects.filter(school=school, email__iexact=data["person_email"]).first()
        source = ensure_source(school, Source.Kind.API, name=(data.get("source") or "").strip() or None)
        if source.kind != Source.Kind.API:
            raise serializers.ValidationError({"source": "That name belongs to another kind of source."})
        result = capture_text(
            school=school,
            source=source,
            text=data["text"],
            person=person,
            message_id=data.get("message_id", ""),
            occurred_at=data.get("occurred_at"),
            subject=data.get("subject", ""),
            sender=data.get("person_email", ""),
            actor=request.user if isinstance(request.user, User) else None,
            request=request,
        )
        body = {
            "capture": result.capture.pk if result.capture else None,
            "created": result.created,
            "alerts": [
                {
                    "id": a.pk,
                    "category": a.category,
                    "severity": a.severity,
                    "evidence": a.evidence,
                    "start": a.start,
                    "end": a.end,
                }
                for a in result.alerts
            ],
        }
        return Response(
            CaptureOutSerializer(body).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )
