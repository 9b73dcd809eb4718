from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q

from esafety.core.uploads import LimitedFileField, too_large
from esafety.people.models import Person, School
from esafety.publishing.models import Channel, Publication, PublicationMedia, PublishingSettings

MAX_UPLOAD_BYTES = 800 * 1024


class ItemForm(forms.Form):
    title = forms.CharField(
        max_length=200, help_text="For you and the approver, e.g. “Newsletter, week 12: sports day”"
    )
    channel = forms.ChoiceField(label="Where it will go", choices=Channel.choices, initial=Channel.NEWSLETTER)
    text = forms.CharField(
        label="Text or HTML",
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        strip=False,
        help_text="Paste the paragraph, the page's HTML or the post",
    )
    file = LimitedFileField(
        max_bytes=MAX_UPLOAD_BYTES,
        label="…or a file",
        required=False,
        help_text="A .txt or .html file (photos go in the boxes below)",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not (cleaned.get("text") or "").strip() and not cleaned.get("file"):
            raise forms.ValidationError("Paste the text, or choose a file, to check.")
        upload = cleaned.get("file")
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            self.add_error("file", too_large("", upload.size, MAX_UPLOAD_BYTES))
        return cleaned


class ReviseForm(forms.Form):
    title = forms.CharField(max_length=200)
    text = forms.CharField(label="Text or HTML", widget=forms.Textarea(attrs={"rows": 12}), strip=False)


_CLASS_HINT = re.compile(r"^(?P<name>.+?)\s*\((?P<hint>[^)]+)\)\s*$")


def resolve_people(school: School, text: str) -> tuple[list[Person], list[str]]:
    """People named one a line ("Ava Ashdown", or "Ava Ashdown (Kestrels)" where two share a name); returns the
    people found and a message for each line that named nobody, or more than one person."""
    found, errors = [], []
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        hint = ""
        if match := _CLASS_HINT.match(line):
            line, hint = match["name"], match["hint"].strip()
        parts = line.split()
        if len(parts) < 2:
            errors.append(f"“{line}”: give the first name and surname, so the check knows who it is.")
            continue
        first, last = " ".join(parts[:-1]), parts[-1]
        people = Person.objects.filter(school=school, kind__in=[Person.Kind.PUPIL, Person.Kind.STAFF]).filter(
            Q(first_name__iexact=first) | Q(preferred_name__iexact=first), last_name__iexact=last
        )
        if hint:
            people = people.filter(Q(class_name__iexact=hint) | Q(year_group__iexact=hint))
        matches = list(people[:3])
        if not matches:
            errors.append(f"“{line}”: nobody of that name in the school's directory.")
        elif len(matches) > 1:
            errors.append(
                f"“{line}”: more than one person has that name; add the class, e.g. “{line} (Kestrels)”."
            )
        else:
            found.append(matches[0])
    return found, errors


class MediaForm(forms.Form):
    kind = forms.ChoiceField(choices=PublicationMedia.Kind.choices, initial=PublicationMedia.Kind.IMAGE)
    name = forms.CharField(label="File name or address", max_length=300, required=False)
    caption = forms.CharField(max_length=500, required=False)
    alt = forms.CharField(label="Alt text", max_length=500, required=False)
    people = forms.CharField(
        label="Who is in it",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Full names, one a line (they are not published: the check needs them to look up consent)",
    )
    third_party = forms.BooleanField(label="Someone else took it (not the school)", required=False)
    permission = forms.BooleanField(label="Their permission is recorded", required=False)
    attribution = forms.CharField(max_length=200, required=False, help_text="The credit printed with it")

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        people, errors = resolve_people(self.school, cleaned.get("people", ""))
        for error in errors:
            self.add_error("people", error)
        cleaned["people_found"] = people
        return cleaned

    @property
    def described(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("name", "caption", "alt", "people", "attribution"))

    def as_media(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "name": data["name"],
            "caption": data["caption"],
            "alt": data["alt"],
            "third_party": data["third_party"],
            "permission": data["permission"],
            "attribution": data["attribution"],
            "people": data["people_found"],
        }


class BaseMediaFormSet(forms.BaseFormSet):
    def media_items(self) -> list[dict[str, Any]]:
        return [form.as_media() for form in self.forms if form.described]


MediaFormSet = forms.formset_factory(MediaForm, formset=BaseMediaFormSet, extra=3, max_num=10)


def media_formset(data: Any, school: School, publication: Publication | None = None) -> BaseMediaFormSet:
    initial = None
    if publication is not None and data is None:
        initial = [
            {
                "kind": item.kind,
                "name": item.name,
                "caption": item.caption,
                "alt": item.alt,
                "people": "\n".join(
                    f"{person.full_name} ({person.class_name})" if person.class_name else person.full_name
                    for person in item.people.all()
                ),
                "third_party": item.third_party,
                "permission": item.permission,
                "attribution": item.attribution,
            }
            for item in publication.media.prefetch_related("people")
        ]
    formset = MediaFormSet(data, initial=initial, prefix="media", form_kwargs={"school": school})
    # formset_factory builds a subclass of BaseMediaFormSet; the stubs only promise BaseFormSet.
    assert isinstance(formset, BaseMediaFormSet)
    return formset


class StepForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SettingsForm(forms.ModelForm):
    site_url = forms.URLField(
        label="School website",
        required=False,
        assume_scheme="https",
        help_text="The home page the monthly audit starts from, e.g. https://www.hollybrook.sch.uk/",
    )

    class Meta:
        model = PublishingSettings
        fields = ["site_url", "allowed_contacts", "editors"]
        widgets = {"editors": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from esafety.accounts.models import User

        editors = self.fields["editors"]
        assert isinstance(editors, forms.ModelMultipleChoiceField)
        editors.queryset = User.objects.filter(
            Q(role_assignments__school=school) | Q(school=school), is_active=True
        ).distinct()
