"""Input shapes for the decision section's forms: recommendation, decision, vote, seat."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.http import QueryDict

from trustdesk.web.decisions.models import Outcome
from trustdesk.web.decisions.services import Condition, Proposal

BAD_CONDITION = "Give each condition both its text and its due date (YYYY-MM-DD)."


class ProposalForm(forms.Form):
    """A recommendation or a decision: outcome, reason, conditions with due dates, review date.

    Conditions come as repeated ``condition_text`` / ``condition_due`` pairs (one row each on
    the page, so it works without script); blank rows are ignored.
    """

    outcome = forms.ChoiceField(choices=Outcome.choices)
    reason = forms.CharField(max_length=4000)
    review_date = forms.DateField(required=False)

    def __init__(self, data: QueryDict | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.conditions: list[Condition] = []
        if data is not None:
            self._read_conditions(data)

    def _read_conditions(self, data: QueryDict) -> None:
        texts, dues = data.getlist("condition_text"), data.getlist("condition_due")
        for i in range(max(len(texts), len(dues))):
            text = texts[i].strip() if i < len(texts) else ""
            due = dues[i].strip() if i < len(dues) else ""
            if not text and not due:
                continue
            try:
                self.conditions.append(Condition(text, date.fromisoformat(due)))
            except ValueError:
                self.add_error(None, BAD_CONDITION)
                return
            if not text:
                self.add_error(None, BAD_CONDITION)
                return

    def to_proposal(self) -> Proposal:
        data = self.cleaned_data
        return Proposal(
            outcome=Outcome(data["outcome"]),
            reason=data["reason"],
            conditions=tuple(self.conditions),
            review_date=data["review_date"],
        )


class VoteForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices)
    reason = forms.CharField(max_length=4000)


class SeatForm(forms.Form):
    """One seat of one committee route: its id and the holder's username (blank: vacant)."""

    tier = forms.CharField(max_length=50)
    seat = forms.CharField(max_length=100)
    holder = forms.CharField(max_length=150, required=False)
