from typing import Any

from django import forms

from esafety.core.uploads import LimitedFileField, too_large
from esafety.core.widgets import DateInput
from esafety.people.models import Person

IMPORT_MAX_BYTES = 20 * 1024 * 1024


class ImportForm(forms.Form):
    file = LimitedFileField(
        max_bytes=IMPORT_MAX_BYTES,
        label="CSV file from your MIS",
        help_text="UTF-8 CSV with a header row; see the column list.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            message = too_large("", upload.size, IMPORT_MAX_BYTES)
            raise forms.ValidationError(f"{message} Split it into several files.")
        return upload


class PersonFilterForm(forms.Form):
    q = forms.CharField(label="Name or MIS ID", required=False)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Everyone"), *Person.Kind.choices])
    class_name = forms.CharField(label="Class", required=False)


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "kind",
            "first_name",
            "last_name",
            "preferred_name",
            "year_group",
            "class_name",
            "job_title",
            "email",
            "phone",
            "date_of_birth",
            "mis_id",
            "left_on",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "left_on": DateInput(),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == Person.Kind.PUPIL and not cleaned.get("year_group"):
            self.add_error("year_group", "Pupils need a year group.")
        return cleaned
