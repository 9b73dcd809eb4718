"""Issue 12, item 10: date inputs rendered ``01/12/2026``, which a browser's ``type=date`` input shows as blank, so
the enhanced-monitoring start and end dates (and a person's date of birth) looked empty when edited."""

from __future__ import annotations

from datetime import date, datetime

from django import forms

from esafety.core.widgets import DateInput, DateTimeLocalInput
from esafety.monitoring.forms import EnhancedMonitoringForm
from esafety.people.forms import PersonForm
from esafety.test import BaseTestCase


class RenderIsoDatesTests(BaseTestCase):
    def test_it_renders_dates_and_times_in_the_only_form_browsers_accept(self) -> None:
        class Form(forms.Form):
            day = forms.DateField(widget=DateInput())
            moment = forms.DateTimeField(widget=DateTimeLocalInput())

        html = str(Form(initial={"day": date(2026, 12, 1), "moment": datetime(2026, 12, 1, 15, 30)}))
        self.assertIn('type="date" name="day" value="2026-12-01"', html)
        self.assertIn('type="datetime-local" name="moment" value="2026-12-01T15:30"', html)

    def test_it_shows_enhanced_monitoring_dates_when_editing(self) -> None:
        form = EnhancedMonitoringForm(
            initial={"starts": date(2026, 12, 1), "ends": date(2027, 1, 31)}, school=self.school
        )
        html = str(form)
        self.assertIn('value="2026-12-01"', html)
        self.assertIn('value="2027-01-31"', html)
        self.assertNotIn("01/12/2026", html)

    def test_it_shows_a_date_of_birth_when_editing_a_person(self) -> None:
        self.pupil.date_of_birth = date(2019, 3, 7)
        self.assertIn('value="2019-03-07"', str(PersonForm(instance=self.pupil)))
