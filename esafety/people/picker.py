"""The one people picker: how a search for a person reads, and how each person found is told apart.

Every form that names a person from the directory uses it: the incident report's "Who was involved?" (several
people, each with a role, in ``incidents``) and every single-person field (``PersonPickerField``: enhanced
monitoring, the document upload, registers, consent...). A search finds people by any part of their name, or a
whole class or year group ("Year 2", "Y2", "Kestrels"); each row names what the person is (pupil, parent of
whom, staff role), with a pupil's year, class and month of birth, so that two people of the same name never look
alike. Without JavaScript the search button sends the form back (everything typed is kept, the form is not
judged); with htmx the results are fetched from ``people:pick`` and swapped in place.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse

from esafety.people.models import Guardianship, Person

SEARCH_LIMIT = 25
SEARCH_SUFFIX = "__find"  # the search box beside a field is named "<field>__find"
SEARCH_BUTTON = "_picker_search"  # the no-JavaScript search button: the form is shown again, not judged

_YEAR = re.compile(r"^(?:y|yr|year)\s*(\d{1,2})$", re.IGNORECASE)


def _terms(query: str) -> list[str]:
    """Words of a search, with "Year 2", "Yr 2" and "Y2" each read as one term, "Year 2"."""
    words = query.split()[:6]
    terms: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        if word.casefold() in {"y", "yr", "year"} and index + 1 < len(words) and words[index + 1].isdigit():
            terms.append(f"Year {int(words[index + 1])}")
            index += 2
            continue
        if match := _YEAR.match(word):
            terms.append(f"Year {int(match.group(1))}")
        else:
            terms.append(word)
        index += 1
    return terms[:4]


def search(people: QuerySet[Person], query: str) -> QuerySet[Person]:
    """Current people of ``people`` matching every term: a part of a name, or a whole class or year group."""
    terms = _terms(query)
    if not terms:
        return people.none()
    people = people.filter(left_on__isnull=True)
    for term in terms:
        match = Q(class_name__iexact=term) | Q(year_group__iexact=term)
        if not term.startswith("Year "):
            match |= Q(first_name__icontains=term) | Q(last_name__icontains=term)
            match |= Q(preferred_name__icontains=term)
        people = people.filter(match)
    return people.order_by("last_name", "first_name", "pk")


def with_children(people: QuerySet[Person]) -> QuerySet[Person]:
    """``people`` with each parent's children loaded, for the "parent of ..." of their labels."""
    links = Guardianship.objects.select_related("pupil").order_by("pupil__last_name", "pupil__first_name")
    return people.prefetch_related(Prefetch("children_links", queryset=links))


def _detail(person: Person) -> str:
    kind = person.Kind(person.kind)
    if kind == Person.Kind.PUPIL:
        parts = ["pupil", person.year_group, person.class_name]
        if person.date_of_birth:
            parts.append(f"born {person.date_of_birth:%B %Y}")
        return ", ".join(part for part in parts if part)
    if kind == Person.Kind.PARENT:
        children = [link.pupil.full_name for link in person.children_links.all()]
        return f"parent of {' and '.join(children)}" if children else "parent or carer"
    if kind == Person.Kind.STAFF:
        return f"staff, {person.job_title}" if person.job_title else "staff"
    label = kind.label.lower() if kind != Person.Kind.THIRD_PARTY else "third-party user"
    return f"{label}, {person.job_title}" if person.job_title else label


def labels(people: Iterable[Person]) -> dict[int, str]:
    """Each person's row in a picker: "Ava Ashdown (pupil, Year 2, Kestrels, born March 2019)", "Ava Ashdown
    (parent of Leo Ashdown)". Rows that would still read the same are numbered by their directory record, so a
    list never shows two indistinguishable people. Parents need ``with_children``."""
    rows = {person.pk: f"{person.full_name} ({_detail(person)})" for person in people}
    repeated = {label for label, count in Counter(rows.values()).items() if count > 1}
    return {pk: f"{label[:-1]}, record {pk})" if label in repeated else label for pk, label in rows.items()}


