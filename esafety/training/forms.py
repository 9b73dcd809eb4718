from __future__ import annotations

from typing import Any

from django import forms

from esafety.core.uploads import LimitedFileField
from esafety.people.models import Person
from esafety.training.actions import CERTIFICATE_MAX_MB, CERTIFICATE_TYPES, trained_people
from esafety.training.models import YEAR_GROUPS, Lesson, PlannedUnit, Requirement, Resource, TrainingSession


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class SessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["kind", "title", "held_on", "led_by", "minutes", "notes"]
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}


class AttendanceForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Everyone who attended; people already marked stay marked.",
    )

    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["people"]
        field.queryset = trained_people(school).order_by("kind", "last_name", "first_name")  # type: ignore[attr-defined]
        field.label_from_instance = lambda person: person.description  # type: ignore[attr-defined]


class CertificateForm(forms.Form):
    certificate = LimitedFileField(
        max_bytes=CERTIFICATE_MAX_MB * 1024 * 1024,
        help_text=f"A {CERTIFICATE_TYPES} of up to {CERTIFICATE_MAX_MB} MB.",
    )


class RequirementForm(forms.ModelForm):
    class Meta:
        model = Requirement
        fields = ["kind", "audience", "every_months", "first_within_days", "source"]

    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        duplicate = Requirement.objects.filter(
            school=self.school, kind=data.get("kind"), audience=data.get("audience")
        ).exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise forms.ValidationError("That group already has this requirement: change the existing one.")
        return data


YEAR_GROUP_CHOICES = [(group, group) for group in YEAR_GROUPS]


class LessonForm(forms.ModelForm):
    year_group = forms.ChoiceField(choices=YEAR_GROUP_CHOICES)

    class Meta:
        model = Lesson
        fields = ["delivered_on", "year_group", "class_name", "strand", "title", "resources", "notes"]
        widgets = {
            "delivered_on": DateInput(),
            "resources": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resources"].queryset = Resource.objects.filter(school=school, retired=False)  # type: ignore[attr-defined]
        self.fields["resources"].required = False


class ResourceForm(forms.ModelForm):
    link = forms.URLField(required=False, assume_scheme="https", help_text="Where to find it, if online")

    class Meta:
        model = Resource
        fields = ["title", "provider", "link", "strand"]


class ReviewResourceForm(forms.Form):
    note = forms.CharField(
        max_length=300,
        label="Review note",
        help_text="Still suitable? Up to date for the apps and risks pupils meet now?",
    )


class PlannedUnitForm(forms.ModelForm):
    year_group = forms.ChoiceField(choices=YEAR_GROUP_CHOICES)

    class Meta:
        model = PlannedUnit
        fields = ["year_group", "term", "strand", "title"]

    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if PlannedUnit.objects.filter(
            school=self.school,
            year_group=data.get("year_group"),
            term=data.get("term"),
            strand=data.get("strand"),
        ).exists():
            raise forms.ValidationError("That strand is already planned for this year group and term.")
        return data
