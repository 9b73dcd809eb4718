from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from esafety.consent.actions import default_expiry, uses_for
from esafety.consent.models import Campaign, Consent, Use
from esafety.people.models import Person

NOT_ANSWERED = ""
ANSWER_CHOICES = [(NOT_ANSWERED, "Not answered"), *Consent.Answer.choices]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class RecordConsentForm(forms.Form):
    """One giver's answers for one person, from a form handed in or a scanned paper form."""

    given_by = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label="Given by",
        help_text="A parent or carer with parental responsibility",
    )
    method = forms.ChoiceField(label="How", choices=[c for c in Consent.Method.choices if c[0] != "link"])
    given_on = forms.DateField(label="Date on the form", widget=DateInput())
    expires_on = forms.DateField(label="Ask again after", widget=DateInput(), required=False)
    reference = forms.CharField(
        label="Where the paper is kept",
        max_length=200,
        required=False,
        help_text="e.g. Consent file 2025, scan #14",
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        given_by = self.fields["given_by"]
        assert isinstance(given_by, forms.ModelChoiceField)
        if person.kind == Person.Kind.PUPIL:
            given_by.queryset = Person.objects.filter(children_links__pupil=person).order_by("last_name")
        else:
            given_by.queryset = Person.objects.filter(pk=person.pk)
            self.fields["given_by"].help_text = "Members of staff answer for themselves"
            self.fields["given_by"].initial = person.pk
        self.fields["given_on"].initial = timezone.localdate()
        self.fields["expires_on"].initial = default_expiry()
        for use in uses_for(person):
            self.fields[f"use_{use.value}"] = forms.ChoiceField(
                label=use.label, choices=ANSWER_CHOICES, required=False, widget=forms.RadioSelect
            )

    def use_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("use_")]

    def clean_given_on(self) -> date:
        given_on: date = self.cleaned_data["given_on"]
        if given_on > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return given_on

    def answers(self) -> dict[str, str]:
        return {
            name.removeprefix("use_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("use_") and value
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not self.answers():
            raise forms.ValidationError("Choose an answer for at least one use.")
        return cleaned


class WithdrawForm(forms.Form):
    withdrawn_by = forms.ModelChoiceField(queryset=Person.objects.none(), label="Withdrawn by")
    reason = forms.CharField(label="What they said", max_length=300, required=False)

    def __init__(self, *args: Any, consent: Consent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = consent.person
        withdrawn_by = self.fields["withdrawn_by"]
        assert isinstance(withdrawn_by, forms.ModelChoiceField)
        if person.kind == Person.Kind.PUPIL:
            withdrawn_by.queryset = Person.objects.filter(children_links__pupil=person)
        else:
            withdrawn_by.queryset = Person.objects.filter(pk=person.pk)
        self.fields["withdrawn_by"].initial = consent.given_by_id


class CampaignForm(forms.Form):
    title = forms.CharField(max_length=200, initial="Photo and video consent")
    audience = forms.ChoiceField(choices=Campaign.Audience.choices)
    audience_value = forms.CharField(
        label="Class or year group", max_length=50, required=False, help_text="e.g. Kestrels or Year 2"
    )
    new_since = forms.DateField(
        label="New starters since", required=False, widget=DateInput(), help_text="For new starters"
    )
    uses = forms.MultipleChoiceField(
        choices=Use.choices, widget=forms.CheckboxSelectMultiple, initial=[use.value for use in Use]
    )
    closes_on = forms.DateField(label="Links work until", widget=DateInput())
    consent_expires_on = forms.DateField(label="Answers stand until", widget=DateInput())

    def __init__(self, *args: Any, classes: list[str], years: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.classes, self.years = classes, years
        self.fields["closes_on"].initial = timezone.localdate() + timedelta(days=21)
        self.fields["consent_expires_on"].initial = default_expiry()
        self.fields[
            "audience_value"
        ].help_text = f"Classes: {', '.join(classes) or 'none'}; years: {', '.join(years) or 'none'}"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        audience, value = cleaned.get("audience"), (cleaned.get("audience_value") or "").strip()
        if audience == Campaign.Audience.CLASS and value not in self.classes:
            self.add_error("audience_value", "Name one of the school's classes.")
        if audience == Campaign.Audience.YEAR and value not in self.years:
            self.add_error("audience_value", "Name one of the school's year groups.")
        if audience == Campaign.Audience.NEW_STARTERS and not cleaned.get("new_since"):
            self.add_error("new_since", "Say from when pupils count as new starters.")
        closes_on = cleaned.get("closes_on")
        if closes_on and closes_on < timezone.localdate():
            self.add_error("closes_on", "The last day cannot be in the past.")
        expires = cleaned.get("consent_expires_on")
        if closes_on and expires and expires < closes_on:
            self.add_error("consent_expires_on", "Answers must stand at least until the links stop working.")
        cleaned["audience_value"] = (
            value if audience in (Campaign.Audience.CLASS, Campaign.Audience.YEAR) else ""
        )
        return cleaned


class AnswerForm(forms.Form):
    """What a parent sees behind their link: for each child, each use asked, yes or no."""

    def __init__(self, *args: Any, pupils: list[Person], uses: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        for pupil in pupils:
            names = []
            for use in uses:
                name = f"p{pupil.pk}_{use}"
                self.fields[name] = forms.ChoiceField(
                    label=Use(use).label,
                    choices=[("granted", "Yes, I agree"), ("refused", "No")],
                    widget=forms.RadioSelect,
                )
                names.append(name)
            self.rows.append((pupil, names))

    def pupil_rows(self) -> list[tuple[Person, list[forms.BoundField]]]:
        return [(pupil, [self[name] for name in names]) for pupil, names in self.rows]

    def answers(self) -> dict[int, dict[str, str]]:
        result: dict[int, dict[str, str]] = {}
        for pupil, names in self.rows:
            result[pupil.pk] = {name.split("_", 1)[1]: self.cleaned_data[name] for name in names}
        return result
