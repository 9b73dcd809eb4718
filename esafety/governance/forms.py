from __future__ import annotations

from typing import Any

from django import forms

from esafety.accounts.models import Role, User
from esafety.governance import standards
from esafety.governance.models import FilteringReview, ResponsiblePeople, ReviewAnswer
from esafety.people.models import Person
from esafety.people.picker import PickerFormMixin, use_picker


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _user_label(user: User) -> str:
    return user.get_full_name() or user.username


class ResponsiblePeopleForm(forms.ModelForm):
    class Meta:
        model = ResponsiblePeople
        fields = [
            "slt_lead",
            "governor",
            "dsl",
            "technician",
            "it_provider",
            "filtering_provider",
            "monitoring_provider",
        ]

    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = {
            "slt_lead": (Role.HEAD, Role.DEPUTY),
            "governor": (Role.GOVERNOR,),
            "dsl": (Role.DSL, Role.HEAD, Role.DEPUTY),
            "technician": (Role.TECHNICIAN,),
        }
        for name, roles in choices.items():
            field = self.fields[name]
            field.queryset = User.holding(school, roles)  # type: ignore[attr-defined]
            field.label_from_instance = _user_label  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    """Every item of the review on one page, grouped by section, plus the notes the standards ask for."""

    notes_send = forms.CharField(
        label="Pupils with SEND",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Are filtering and monitoring right for pupils with special educational needs and disabilities?",
    )
    notes_eal = forms.CharField(
        label="Pupils with English as an additional language",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Does monitoring understand the languages pupils use?",
    )
    notes_ai = forms.CharField(
        label="Generative AI",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Which AI tools can pupils reach, and how are they filtered or supervised?",
    )
    notes_devices = forms.CharField(
        label="Personal and mobile devices",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Phones, 4G/5G and devices brought from home: what applies and how it is enforced.",
    )
    summary = forms.CharField(
        label="Overall conclusion", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, measured: dict[str, bool], answers: dict[str, ReviewAnswer], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.measured = measured
        verdicts = [("", "Not answered yet"), *ReviewAnswer.Verdict.choices]
        for item in standards.ITEMS:
            answer = answers.get(item.key)
            # Every item has an "Answer" field: tie each to its own item's text for screen readers.
            described = {"aria-describedby": f"text-{item.key}"}
            self.fields[f"verdict__{item.key}"] = forms.ChoiceField(
                label="Answer",
                choices=verdicts,
                required=False,
                initial=answer.verdict if answer else "",
                widget=forms.Select(attrs=described),
            )
            self.fields[f"comment__{item.key}"] = forms.CharField(
                label="Comment",
                required=False,
                initial=answer.comment if answer else "",
                widget=forms.Textarea(attrs={"rows": 2, **described}),
            )
            if not measured.get(item.key):
                self.fields[f"reported_by__{item.key}"] = forms.CharField(
                    label="Who said so",
                    required=False,
                    max_length=150,
                    initial=answer.reported_by if answer else "",
                    widget=forms.TextInput(
                        attrs={"aria-describedby": f"id_reported_by__{item.key}_helptext text-{item.key}"}
                    ),
                    help_text="esafety holds no figure for this: whose statement is the answer based on? "
                    "(e.g. 'Filtering provider's certificate, 2 Sep' or 'ICT technician')",
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for item in standards.ITEMS:
            needs_source = data.get(f"verdict__{item.key}") and not self.measured.get(item.key)
            if needs_source and not (data.get(f"reported_by__{item.key}") or "").strip():
                self.add_error(
                    f"reported_by__{item.key}", "Say who reported this: it is a self-reported answer."
                )
        return data

    def bound_item(self, key: str) -> dict[str, Any]:
        return {
            "verdict": self[f"verdict__{key}"],
            "comment": self[f"comment__{key}"],
            "reported_by": self[f"reported_by__{key}"] if f"reported_by__{key}" in self.fields else None,
        }

    @classmethod
    def initial_notes(cls, review: FilteringReview) -> dict[str, str]:
        return {
            name: getattr(review, name)
            for name in ("notes_send", "notes_eal", "notes_ai", "notes_devices", "summary")
        }


class ActionForm(forms.Form):
    title = forms.CharField(max_length=200, label="Action")
    owner = forms.ModelChoiceField(queryset=User.objects.none(), label="Owner")
    due_on = forms.DateField(label="Due by", widget=DateInput())

    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        owner.queryset = User.holding(school, list(Role))  # type: ignore[attr-defined]
        owner.label_from_instance = _user_label  # type: ignore[attr-defined]


class HoldForm(PickerFormMixin, forms.Form):
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        help_text="Everything about this person is kept while the hold lasts.",
    )
    record_type = forms.ChoiceField(required=False, label="Or one record of type")
    object_id = forms.CharField(
        required=False, max_length=64, label="Record number", help_text="e.g. the capture or incident id"
    )
    reason = forms.CharField(
        max_length=300, help_text="e.g. the claim, inquiry or request that needs the records kept"
    )

    def __init__(self, *args: Any, school: Any, record_types: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        person.queryset = Person.objects.filter(school=school)  # type: ignore[attr-defined]
        use_picker(self, "person")
        self.fields["record_type"].choices = [("", "—"), *record_types]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and not (data.get("record_type") and data.get("object_id")):
            raise forms.ValidationError("Choose a person, or a record type and its number.")
        return data


class PeriodForm(forms.Form):
    period = forms.IntegerField(min_value=1, max_value=200 * 365, label="Keep for")


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="Name or MIS ID", max_length=100)
