"""Forms of the registers. Each takes the school, so every choice it offers belongs to that school."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.utils import timezone

from esafety.accounts.models import Role, User
from esafety.core.uploads import LimitedFileField, default_limit
from esafety.people.models import Person
from esafety.people.picker import PickerFormMixin, use_picker
from esafety.registers import credentials, gates
from esafety.registers.models import (
    CONFISCATION_STEPS,
    Confiscation,
    Device,
    NetworkAccount,
    PersonalDeviceException,
    PhotoAuthorisation,
    RegisterSettings,
    SecurityAction,
    SecurityReview,
)

ACCOUNT_KINDS = (
    Person.Kind.STAFF,
    Person.Kind.TRAINEE,
    Person.Kind.SUPPLY,
    Person.Kind.VISITOR,
    Person.Kind.THIRD_PARTY,
)
DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _people(school: Any, *kinds: str) -> Any:
    people = Person.objects.filter(school=school, left_on__isnull=True)
    return (people.filter(kind__in=kinds) if kinds else people).order_by("last_name", "first_name")


def _staff_users(school: Any, *roles: str) -> Any:
    users = User.objects.filter(is_active=True, role_assignments__school=school)
    if roles:
        users = users.filter(role_assignments__role__in=roles)
    return users.distinct().order_by("last_name", "first_name")


def _choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's model choice field ``name``, typed as one so its queryset can be set per school."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class SchoolForm(forms.Form):
    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        self.school = school
        super().__init__(*args, **kwargs)


class SchoolModelForm(forms.ModelForm):
    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        self.school = school
        super().__init__(*args, **kwargs)


class AccountForm(PickerFormMixin, SchoolForm):
    kind = forms.ChoiceField(choices=NetworkAccount.Kind.choices, label="Account type")
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label="Person in the directory",
        help_text="Staff, trainees and supply are in the school's directory; a visitor may not be",
    )
    first_name = forms.CharField(max_length=100, required=False, help_text="Needed when no person is chosen")
    last_name = forms.CharField(max_length=100, required=False)
    organisation = forms.CharField(max_length=200, required=False, help_text="Visitors and third parties")
    ends_on = forms.DateField(
        label="Last day", required=False, widget=DATE, help_text="Required for every temporary account"
    )
    requested_by = forms.CharField(
        label="Who asked", max_length=200, required=False, help_text="Visitors, students and third parties"
    )
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    aup_on_paper = forms.BooleanField(
        label="The Acceptable Use Policy was given and signed on paper",
        required=False,
        help_text="Needed unless the person has acknowledged it in esafety",
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = self.fields["person"]
        assert isinstance(people, forms.ModelChoiceField)
        self.fields["token"].initial = secrets.token_urlsafe(24)
        people.queryset = _people(self.school, *ACCOUNT_KINDS)
        use_picker(self, "person", kinds=ACCOUNT_KINDS)
        if not gates.policies_available():
            self.fields["aup_on_paper"].help_text = "Required: acknowledgements are recorded on paper"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, person = data.get("kind"), data.get("person")
        if person is not None:
            data["first_name"] = data.get("first_name") or person.preferred_name or person.first_name
            data["last_name"] = data.get("last_name") or person.last_name
        if not data.get("first_name"):
            self.add_error("first_name", "Give a name, or choose the person.")
        if kind and kind != NetworkAccount.Kind.STAFF:
            ends_on = data.get("ends_on")
            if ends_on is None:
                self.add_error("ends_on", "A temporary account needs its last day.")
            elif ends_on < timezone.localdate():
                self.add_error("ends_on", "The last day cannot be in the past.")
        elif kind == NetworkAccount.Kind.STAFF and person is None:
            self.add_error("person", "A permanent staff account belongs to someone in the directory.")
        if kind in NetworkAccount.ON_REQUEST:
            for name, message in (("requested_by", "Record who asked."), ("reason", "Record why.")):
                if not (data.get(name) or "").strip():
                    self.add_error(name, message)
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class RegisterSettingsForm(forms.ModelForm):
    class Meta:
        model = RegisterSettings
        fields = [
            "username_pattern",
            "temporary_username_pattern",
            "password_length",
            "av_stale_days",
            "os_stale_days",
            "access_review_days",
            "ldap_url",
            "ldap_bind_dn",
            "ldap_bind_password",
            "ldap_users_dn",
        ]
        widgets = {"ldap_bind_password": forms.PasswordInput(render_value=False)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ldap_bind_password"].help_text = "Leave empty to keep the one saved"
        self._saved_password = self.instance.ldap_bind_password

    def clean_username_pattern(self) -> str:
        return self._pattern("username_pattern")

    def clean_temporary_username_pattern(self) -> str:
        return self._pattern("temporary_username_pattern")

    def _pattern(self, name: str) -> str:
        value = str(self.cleaned_data[name]).strip()
        try:
            credentials.check_pattern(value)
        except credentials.BadPattern as exc:
            raise forms.ValidationError(str(exc)) from exc
        return value

    def clean_password_length(self) -> int:
        value = int(self.cleaned_data["password_length"])
        if not 12 <= value <= 64:
            raise forms.ValidationError("Between 12 and 64 characters.")
        return value

    def clean_ldap_bind_password(self) -> str:
        return str(self.cleaned_data["ldap_bind_password"]) or self._saved_password


class DeviceForm(SchoolModelForm):
    class Meta:
        model = Device
        fields = [
            "asset_tag",
            "serial",
            "kind",
            "model_name",
            "av_product",
            "av_installed_on",
            "av_updated_on",
            "os_version",
            "os_updated_on",
            "notes",
            "retired",
        ]
        widgets = {
            "av_installed_on": DATE,
            "av_updated_on": DATE,
            "os_updated_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_asset_tag(self) -> str:
        tag = str(self.cleaned_data["asset_tag"]).strip()
        clash = Device.objects.filter(school=self.school, asset_tag__iexact=tag).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another device has this asset tag.")
        return tag


class DeviceImportForm(forms.Form):
    file = LimitedFileField(
        max_bytes=default_limit, help_text="CSV from the anti-virus console or MDM, with a header row"
    )


class IssueDeviceForm(PickerFormMixin, SchoolForm):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label="Issued to")
    condition = forms.CharField(
        max_length=300, label="Condition", help_text="e.g. Good, small scratch on lid"
    )
    aup_on_paper = forms.BooleanField(
        label="The Acceptable Use Policy was given and signed on paper", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "person").queryset = _people(self.school)
        use_picker(self, "person")


class ReturnDeviceForm(forms.Form):
    condition = forms.CharField(max_length=300, label="Condition on return")


class ExceptionForm(PickerFormMixin, SchoolModelForm):
    class Meta:
        model = PersonalDeviceException
        fields = ["person", "device", "reason", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "person").queryset = _people(self.school)
        use_picker(self, "person")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The end is before the start.")
        return data


class ConfiscationForm(PickerFormMixin, SchoolModelForm):
    class Meta:
        model = Confiscation
        fields = ["item", "taken_from", "taken_at", "suspicion", "authorised_by", "kept_where", "incident"]
        widgets = {"taken_at": DATETIME, "suspicion": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from esafety.incidents.actions import linkable_incidents

        _choice_field(self, "taken_from").queryset = _people(self.school, Person.Kind.PUPIL)
        use_picker(self, "taken_from", kinds=(Person.Kind.PUPIL,))
        # The Education and Inspections Act power is the Headteacher's: the record names the Head who authorised.
        _choice_field(self, "authorised_by").queryset = _staff_users(self.school, Role.HEAD)
        self.fields["authorised_by"].label = "Authorised by (the Headteacher)"
        incidents = _choice_field(self, "incident")
        incidents.queryset = linkable_incidents(self.school)
        incidents.help_text = "The safeguarding log entry this belongs to"
        self.fields["taken_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class StepForm(forms.Form):
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Note")
    to = forms.CharField(required=False, max_length=200, label="To whom")
    on = forms.DateField(required=False, widget=DATE, label="Date")
    searched_by = forms.CharField(required=False, max_length=200, label="Searched by")

    def __init__(self, *args: Any, step: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.transition = CONFISCATION_STEPS[step]
        for name in list(self.fields):
            if name not in self.transition.fields:
                del self.fields[name]
        if "note" in self.fields and self.transition.reason_required:
            self.fields["note"].required = True
            self.fields["note"].label = "Reason"
        if "to" in self.fields:
            self.fields["to"].required = True


class PhotoAuthorisationForm(PickerFormMixin, SchoolModelForm):
    class Meta:
        model = PhotoAuthorisation
        fields = ["staff", "device", "purpose", "starts_on", "ends_on", "consent_checked"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "staff").queryset = _people(
            self.school, Person.Kind.STAFF, Person.Kind.TRAINEE, Person.Kind.SUPPLY
        )
        use_picker(self, "staff", kinds=(Person.Kind.STAFF, Person.Kind.TRAINEE, Person.Kind.SUPPLY))
        self.fields["consent_checked"].help_text = gates.consent_note()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The end is before the start.")
        return data


class SignOffForm(forms.Form):
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you decided about the accounts listed, e.g. asked the technician to close two",
    )


class SecurityReviewForm(SchoolModelForm):
    class Meta:
        model = SecurityReview
        fields = ["kind", "due_on", "carried_out_on", "consulted", "findings"]
        widgets = {"due_on": DATE, "carried_out_on": DATE, "findings": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The checklist belongs to the kind, so it is asked for once the review (and its kind) is saved.
        self.items = SecurityReview.CHECKLIST.get(self.instance.kind, ()) if self.instance.pk else ()
        for index, item in enumerate(self.items):
            self.fields[f"check_{index}"] = forms.BooleanField(
                label=item, required=False, initial=bool(self.instance.checklist.get(item))
            )

    def checklist(self) -> dict[str, bool]:
        return {item: bool(self.cleaned_data.get(f"check_{index}")) for index, item in enumerate(self.items)}


class SecurityActionForm(SchoolModelForm):
    class Meta:
        model = SecurityAction
        fields = ["description", "owner", "due_on"]
        widgets = {"due_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "owner").queryset = _staff_users(self.school)
