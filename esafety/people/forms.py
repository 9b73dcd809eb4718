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


MAX_UPLOAD = 20 * 1024 * 1024


class CtfImportForm(forms.Form):
    file = forms.FileField(
        label="Common Transfer File (CTF)", help_text="The XML file your MIS exports (usually ending .xml)."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("The file is over 20 MB, far larger than a CTF for one school.")
        return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class OneRosterImportForm(forms.Form):
    uploads = MultipleFileField(
        label="OneRoster files",
        help_text="The zip your MIS exports, or its CSV files: orgs.csv, users.csv, and classes.csv and "
        "enrollments.csv if you have them (manifest.csv is optional).",
    )

    def clean_uploads(self):
        uploads = self.cleaned_data["uploads"]
        if len(uploads) > 12:
            raise forms.ValidationError("Too many files: a OneRoster export has at most a dozen.")
        if sum(upload.size for upload in uploads) > 3 * MAX_UPLOAD:
            raise forms.ValidationError("The files are over 60 MB together: export one school at a time.")
        return uploads


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
