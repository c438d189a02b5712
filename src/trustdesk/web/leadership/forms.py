"""The dashboard's filters and the report's period, as forms that never save anything."""

from __future__ import annotations

import datetime as dt

from django import forms

from trustdesk.web.accounts.models import Department
from trustdesk.web.leadership.selectors import Filters, Period

DEFAULT_DAYS = 365  # with no dates given, the dashboard shows the past year


class DateInput(forms.DateInput):
    input_type = "date"


def default_period(today: dt.date) -> Period:
    return Period(today - dt.timedelta(days=DEFAULT_DAYS - 1), today)


class PeriodForm(forms.Form):
    start = forms.DateField(label="From", required=False, widget=DateInput)
    end = forms.DateField(label="To (inclusive)", required=False, widget=DateInput)

    def __init__(self, *args: object, today: dt.date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.today = today

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            raise forms.ValidationError("The period must end on or after the day it starts.")
        return data

    def period(self) -> Period:
        """The dates asked for; a missing end is today, a missing start a year before the end."""
        default = default_period(self.today)
        if not self.is_valid():
            return default
        end = self.cleaned_data.get("end") or default.end
        start = self.cleaned_data.get("start") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
        return Period(start, end)


class DashboardFilterForm(PeriodForm):
    department = forms.ModelChoiceField(
        label="Department",
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label="Every department",
        to_field_name="public_id",
    )

    def filters(self) -> Filters:
        department = self.cleaned_data.get("department") if self.is_valid() else None
        return Filters(self.period(), department)
