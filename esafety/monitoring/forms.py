from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone

from esafety.core.uploads import LimitedFileField, default_limit
from esafety.core.widgets import DateInput
from esafety.monitoring.models import (
    CATEGORY_CHOICES,
    SEVERITY_CHOICES,
    Alert,
    EnhancedMonitoring,
    LexiconAddition,
    LexiconSuppression,
    Source,
)
from esafety.monitoring.scanner import LexiconError, shipped_lexicon
from esafety.people.models import Person
from esafety.people.picker import PersonPickerField, PickerFormMixin

if TYPE_CHECKING:
    from esafety.people.models import School

OPEN = "open"


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[(OPEN, "Open (new or reviewed)"), ("all", "All"), *Alert.Status.choices],
    )
    category = forms.ChoiceField(label="Category", required=False, choices=[("", "All"), *CATEGORY_CHOICES])
    severity = forms.TypedChoiceField(
        label="Severity at least",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any"), *SEVERITY_CHOICES],
    )
    person = forms.CharField(label="Person", required=False, max_length=100)


class ReviewForm(forms.Form):
    status = forms.ChoiceField(
        label="Decision",
        choices=[
            (s, label)
            for s, label in Alert.Status.choices
            if s not in (Alert.Status.NEW, Alert.Status.INCIDENT)
        ],
    )
    reason = forms.CharField(
        label="Your note",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required for every decision: what you found, why it is a false positive, or what was done.",
        error_messages={"required": "Write a note: every review decision says what was found and why."},
    )


class IncidentFromAlertForm(forms.Form):
    note = forms.CharField(
        label="Your note for the incident",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why this needs the safeguarding log; it goes into the incident with the message's words.",
        error_messages={"required": "Write a note: it goes into the incident and says why it was raised."},
    )


class MonitoringSettingsForm(forms.Form):
    technician_reviews = forms.BooleanField(
        label="The ICT Technician may read and review alerts",
        required=False,
        help_text="Off (the default), the technician sees only each alert's category, severity, time, source "
        "and account, as DfE roles expect of the person who runs the system.",
    )


class PersonChoiceField(PersonPickerField):
    """A person of the school, found with the people picker rather than a drop-down of everyone."""


class EnhancedMonitoringForm(PickerFormMixin, forms.ModelForm):
    person = PersonChoiceField(queryset=Person.objects.none(), label="Person")

    class Meta:
        model = EnhancedMonitoring
        fields = ["person", "reason", "starts", "ends", "threshold"]
        widgets = {
            "starts": DateInput(),
            "ends": DateInput(),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"starts": "Start date", "ends": "End date", "threshold": "Alert threshold while active"}
        help_texts = {
            "reason": "Why closer monitoring is needed. Seen by the Headteacher, who authorises it.",
            "ends": "Enhanced monitoring ends by itself after this date.",
        }

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = Person.objects.filter(school=school).order_by("last_name", "first_name")
        today = timezone.localdate()
        self.fields["starts"].initial = today
        self.fields["ends"].initial = EnhancedMonitoring.default_ends(today)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and ends < starts:
            self.add_error("ends", "The end date must be on or after the start date.")
        if ends and ends < timezone.localdate():
            self.add_error("ends", "The end date has already passed.")
        return data

    def _post_clean(self) -> None:
        pass  # the action validates and saves; requested_by is not a form field


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=300, widget=forms.TextInput)


