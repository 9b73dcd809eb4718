from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from esafety.core.uploads import LimitedFileField, default_limit
from esafety.filtering import publishing
from esafety.filtering.models import ChangeRequest, FilterGroup, FilterSettings
from esafety.people.models import Person, School
from esafety.people.picker import PickerFormMixin, use_picker

REASON_HELP = "Recorded with the change in the register of what is blocked or allowed and why."


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class LinesField(forms.CharField):
    """One entry per line, shown and returned as a list."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return _lines(value or "")


class GroupForm(forms.Form):
    name = forms.SlugField(max_length=40, help_text="The name Squid and the engine use, e.g. pupils")
    label = forms.CharField(max_length=100)
    order = forms.IntegerField(min_value=0, initial=0, required=False)
    blocked = forms.MultipleChoiceField(
        label="Blocked categories", required=False, widget=forms.CheckboxSelectMultiple
    )
    allow = LinesField(
        label="Always allowed",
        required=False,
        help_text="One host (with its subdomains) or host/path per line",
    )
    deny = LinesField(label="Also blocked", required=False, help_text="One host or host/path per line")
    default = forms.ChoiceField(choices=FilterGroup.Default.choices, label="Everything else")
    safe_search = forms.BooleanField(required=False, label="Enforce safe search")
    youtube = forms.ChoiceField(choices=FilterGroup.YouTube.choices, label="YouTube")
    block_ip_literals = forms.BooleanField(required=False, label="Block addresses typed as numbers")
    clients = LinesField(
        label="Client networks", required=False, help_text="One address or network per line, e.g. 10.1.0.0/16"
    )
    users = LinesField(
        label="Accounts",
        required=False,
        help_text="One account name or pattern per line, e.g. *@staff.example",
    )
    year_groups = LinesField(
        required=False, help_text="Pupils of these year groups belong here, e.g. Reception"
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text=REASON_HELP)

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        illegal = set(publishing.illegal_categories(school))
        names = publishing.available_categories(publishing.lists_dir(school))
        blocked = self.fields["blocked"]
        assert isinstance(blocked, forms.MultipleChoiceField)
        blocked.choices = [(n, n) for n in names if n not in illegal]
        self.illegal = sorted(illegal)

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("reason")
        data["order"] = data.get("order") or 0
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text=REASON_HELP)


class FilterHostForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="Where it runs, so you can tell hosts apart, e.g. “Juniors' building proxy”.",
    )


DAYS = [
    ("mon", "Mon"),
    ("tue", "Tue"),
    ("wed", "Wed"),
    ("thu", "Thu"),
    ("fri", "Fri"),
    ("sat", "Sat"),
    ("sun", "Sun"),
]


class WindowForm(forms.Form):
    """One time window of a group: during these days and times, also block these categories and sites (e.g.
    games during lessons). An end before the start runs past midnight."""

    days = forms.MultipleChoiceField(choices=DAYS, required=False, widget=forms.CheckboxSelectMultiple)
    start = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    block = forms.MultipleChoiceField(
        label="Also block these categories", required=False, widget=forms.CheckboxSelectMultiple
    )
    deny = LinesField(
        label="Also block these sites", required=False, help_text="One host or host/path per line"
    )

    def __init__(self, *args: Any, categories: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        block = self.fields["block"]
        assert isinstance(block, forms.MultipleChoiceField)
        block.choices = [(name, name) for name in categories]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.has_changed() or data.get("DELETE"):
            return data
        if not data.get("days"):
            self.add_error("days", "Choose the days this window applies on.")
        for name in ("start", "end"):
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, f"Give the {name} time.")
        if data.get("start") is not None and data.get("start") == data.get("end"):
            self.add_error("end", "The window ends when it starts: give a different end time.")
        if not data.get("block") and not data.get("deny"):
            self.add_error("block", "Choose what to block during the window (a category or a site).")
        return data

    def window(self) -> dict[str, Any] | None:
        """The window as the group stores it (and the engine reads it), or None for an empty or deleted row."""
        data = self.cleaned_data
        if not self.has_changed() or data.get("DELETE"):
            return None
        window: dict[str, Any] = {
            "days": list(data["days"]),
            "start": data["start"].strftime("%H:%M"),
            "end": data["end"].strftime("%H:%M"),
            "block": list(data.get("block") or []),
        }
        if data.get("deny"):
            window["deny"] = data["deny"]
        return window


WindowFormSet = forms.formset_factory(WindowForm, extra=1, can_delete=True, max_num=12, validate_max=True)


def window_formset(data: Any, *, school: School, windows: list[dict[str, Any]]) -> Any:
    illegal = set(publishing.illegal_categories(school))
    names = [n for n in publishing.available_categories(publishing.lists_dir(school)) if n not in illegal]
    initial = [
        {
            key: window.get(key, [] if key in ("days", "block", "deny") else None)
            for key in ("days", "start", "end", "block", "deny")
        }
        for window in windows
    ]
    return WindowFormSet(data, prefix="windows", initial=initial, form_kwargs={"categories": names})


class ChainForm(forms.Form):
    chain = forms.ChoiceField(choices=FilterSettings.Chain.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), help_text="Recorded in the audit trail."
    )


class RequestForm(PickerFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=ChangeRequest.Kind.choices, label="What should change")
    url = forms.CharField(
        max_length=2000, label="Web address", help_text="Paste the address, e.g. https://www.example.org/page"
    )
    whole_site = forms.BooleanField(required=False, initial=True, label="The whole site (not only this page)")
    scope = forms.ChoiceField(choices=ChangeRequest.Scope.choices, label="For whom")
    group = forms.ChoiceField(label="Filter group", required=False)
    class_name = forms.ChoiceField(label="Class", required=False)
    person = forms.ModelChoiceField(queryset=Person.objects.none(), required=False, label="Person")
    duration = forms.ChoiceField(choices=ChangeRequest.Duration.choices, label="For how long")
    until = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Until (date)"
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why",
        help_text="What it is for: the Co-ordinator, Headteacher and Technician read this.",
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        group, class_name, person = self.fields["group"], self.fields["class_name"], self.fields["person"]
        assert isinstance(group, forms.ChoiceField)
        assert isinstance(class_name, forms.ChoiceField)
        assert isinstance(person, forms.ModelChoiceField)
        group.choices = [(g.name, g.label) for g in FilterGroup.objects.filter(school=school)]
        classes = (
            Person.objects.filter(school=school, kind=Person.Kind.PUPIL, left_on__isnull=True)
            .exclude(class_name="")
            .values_list("class_name", flat=True)
            .distinct()
            .order_by("class_name")
        )
        class_name.choices = [("", "—"), *((c, c) for c in classes)]
        person.queryset = Person.objects.filter(
            school=school, kind__in=[Person.Kind.PUPIL, Person.Kind.STAFF], left_on__isnull=True
        ).order_by("last_name", "first_name")
        use_picker(self, "person", kinds=(Person.Kind.PUPIL, Person.Kind.STAFF))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("duration") == ChangeRequest.Duration.UNTIL:
            until = data.get("until")
            if until is None or until < timezone.localdate():
                self.add_error("until", "Give an end date from today on.")
        return data


class StepForm(forms.Form):
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Reason or note")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReportSiteForm(forms.Form):
    url = forms.CharField(max_length=2000, label="Web address of the site")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="What was seen, and who saw it"
    )


class CheckForm(forms.Form):
    lesson = forms.CharField(max_length=200, label="Lesson")
    class_name = forms.CharField(max_length=50, label="Class")
    group = forms.ChoiceField(label="Pupils' filter group")
    links = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), label="Links, one per line")

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        group = self.fields["group"]
        assert isinstance(group, forms.ChoiceField)
        group.choices = [(g.name, g.label) for g in FilterGroup.objects.filter(school=school)]


class LeaseForm(forms.Form):
    format = forms.ChoiceField(
        choices=[("dhcpd", "ISC dhcpd leases file"), ("csv", "CSV: ip, mac, starts, ends, hostname")]
    )
    file = LimitedFileField(max_bytes=default_limit)
