"""Input shapes of the assessment forms; the services decide what is allowed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from trustdesk.policy.models import Pack


class AssessmentRunForm(forms.Form):
    """The case facts the pack declares, each a yes/no the officer records with the run."""

    def __init__(self, *args: Any, pack: Pack, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for fact in pack.facts:
            self.fields[f"fact_{fact.id}"] = forms.BooleanField(
                label=fact.description, required=False
            )

    def facts(self) -> dict[str, bool]:
        return {
            name.removeprefix("fact_"): bool(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("fact_")
        }


class OverrideForm(forms.Form):
    """One area's chosen rating; the justification's rules are the service's (and the engine's)."""

    assessment = forms.UUIDField()  # the one the officer saw: only the latest may change
    area = forms.CharField(max_length=100)
    rating = forms.CharField(max_length=50)
    justification = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, scale: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if scale:
            self.fields["rating"] = forms.ChoiceField(choices=list(scale))
