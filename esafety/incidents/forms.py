from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.db import models
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
    nobody_known = forms.BooleanField(
        label="Nobody known: I cannot name anyone involved",
        required=False,
        help_text="Only if you cannot find or name anyone; say why below.",
    )
    nobody_known_reason = forms.CharField(
        label="Why nobody can be named",
        required=False,
        max_length=500,
        help_text="e.g. an anonymous account; a screen seen in passing",
    )
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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reason = data.get("nobody_known_reason", "").strip()
        if data.get("nobody_known") and not reason:
            self.add_error("nobody_known_reason", "Say why nobody can be named.")
        data["nobody_known_reason"] = reason if data.get("nobody_known") else ""
        return data


ROLE_CHOICES = IncidentPerson.Role.choices


class Sort(models.TextChoices):
    """The log's orders (``?sort=``); the first is the default."""

    URGENCY = "urgency", "Urgent first, then oldest"
    OLDEST = "oldest", "Oldest first"
    NEWEST = "newest", "Newest first"
    STATUS = "status", "Status"
    CATEGORY = "category", "Category"
    HOLDER = "holder", "Who holds it"


AGE_CHOICES = [
    ("", "Any"),
    ("1", "1 school day or more"),
    ("3", "3 school days or more"),
    *((str(days), f"{days} school days or more") for days in (5, 10, 20)),
]
NOBODY = "nobody"


class IncidentFilterForm(forms.Form):
    """The log's filters and order, from the query string. A value that is not valid is dropped (the view says
    so) and the others still apply."""

    category = forms.ChoiceField(choices=category_choices("Any"), required=False)
    status = forms.ChoiceField(choices=[("", "Any"), *Incident.Status.choices], required=False)
    urgency = forms.ChoiceField(
        choices=[("", "Any"), ("urgent", "Urgent only"), ("not_urgent", "Not urgent")], required=False
    )
    age = forms.ChoiceField(label="Waiting", choices=AGE_CHOICES, required=False)
    holder = forms.ChoiceField(label="Held by", required=False)
    person = forms.CharField(label="Person", required=False, max_length=100)
    class_name = forms.CharField(label="Class", required=False, max_length=50)
    date_from = forms.DateField(label="From", required=False, widget=DateInput())
    date_to = forms.DateField(label="To", required=False, widget=DateInput())
    sort = forms.ChoiceField(label="Order", choices=Sort.choices, required=False)

    def __init__(self, *args: Any, holders: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        holder = self.fields["holder"]
        assert isinstance(holder, forms.ChoiceField)
        holder.choices = [
            ("", "Anyone"),
            (NOBODY, "Nobody yet"),
            *((str(user.pk), user.get_full_name() or user.username) for user in holders),
        ]


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


# Which fields each outcome type needs: the form shows them under the type's heading (all of them without
# JavaScript; only the chosen type's with it), and saves only the chosen type's.
OUTCOME_GROUPS: dict[str, tuple[str, ...]] = {
    Outcome.Kind.BEHAVIOUR_SANCTION: ("sanction",),
    Outcome.Kind.STAFF_DISCIPLINARY: ("disciplinary",),
    Outcome.Kind.REFERRAL: ("agency", "referred_on", "agency_reference"),
    Outcome.Kind.PARENTS_INFORMED: ("informed_at", "informed_by"),
}


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

    def groups(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """(kind, heading, its fields) for the template."""
        return [
            (kind, f"Only for: {Outcome.Kind(kind).label}", [self[name] for name in names])
            for kind, names in OUTCOME_GROUPS.items()
        ]

    def clean_informed_at(self) -> Any:
        value = self.cleaned_data.get("informed_at")
        now = timezone.now()
        if value and value > now:
            raise forms.ValidationError(
                f"That time is in the future: it is {timezone.localtime(now):%H:%M} on "
                f"{timezone.localtime(now):%d %B} now. Give the time the parents or carers were told."
            )
        return value

    def clean_referred_on(self) -> Any:
        value = self.cleaned_data.get("referred_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("That date is in the future: give the date the referral was made.")
        return value

    def clean(self) -> dict[str, Any]:
        from esafety.incidents.actions import validate_outcome

        data = super().clean() or {}
        kind = data.get("kind", "")
        # A field of another type (typed, then the type changed; or shown to a browser without JavaScript) is
        # not part of this outcome: drop it rather than save a sanction on a referral.
        for other, names in OUTCOME_GROUPS.items():
            if other != kind:
                for name in names:
                    if name in data:
                        data[name] = None if name in ("referred_on", "informed_at") else ""
                    self.errors.pop(name, None)
        for name, message in validate_outcome(kind, data).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data


class CancelActionForm(forms.Form):
    reason = forms.CharField(
        label="Why it is cancelled", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


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
    urgent_reminder_hours = forms.IntegerField(
        label="Remind about an urgent report nobody has triaged after (hours)",
        required=False,  # left empty: unchanged
        min_value=1,
        max_value=72,
        help_text="The DSL and the Co-ordinator are e-mailed after this many hours, the Headteacher after twice "
        "as long. Clock hours, nights and weekends included: someone may be at risk now.",
    )
    closures = forms.CharField(
        label="School closures (holidays and INSET days)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One date or range a line, e.g. 2026-12-21 to 2027-01-01. Weekends and these days are not "
        "counted in a report's age in school days.",
    )

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

    def clean_closures(self) -> str:
        from esafety.core.schooldays import ClosureError, parse_closures

        text: str = self.cleaned_data["closures"].strip()
        try:
            parse_closures(text)
        except ClosureError as error:
            raise forms.ValidationError(str(error)) from None
        return text
