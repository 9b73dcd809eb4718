from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone

from esafety.core.uploads import check_size, limit_input
from esafety.core.widgets import ISO_DATETIME_LOCAL, DateInput, DateTimeLocalInput
from esafety.incidents.evidence import max_bytes
from esafety.incidents.models import Category, Incident, IncidentPerson, Outcome, Transition


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def __deepcopy__(self, memo: dict[int, Any]) -> MultipleFileField:
        # Each form gets a copy of the field: mark it with the limit in force now (a setting, not a constant).
        result = super().__deepcopy__(memo)  # type: ignore[misc]  # Field.__deepcopy__, not in the stubs
        limit_input(result, max_bytes())
        return result

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in files]
        for upload in cleaned:
            check_size(upload, max_bytes())
        return cleaned


def category_choices(blank: str = "Choose the closest match") -> list[tuple[str, str]]:
    return [("", blank), *Category.choices]


class ReportForm(forms.Form):
    """The report itself. The people picker is rendered beside it and read from the POST by the view."""

    category = forms.ChoiceField(
        choices=category_choices(), help_text="Choose the closest: the Co-ordinator can change it."
    )
    occurred_at = forms.DateTimeField(
        label="When did it happen?",
        widget=DateTimeLocalInput(),
        input_formats=[ISO_DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
    )
    location = forms.CharField(
        label="Where?",
        max_length=200,
        required=False,
        help_text="e.g. Year 2 classroom, ICT suite, on a school iPad at home",
    )
    description = forms.CharField(
        label="What happened and what did you see?",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Facts in your own words: what you saw or were told, and exact words used if you can.",
    )
    reporter_actions = forms.CharField(
        label="What have you already done?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="e.g. closed the lid, took a screenshot, spoke to the pupil, confiscated the device",
    )
    about_staff = forms.BooleanField(
        label="This concern is about a member of staff",
        required=False,
        help_text="Only the Headteacher (and the deputy they name) will see it.",
    )
    urgent = forms.BooleanField(label="Someone may be at risk now: treat as urgent", required=False)
    evidence = MultipleFileField(
        label="Evidence files",
        required=False,
        help_text="Screenshots (PNG, JPEG, GIF, WebP), PDFs, e-mails (.eml) or text files.",
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4().hex)
            self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0, microsecond=0))

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        if not (8 <= len(token) <= 64 and token.isalnum()):
            raise forms.ValidationError("The form was damaged; please send it again.")
        return token


ROLE_CHOICES = IncidentPerson.Role.choices


class IncidentFilterForm(forms.Form):
    category = forms.ChoiceField(choices=category_choices("Any"), required=False)
    status = forms.ChoiceField(choices=[("", "Any"), *Incident.Status.choices], required=False)
    person = forms.CharField(label="Person", required=False, max_length=100)
    class_name = forms.CharField(label="Class", required=False, max_length=50)
    date_from = forms.DateField(label="From", required=False, widget=DateInput())
    date_to = forms.DateField(label="To", required=False, widget=DateInput())


class StepForm(forms.Form):
    reason = forms.CharField(
        label="Why (recorded in the audit trail)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, transition: Transition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.transition = transition

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if self.transition.reason_required and not reason:
            raise forms.ValidationError("Say why: it goes into the audit trail.")
        return reason


class RestrictionForm(forms.Form):
    restricted = forms.TypedChoiceField(
        choices=[("1", "Restrict"), ("0", "Lift")],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label="Why (kept on this incident's timeline)", widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label="Outcome", choices=[("", "Choose"), *Outcome.Kind.choices])
    sanction = forms.ChoiceField(
        label="Behaviour-policy sanction", choices=[("", "—"), *Outcome.Sanction.choices], required=False
    )
    disciplinary = forms.ChoiceField(
        label="Disciplinary outcome", required=False, choices=[("", "—"), *Outcome.Disciplinary.choices]
    )
    agency = forms.ChoiceField(
        label="Agency referred to", choices=[("", "—"), *Outcome.Agency.choices], required=False
    )
    referred_on = forms.DateField(label="Date of referral", required=False, widget=DateInput())
    agency_reference = forms.CharField(label="Agency's reference", max_length=100, required=False)
    informed_at = forms.DateTimeField(
        label="Parents told at",
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=[ISO_DATETIME_LOCAL],
    )
    informed_by = forms.CharField(label="Told by", max_length=150, required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        from esafety.incidents.actions import validate_outcome

        data = super().clean() or {}
        for name, message in validate_outcome(data.get("kind", ""), data).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data


class NoteForm(forms.Form):
    text = forms.CharField(label="Add a note", widget=forms.Textarea(attrs={"rows": 3}))


class EvidenceForm(forms.Form):
    evidence = MultipleFileField(label="Add evidence files")


class UserChoiceField(forms.ModelChoiceField):
    """Staff shown by name (falling back to the user name), not by ``str(user)``."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class ActionForm(forms.Form):
    title = forms.CharField(label="Action", max_length=200)
    owner = UserChoiceField(label="Owner", queryset=None)
    due_on = forms.DateField(label="Due", widget=DateInput())

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, UserChoiceField)
        owner.queryset = owners


class EditForm(forms.Form):
    category = forms.ChoiceField(choices=Category.choices)
    occurred_at = forms.DateTimeField(
        label="When it happened",
        widget=DateTimeLocalInput(),
        input_formats=[ISO_DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
    )
    location = forms.CharField(max_length=200, required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}))
    reporter_actions = forms.CharField(
        label="What the reporter did", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    urgent = forms.BooleanField(required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class SettingsForm(forms.Form):
    def __init__(
        self, *args: Any, guidance: dict[str, str], deputies: Any = None, deputy: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Category.choices:
            self.fields[f"guidance_{value}"] = forms.CharField(
                label=label,
                required=False,
                initial=guidance.get(value, ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        if deputies is not None:
            field = UserChoiceField(
                label="Deputy who sees reports about staff",
                queryset=deputies,
                required=False,
                initial=deputy,
                help_text="With the Headteacher, the only person who can open reports about a member of staff.",
            )
            self.fields["restricted_deputy"] = field
