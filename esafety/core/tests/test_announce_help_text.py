"""Issue 12, item 15: every input pointed at ``id_<name>_helptext`` with aria-describedby while the help paragraph
was ``id_<name>_help``, so no screen reader read the help; checkbox labels read "Urgent:" before the box. Checked
on the rendered pages of a few representative forms, one per room's field template and Django's ``as_div``."""

from __future__ import annotations

from html.parser import HTMLParser

from django.urls import reverse

from esafety.accounts.models import User
from esafety.test import BaseTestCase


class Page(HTMLParser):
    """The ids, the aria-describedby references, the checkboxes and the labels of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.described: dict[str, list[str]] = {}  # element name (or id) -> ids it names
        self.help_ids: list[str] = []
        self.checkboxes: list[str] = []
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None
        self._label_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if "id" in attr:
            self.ids.add(attr["id"])
        if "aria-describedby" in attr:
            self.described[attr.get("name") or attr.get("id") or tag] = attr["aria-describedby"].split()
        # A field's help (a page's own notes share the class but carry no id).
        if {"help", "helptext"} & set(attr.get("class", "").split()) and attr.get("id", "").startswith("id_"):
            self.help_ids.append(attr["id"])
        if tag == "input" and attr.get("type") == "checkbox":
            self.checkboxes.append(attr.get("id", ""))
        if tag == "label":
            self._label_for, self._label_text = attr.get("for"), []

    def handle_data(self, data: str) -> None:
        if self._label_for is not None:
            self._label_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label_for is not None:
            self.labels[self._label_for] = "".join(self._label_text).strip()
            self._label_for = None


class AnnounceHelpTextTests(BaseTestCase):
    def page(self, user: User, url_name: str) -> Page:
        self.login(user)
        response = self.client.get(reverse(url_name))
        self.assertEqual(response.status_code, 200, url_name)
        page = Page()
        page.feed(response.content.decode())
        return page

    def assert_help_announced(self, page: Page, *, expected: dict[str, str]) -> None:
        """``expected``: field name -> the help paragraph's id its input must name (written out by hand)."""
        for name, help_id in expected.items():
            self.assertIn(help_id, page.ids, f"{name}: no element carries {help_id}")
            self.assertIn(help_id, page.described.get(name, []), f"{name} is not described by {help_id}")
        for element, ids in page.described.items():
            for described_by in ids:
                self.assertIn(described_by, page.ids, f"{element} names a missing {described_by}")
        described = {i for ids in page.described.values() for i in ids}
        for help_id in page.help_ids:
            self.assertIn(help_id, described, f"help paragraph {help_id!r} is read by no input")

    def test_it_announces_the_help_of_every_field_on_the_report_form(self) -> None:
        page = self.page(self.teacher, "incidents:new")
        self.assert_help_announced(
            page,
            expected={
                "category": "id_category_helptext",
                "location": "id_location_helptext",
                "description": "id_description_helptext",
                "about_staff": "id_about_staff_helptext",
                "evidence": "id_evidence_helptext",
            },
        )

    def test_it_announces_the_help_on_forms_drawn_with_as_div(self) -> None:
        page = self.page(self.head, "user_new")
        self.assertTrue(page.help_ids, "the new-account form has help text")
        self.assert_help_announced(page, expected={})

    def test_it_announces_the_help_on_the_registers_and_policies_forms(self) -> None:
        self.assert_help_announced(self.page(self.technician, "registers:new_device"), expected={})
        self.assert_help_announced(self.page(self.coordinator, "policies:new_policy"), expected={})

    def test_it_labels_checkboxes_after_the_box_without_a_colon(self) -> None:
        for user, url_name in [
            (self.teacher, "incidents:new"),
            (self.coordinator, "monitoring:source_new"),  # as_div
            (self.teacher, "filtering:new_request"),
            (self.technician, "registers:new_account"),
        ]:
            page = self.page(user, url_name)
            self.assertTrue(page.checkboxes, f"{url_name} has a checkbox")
            for box in page.checkboxes:
                label = page.labels.get(box, "")
                self.assertTrue(label, f"{url_name}: checkbox {box} has no label")
                self.assertFalse(label.endswith(":"), f"{url_name}: {label!r}")
        self.assertEqual(
            self.page(self.teacher, "incidents:new").labels["id_urgent"],
            "Someone may be at risk now: treat as urgent",
        )
