"""Change requests over the API: list, file, read and each step of ``WORKFLOW``, with the web pages' rules.

Reads go through ``permissions.visible_requests`` (another school's request or someone else's is a 404), steps
through ``permissions.may_take`` and ``actions.take_step``, so the API can never do more than the pages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from esafety.access import Action
from esafety.accounts.api import allows
from esafety.accounts.models import User
from esafety.filtering import actions, permissions
from esafety.filtering.models import ChangeRequest, RequestConflict
from esafety.filtering.workflow import WORKFLOW
from esafety.people.models import Person, School


class ChangeRequestSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="label")
    requester = serializers.CharField(source="requester.username")
    steps = serializers.SerializerMethodField()

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "number",
            "reference",
            "kind",
            "site",
            "url",
            "scope",
            "group",
            "class_name",
            "reason",
            "duration",
            "until",
            "status",
            "requester",
            "created_at",
            "stage_since",
            "applied_at",
            "applied_externally",
            "expires_at",
            "closed_at",
            "version",
            "steps",
        ]

    def get_steps(self, item: ChangeRequest) -> list[str]:
        user = self.context["request"].user
        return [t.name for t in permissions.steps_for(user, item)]


class FileRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ChangeRequest.Kind.choices)
    url = serializers.CharField(max_length=2000)
    whole_site = serializers.BooleanField(default=True)
    scope = serializers.ChoiceField(choices=ChangeRequest.Scope.choices)
    group = serializers.CharField(max_length=40, required=False, default="")
    class_name = serializers.CharField(max_length=50, required=False, default="")
    person_id = serializers.IntegerField(required=False)
    duration = serializers.ChoiceField(choices=ChangeRequest.Duration.choices)
    until = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=5000)


class StepSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, required=False, default="")
    version = serializers.IntegerField(
        required=False, help_text="The version you read: a stale one is refused"
    )


def _invalid(exc: ValidationError) -> serializers.ValidationError:
    return serializers.ValidationError({"detail": exc.messages})


ERROR = inline_serializer("FilterError", {"detail": serializers.CharField()})


def _school(request: Request) -> School:
    """The school ``allows()`` put on the request before the view ran (DRF's Request does not declare it)."""
    school = getattr(request, "school", None)
    assert isinstance(school, School)  # allows() refuses a request at no school
    return school


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # allows() has let only signed-in users through
    return user


class RequestListCreate(generics.ListAPIView):
    """``GET``: the requests the caller may see at the school. ``POST``: file a request (to the Co-ordinator)."""

    serializer_class = ChangeRequestSerializer
    permission_classes = [allows(Action.REQUEST_FILTER_CHANGE)]

    def get_queryset(self) -> Any:
        found = permissions.visible_requests(self.request.user, _school(self.request)).select_related(
            "requester"
        )
        if value := self.request.query_params.get("status"):
            found = found.filter(status=value)
        return found

    @extend_schema(
        request=FileRequestSerializer, responses={201: ChangeRequestSerializer, 400: OpenApiTypes.OBJECT}
    )  # {field: [reasons]}
    def post(self, request: Request) -> Response:
        payload = FileRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        school = _school(request)
        person = None
        if data.get("person_id"):
            person = Person.objects.filter(school=school, pk=data["person_id"]).first()
            if person is None:
                raise serializers.ValidationError({"person_id": ["No such person at this school."]})
        try:
            item = actions.file_request(
                school,
                by=_user(request),
                kind=data["kind"],
                url=data["url"],
                scope=data["scope"],
                reason=data["reason"],
                duration=data["duration"],
                group=data["group"],
                class_name=data["class_name"],
                person=person,
                until=data.get("until"),
                whole_site=data["whole_site"],
                request=request,
            )
        except ValidationError as exc:
            raise _invalid(exc) from None
        return Response(
            ChangeRequestSerializer(item, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class RequestDetail(generics.RetrieveAPIView):
    serializer_class = ChangeRequestSerializer
    permission_classes = [allows(Action.REQUEST_FILTER_CHANGE)]

    @extend_schema(responses={200: ChangeRequestSerializer, 404: ERROR})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_object(self) -> ChangeRequest:
        return get_object_or_404(
            permissions.visible_requests(self.request.user, _school(self.request)), pk=self.kwargs["pk"]
        )


class RequestStep(generics.GenericAPIView):
    """``POST /api/v1/filtering/requests/<id>/<step>/`` with ``reason`` (and ``version``): one step of the chain."""

    permission_classes = [allows(Action.REQUEST_FILTER_CHANGE)]
    serializer_class = StepSerializer

    @extend_schema(
        operation_id="filtering_requests_step",
        request=StepSerializer,
        responses={
            200: ChangeRequestSerializer,
            400: OpenApiTypes.OBJECT,
            403: ERROR,
            404: ERROR,
            409: ERROR,
        },
    )
    def post(self, request: Request, pk: int, step: str) -> Response:
        item = get_object_or_404(permissions.visible_requests(request.user, _school(request)), pk=pk)
        transition = WORKFLOW.get(step)
        if transition is None:
            return Response({"detail": f"No step {step!r}."}, status=status.HTTP_404_NOT_FOUND)
        if not permissions.may_take(request.user, item, transition):
            raise PermissionDenied("This step is not yours to take, or does not apply now.")
        payload = StepSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            actions.take_step(
                item,
                step,
                by=_user(request),
                reason=payload.validated_data["reason"],
                expected_version=payload.validated_data.get("version"),
                request=request,
            )
        except RequestConflict as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except ValidationError as exc:
            raise _invalid(exc) from None
        return Response(ChangeRequestSerializer(item, context={"request": request}).data)
