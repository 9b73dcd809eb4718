from __future__ import annotations

from typing import Any

from django import forms

from esafety.core.widgets import DateInput
from esafety.people.models import Person
from esafety.transfers.models import Method, Transfer


class StartTransferForm(forms.ModelForm):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label="Pupil")
    destination_url = forms.URLField(
        label="Receiving school's esafety address",
        required=False,
        assume_scheme="https",
        help_text="For a school with esafety: its address, given by its DSL with the code (https://…).",
    )
    include_restricted = forms.BooleanField(
        required=False,
        label="Include reports about members of staff that involve this pupil (restricted)",
        help_text="Only with your explicit confirmation: tick this only if those records must go with the file.",
    )

    class Meta:
        model = Transfer
        fields = ["person", "leaving_date", "method", "destination", "destination_url", "include_restricted"]
        widgets = {"leaving_date": DateInput(), "method": forms.RadioSelect}

    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = Person.objects.filter(school=school, kind=Person.Kind.PUPIL)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("method") == Method.INSTANCE and not data.get("destination_url"):
            self.add_error("destination_url", "Give the receiving school's esafety address.")
        return data


class SendForm(forms.Form):
    code = forms.CharField(
        label="Transfer code from the receiving school's DSL",
        max_length=40,
        help_text="Given to you by phone, e.g. ABCD-EFGH-JKMN-PQRS.",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ReceiptForm(forms.Form):
    received_by = forms.CharField(label="Who confirmed receipt at the receiving school", max_length=200)
    received_on = forms.DateField(widget=DateInput())


class ExpectForm(forms.Form):
    expected_from = forms.CharField(label="Sending school", max_length=200)
    pupil_name = forms.CharField(label="Pupil (as you know them)", max_length=200, required=False)
