"""The form renderer: every form drawn with ``{{ form }}`` or ``{{ form.as_div }}`` lays out its fields with the
one field template, ``core/_field.html``, so help text is announced (its paragraph carries the id Django's
``aria-describedby`` names) and checkboxes read "[ ] Label" with no trailing colon, on every page alike."""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    form_template_name = "core/_form.html"
    field_template_name = "core/_field.html"
    # Form.as_div() names Django's own layout; draw ours in its place.
    REPLACED = {"django/forms/div.html": "core/_form.html"}

    def get_template(self, template_name: str) -> Any:
        return super().get_template(self.REPLACED.get(template_name, template_name))