class LexiconAdditionForm(forms.ModelForm):
    class Meta:
        model = LexiconAddition
        fields = ["phrase", "category", "severity", "first_person", "negatives"]
        widgets = {"negatives": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            term = LexiconAddition(**{k: data.get(k) for k in self.Meta.fields})
            try:
                shipped_lexicon().with_changes(additions=[term.as_data()])
            except LexiconError as exc:
                raise forms.ValidationError(str(exc).replace("school addition 1: ", "")) from exc
            if LexiconAddition.objects.filter(
                school=self.school, phrase=data.get("phrase", "").strip(), category=data.get("category")
            ).exists():
                raise forms.ValidationError("The school already has this term in this category.")
        return data

    def _post_clean(self) -> None:
        pass


def group_choices(school: School) -> list[tuple[str, str]]:
    people = Person.objects.filter(school=school)
    years = sorted(set(people.exclude(year_group="").values_list("year_group", flat=True)))
    classes = sorted(set(people.exclude(class_name="").values_list("class_name", flat=True)))
    return [
        ("*", "Everyone"),
        ("Pupils", "All pupils"),
        ("Staff", "All staff"),
        *[(y, y) for y in years],
        *[(c, f"Class {c}") for c in classes],
    ]


def rule_choices() -> list[tuple[str, str]]:
    lexicon = shipped_lexicon()
    entries = [
        (e.rule, f"{e.rule} (severity {e.severity}: {', '.join(e.phrases[:3])}…)") for e in lexicon.entries
    ]
    grammars = [
        (g.rule, f"{g.rule} (severity {g.severity}: {' + '.join(slot[0] for slot in g.slots)}…)")
        for g in lexicon.grammars
    ]
    return entries + grammars


class LexiconSuppressionForm(forms.ModelForm):
    class Meta:
        model = LexiconSuppression
        fields = ["rule", "group", "reason"]
        labels = {"rule": "Rule or phrase", "group": "For"}
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"reason": "Why this term is expected from this group (kept in the audit trail)."}

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["group"] = forms.ChoiceField(label="For", choices=group_choices(school))
        self.fields[
            "rule"
        ].help_text = (
            'A rule id such as "drugs.use" (all its phrases), or one phrase exactly as the lexicon has it.'
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rule = (data.get("rule") or "").strip()
        if rule:
            lexicon = shipped_lexicon()
            known = {r.rule for r in lexicon.rules()} | {p for e in lexicon.entries for p in e.phrases}
            known |= {p for g in lexicon.grammars for slot in g.slots for p in slot}
            from esafety.monitoring.scanning import school_data

            additions, _ = school_data(self.school)
            known |= {f"{a['category']}.{a['id']}" for a in additions} | {str(a["phrase"]) for a in additions}
            if rule not in known:
                self.add_error("rule", "No rule or phrase of the lexicon is called that.")
            elif LexiconSuppression.objects.filter(
                school=self.school, rule=rule, group=data.get("group")
            ).exists():
                self.add_error("rule", "This term is already suppressed for this group.")
        return data

    def _post_clean(self) -> None:
        pass


class UploadForm(PickerFormMixin, forms.Form):
    file = LimitedFileField(
        max_bytes=default_limit,
        scan=None,  # scanned by the upload action, which names the uploader and the school in a refusal
        label="Document",
        help_text="Text, e-mail (.eml), Word (.docx) or PDF",
    )
    person = PersonChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label="Whose is it?",
        help_text="Leave empty to take the person from the e-mail's sender, if any.",
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = Person.objects.filter(school=school).order_by("last_name", "first_name")


class ImapSourceForm(forms.Form):
    """A journal mailbox. There is no password field on purpose: the password stays in the server's environment."""

    name = forms.CharField(label="Name", max_length=100, initial="Journal mailbox")
    host = forms.CharField(label="IMAP server", max_length=253, help_text="e.g. mail.school.example")
    port = forms.IntegerField(label="Port", min_value=1, max_value=65535, initial=993)
    ssl = forms.BooleanField(label="Connect over TLS (IMAPS, usually port 993)", required=False, initial=True)
    starttls = forms.BooleanField(
        label="Upgrade a plain connection with STARTTLS (usually port 143)", required=False
    )
    user = forms.CharField(label="User name", max_length=254)
    password_env = forms.RegexField(
        label="Password: name of the environment variable",
        max_length=100,
        regex=r"^[A-Za-z_][A-Za-z0-9_]*$",
        initial="ESAFETY_JOURNAL_PASSWORD",
        error_messages={"invalid": "Letters, digits and underscores only, not starting with a digit."},
        help_text="The variable, set on the esafety server and its worker, that holds the mailbox password. "
        "The password itself is never typed, stored or shown here.",
    )
    mailbox = forms.CharField(label="Folder to read", max_length=200, initial="INBOX")
    processed_folder = forms.CharField(
        label="Move processed messages to",
        max_length=200,
        required=False,
        help_text="Leave empty to mark them with a keyword instead.",
    )

    def __init__(self, *args: Any, school: School, source: Any = None, **kwargs: Any) -> None:
        if source is not None and "initial" not in kwargs:
            config = source.config or {}
            kwargs["initial"] = {
                "name": source.name,
                **{k: config.get(k) for k in ("host", "port", "ssl", "starttls", "user")},
                "password_env": config.get("password_env", ""),
                "mailbox": config.get("mailbox", "INBOX"),
                "processed_folder": config.get("processed_folder", ""),
            }
        super().__init__(*args, **kwargs)
        self.school, self.source = school, source

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Source.objects.filter(school=self.school, name=name)
        if self.source is not None:
            others = others.exclude(pk=self.source.pk)
        if others.exists():
            raise forms.ValidationError("The school already has a source with this name.")
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("ssl") and data.get("starttls"):
            self.add_error("starttls", "Choose TLS or STARTTLS, not both.")
        return data
