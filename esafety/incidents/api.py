"""The safeguarding log's API: monitoring tools and filters of any vendor file concerns; clients read the log.

Writes go through ``actions.report_incident`` and reads through ``permissions.visible_to``, so the API can never
show or do more than the web pages.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from esafety.access import Action
from esafety.accounts.api import allows
from esafety.accounts.models import User
from esafety.audit.actions import record_view
from esafety.incidents import permissions
from esafety.incidents.actions import needs_people, report_incident
from esafety.incidents.evidence import EvidenceRejected
from esafety.incidents.models import Category, Incident, IncidentPerson
from esafety.people.models import Person


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, help_text="esafety person id")
    mis_id = serializers.CharField(required=False, help_text="The school MIS identifier (alternative to id)")
    role = serializers.ChoiceField(choices=IncidentPerson.Role.choices, default=IncidentPerson.Role.OTHER)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("id") and not attrs.get("mis_id"):
            raise serializers.ValidationError("Give the person's id or mis_id.")
        return attrs


class EvidenceUploadSerializer(serializers.Serializer):
    filename = serializers.CharField(max_length=200)
    content_base64 = serializers.CharField(help_text="The file's bytes, base64-encoded")


class IncidentCreateSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    description = serializers.CharField(max_length=20000)
    occurred_at = serializers.DateTimeField(required=False)
    location = serializers.CharField(max_length=200, required=False, default="")
    people = PersonRefSerializer(many=True, required=False, default=list)
    people_unknown_reason = serializers.CharField(
        max_length=500,
        required=False,
        default="",
        help_text="For a category about a pupil with no people given: why nobody can be named",
    )
    evidence = EvidenceUploadSerializer(many=True, required=False, default=list)
    urgent = serializers.BooleanField(required=False, default=False)
    about_staff = serializers.BooleanField(required=False, default=False)
    source = serializers.CharField(  # type: ignore[assignment]  # a field called source; the stubs see Field.source
        max_length=80, required=False, default="", help_text="e.g. the product name"
    )
    external_id = serializers.CharField(
        max_length=150,
        required=False,
        default="",
        help_text="Your id for the event: sending the same one again returns the first incident, not a new one",
    )


class IncidentReceiptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    received_at = serializers.DateTimeField()
    url = serializers.CharField()


class InvolvementSerializer(serializers.ModelSerializer):
    person_id = serializers.IntegerField()
    name = serializers.CharField(source="person.full_name")

    class Meta:
        model = IncidentPerson
        fields = ["person_id", "name", "role"]


class IncidentSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="label")
    four_c = serializers.CharField()
    people = InvolvementSerializer(source="involvements", many=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "number",
            "reference",
            "category",
            "four_c",
            "status",
            "occurred_at",
            "reported_at",
            "location",
            "description",
            "reporter_actions",
            "urgent",
            "restricted",
            "source",
            "source_ref",
            "people",
            "updated_at",
        ]


def _resolve_people(school: Any, refs: list[dict[str, Any]]) -> list[tuple[Person, str]]:
    people = []
    for ref in refs:
        lookup = {"pk": ref["id"]} if ref.get("id") else {"mis_id": ref["mis_id"]}
        person = Person.objects.filter(school=school, **lookup).first()
        if person is None:
            raise serializers.ValidationError({"people": [f"No such person at this school: {lookup}"]})
        people.append((person, ref["role"]))
    return people


def _decode(files: list[dict[str, str]]) -> list[tuple[str, bytes]]:
    try:
        return [(item["filename"], base64.b64decode(item["content_base64"], validate=True)) for item in files]
    except (binascii.Error, ValueError):
        raise serializers.ValidationError({"evidence": ["content_base64 is not valid base64."]}) from None


def _queryset(request: Any) -> Any:
    people = Prefetch("involvements", queryset=IncidentPerson.objects.select_related("person").order_by("pk"))
    return (
        permissions.visible_to(request.user, request.school)
        .prefetch_related(people)
        .order_by("-occurred_at", "-id")
    )


ERROR = inline_serializer("Error", {"detail": serializers.CharField()})


class IncidentListCreate(generics.ListAPIView):
    """``GET``: incidents the caller may see at the school (``?school=<slug>``, ``?status=``, ``?category=``).
    ``POST``: file a concern; idempotent on the ``Idempotency-Key`` header or ``external_id``."""

    serializer_class = IncidentSerializer

    def get_permissions(self) -> list[Any]:
        action = Action.REPORT_INCIDENT if self.request.method == "POST" else Action.LIST_INCIDENTS
        return [allows(action)()]

    def get_queryset(self) -> Any:
        incidents = _queryset(self.request)
        for name in ("status", "category"):
            if value := self.request.query_params.get(name):
                incidents = incidents.filter(**{name: value})
        return incidents

    @extend_schema(
        request=IncidentCreateSerializer,
        responses={
            201: IncidentReceiptSerializer,
            200: IncidentReceiptSerializer,
            400: OpenApiTypes.OBJECT,  # {field: [reasons]}, as DRF reports validation errors
            413: ERROR,
        },
        parameters=[
            OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False)
        ],
    )
    def post(self, request: Request) -> Response:
        payload = IncidentCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        school = request.school  # type: ignore[attr-defined]
        key_source = request.headers.get("Idempotency-Key", "").strip() or data["external_id"]
        reporter = request.user
        assert isinstance(reporter, User)  # allows() has let only signed-in users through
        people = _resolve_people(school, data["people"])
        if needs_people(data["category"], people, data["people_unknown_reason"]):
            raise serializers.ValidationError(
                {
                    "people": [
                        "This category is about a pupil: give at least one person, or people_unknown_reason "
                        "saying why nobody can be named."
                    ]
                }
            )
        try:
            incident = report_incident(
                school=school,
                reporter=reporter,
                category=data["category"],
                description=data["description"],
                occurred_at=data.get("occurred_at"),
                location=data["location"],
                people=people,
                people_unknown_reason=data["people_unknown_reason"],
                evidence=_decode(data["evidence"]),
                urgent=data["urgent"],
                about_staff=data["about_staff"],
                source=data["source"] or "api",
                source_ref=data["external_id"],
                idempotency_key=f"api:{request.user.pk}:{key_source}" if key_source else None,
                request=request,
            )
        except EvidenceRejected as rejected:
            raise serializers.ValidationError({"evidence": [str(rejected)]}) from None
        receipt = {
            "id": incident.pk,
            "reference": incident.label,
            "received_at": incident.reported_at,
            "url": request.build_absolute_uri(f"/incidents/{incident.pk}/"),
        }
        replayed = getattr(incident, "replayed", False)
        return Response(
            IncidentReceiptSerializer(receipt).data,
            status=status.HTTP_200_OK if replayed else status.HTTP_201_CREATED,
        )


class IncidentDetail(generics.RetrieveAPIView):
    """One incident, if the caller may see it (404 otherwise). Every read is recorded in the audit trail."""

    serializer_class = IncidentSerializer
    permission_classes = [allows(Action.LIST_INCIDENTS)]

    @extend_schema(responses={200: IncidentSerializer, 404: ERROR})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_object(self) -> Incident:
        incident = get_object_or_404(_queryset(self.request), pk=self.kwargs["pk"])
        record_view(self.request, incident, object_repr=incident.label, via="api")
        return incident
