"""A PDF attached as evidence that carries JavaScript is flagged when it is downloaded (drill finding 7)."""

from __future__ import annotations

import io

from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from esafety.incidents.evidence import pdf_has_javascript
from esafety.incidents.tests.helpers import IncidentTestCase


def pdf(*, document_js: bool = False, open_action_js: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    if document_js:  # the document-level scripts: /Names << /JavaScript << /Names [(name) action] >> >>
        scripts = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("hello"), writer._add_object(action)])}
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): scripts})
    if open_action_js:
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class FlagPdfJavascriptTests(IncidentTestCase):
    def test_it_finds_javascript_in_the_names_tree_and_in_an_open_action(self) -> None:
        self.assertFalse(pdf_has_javascript(pdf()))
        self.assertTrue(pdf_has_javascript(pdf(document_js=True)))
        self.assertTrue(pdf_has_javascript(pdf(open_action_js=True)))

    def test_it_treats_an_unreadable_pdf_naming_javascript_as_suspicious(self) -> None:
        self.assertTrue(pdf_has_javascript(b"%PDF-1.7\n garbage /JavaScript garbage"))
        self.assertFalse(pdf_has_javascript(b"%PDF-1.7\n garbage"))

    def test_it_flags_the_download(self) -> None:
        incident = self.report(evidence=[("plain.pdf", pdf()), ("active.pdf", pdf(document_js=True))])
        plain, active = incident.evidence.order_by("pk")
        self.login(self.coordinator)
        response = self.client.get(reverse("incidents:evidence", args=[incident.pk, active.pk]))
        self.assertIn("CONTAINS-JAVASCRIPT", response["Content-Disposition"])
        self.assertIn("JavaScript", response["X-Esafety-Warning"])
        response = self.client.get(reverse("incidents:evidence", args=[incident.pk, plain.pk]))
        self.assertNotIn("JAVASCRIPT", response["Content-Disposition"])
        self.assertFalse(response.has_header("X-Esafety-Warning"))