def kind_labels(people: Iterable[Person]) -> dict[int, str]:
    """Rows for someone who may not browse the directory: the name they typed and what kind of person it is,
    never the class or job that tells where to find them; two of the same name and kind are numbered."""
    people = list(people)
    rows = {person.pk: f"{person.full_name} ({person.get_kind_display().lower()})" for person in people}
    counts = Counter(rows.values())
    seen: Counter[str] = Counter()
    numbered = {}
    for person in people:
        label = rows[person.pk]
        if counts[label] > 1:
            seen[label] += 1
            label = f"{label[:-1]}, {seen[label]} of {counts[label]})"
        numbered[person.pk] = label
    return numbered


def is_search(data: Mapping[str, Any] | None) -> bool:
    """Whether this POST is the picker's search button rather than the form being sent."""
    return bool(data) and SEARCH_BUTTON in data  # type: ignore[operator]


class PersonPickerWidget(forms.Widget):
    """A search box, its button and the people found as radio buttons; the chosen person always shows."""

    template_name = "people/picker_widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None, kinds: Iterable[str] = ()) -> None:
        super().__init__(attrs)
        self.kinds = tuple(kinds)
        self.query = ""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        # The search typed beside the field travels with the form: kept here to render its results.
        self.query = str(data.get(name + SEARCH_SUFFIX, "")).strip()[:100]
        return data.get(name)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        field_people = getattr(self.choices, "queryset", None)  # type: ignore[attr-defined]
        chosen = str(value) if value not in (None, "") else ""
        found: list[Person] = []
        if field_people is not None:
            found = list(with_children(search(field_people, self.query))[:SEARCH_LIMIT])
            if chosen.isdigit() and all(str(person.pk) != chosen for person in found):
                found = list(with_children(field_people.filter(pk=int(chosen)))) + found
        context["picker"] = results_context(
            name, found, chosen=chosen, query=self.query, required=self.is_required, kinds=self.kinds
        )
        context["picker"]["search_url"] = reverse("people:pick")
        context["picker"]["vals"] = json.dumps(
            {"field": name, "kinds": ",".join(self.kinds), "required": "1" if self.is_required else "0"}
        )
        return context

    def use_required_attribute(self, initial: Any) -> bool:
        return False  # the search box is not the answer: the browser must not refuse the form over it


def results_context(
    name: str,
    found: list[Person],
    *,
    chosen: str,
    query: str,
    required: bool,
    kinds: Iterable[str] = (),
) -> dict[str, Any]:
    rows = labels(found)
    return {
        "name": name,
        "query": query,
        "searched": bool(query),
        "rows": [(person.pk, rows[person.pk], str(person.pk) == chosen) for person in found],
        "required": required,
        "none_chosen": not chosen,
        "kinds": ",".join(kinds),
        "limit": SEARCH_LIMIT,
    }


class PersonPickerField(forms.ModelChoiceField):
    """A choice of one person, made by searching rather than scrolling a drop-down of the whole school."""

    widget = PersonPickerWidget

    def __init__(self, *args: Any, kinds: Iterable[str] = (), **kwargs: Any) -> None:
        kwargs.setdefault("widget", PersonPickerWidget(kinds=kinds))
        kwargs.setdefault("empty_label", None)
        super().__init__(*args, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "required": "Search for the person and choose them from the list.",
            "invalid_choice": "Choose a person from the list: that one cannot be chosen here.",
        }

    def label_from_instance(self, obj: Any) -> str:
        return labels([obj])[obj.pk]


class PickerFormMixin:
    """For a form with a ``PersonPickerField``: its search button shows the form again, bound to everything
    typed, with no errors, and the view saves nothing (``is_valid()`` is false)."""

    data: Any
    _errors: Any
    cleaned_data: dict[str, Any]

    def full_clean(self) -> None:
        if is_search(self.data):
            from django.forms.utils import ErrorDict

            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()  # type: ignore[misc]

    def is_valid(self) -> bool:
        if is_search(self.data):
            self.full_clean()
            return False
        return super().is_valid()  # type: ignore[misc]


def use_picker(form: forms.BaseForm, name: str, *, kinds: Iterable[str] = ()) -> PersonPickerField:
    """Turn the form's person field ``name`` (a drop-down of the whole school) into the search picker, keeping
    its people, label, help text and whether it is required. ``kinds`` narrows the htmx search to match."""
    old = form.fields[name]
    assert isinstance(old, forms.ModelChoiceField)
    field = PersonPickerField(
        queryset=old.queryset,
        required=old.required,
        label=old.label,
        help_text=old.help_text,
        initial=old.initial,
        kinds=kinds,
    )
    form.fields[name] = field
    return field
