"""Input shapes for the audit pages: the auditor's filter and an optional chain anchor."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django import forms

from trustdesk.web.core.audit import ChainAnchor
from trustdesk.web.core.selectors import AuditFilter


class DateInput(forms.DateInput):
    input_type = "date"


class AuditFilterForm(forms.Form):
    actor = forms.CharField(
        label="Actor", required=False, max_length=200, help_text="A username or a label."
    )
    action = forms.CharField(
        label="Action starts with",
        required=False,
        max_length=100,
        help_text="e.g. trustdesk.list",
    )
    target_type = forms.CharField(label="Target type", required=False, max_length=100)
    target_id = forms.CharField(label="Target id", required=False, max_length=100)
    since = forms.DateField(label="From (UTC date)", required=False, widget=DateInput)
    until = forms.DateField(label="To (UTC date, inclusive)", required=False, widget=DateInput)
    request_id = forms.UUIDField(label="Request id", required=False)

    def to_filter(self) -> AuditFilter:
        """The selector's filter; `until` covers its whole day, as a person means "to the 3rd"."""
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        return AuditFilter(
            actor=data.get("actor") or None,
            action_prefix=data.get("action") or None,
            target_type=data.get("target_type") or None,
            target_id=data.get("target_id") or None,
            since=datetime.combine(since, time.min, tzinfo=UTC) if since else None,
            until=(
                datetime.combine(until, time.min, tzinfo=UTC) + timedelta(days=1) if until else None
            ),
            request_id=data.get("request_id"),
        )


class VerifyForm(forms.Form):
    anchor = forms.CharField(
        label="Anchor kept from an earlier check (optional)",
        required=False,
        max_length=100,
        help_text="SEQUENCE:HASH as an earlier verification reported the head.",
    )

    def clean_anchor(self) -> ChainAnchor | None:
        text = self.cleaned_data["anchor"].strip()
        if not text:
            return None
        try:
            return ChainAnchor.parse(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
