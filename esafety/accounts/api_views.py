from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from esafety.access import allowed_actions, roles_at, schools_of
from esafety.accounts.models import User


@extend_schema(
    responses=inline_serializer(
        "Me",
        {
            "username": serializers.CharField(),
            "name": serializers.CharField(),
            "schools": serializers.ListField(child=serializers.DictField()),
        },
    )
)
@api_view(["GET"])
def me(request: Request) -> Response:
    """Who the token belongs to, and what they may do at each of their schools."""
    user = request.user
    # IsAuthenticated, the default permission, lets only signed-in users through.
    assert isinstance(user, User)
    schools: list[dict[str, Any]] = [
        {
            "slug": school.slug,
            "name": school.name,
            "roles": sorted(roles_at(user, school)),
            "actions": sorted(allowed_actions(user, school)),
        }
        for school in schools_of(user)
    ]
    return Response({"username": user.username, "name": user.get_full_name(), "schools": schools})
