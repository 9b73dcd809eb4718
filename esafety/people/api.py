from __future__ import annotations

from rest_framework import generics, serializers

from esafety.access import Action
from esafety.accounts.api import allows
from esafety.people.models import Person


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = [
            "id",
            "mis_id",
            "kind",
            "first_name",
            "last_name",
            "preferred_name",
            "year_group",
            "class_name",
            "job_title",
            "left_on",
        ]


class PersonList(generics.ListAPIView):
    """People at the school (``?school=<slug>`` for trust-wide users). Contact details are not exposed."""

    serializer_class = PersonSerializer
    permission_classes = [allows(Action.VIEW_PEOPLE)]

    def get_queryset(self):
        people = Person.objects.filter(school=self.request.school)  # type: ignore[attr-defined]  # set by allows()
        if kind := self.request.query_params.get("kind"):
            people = people.filter(kind=kind)
        return people.order_by("pk")
