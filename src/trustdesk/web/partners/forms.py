"""Input shapes for the partner pages; the services validate again and do the saving."""

from __future__ import annotations

import functools
from typing import Any

import pycountry
from django import forms
from django.db.models import QuerySet

from trustdesk.screening.matching.model import HitStatus
from trustdesk.web.partners import selectors
from trustdesk.web.partners.identifiers import IdentifierError, normalise_orcid, normalise_ror
from trustdesk.web.partners.models import Organisation, Person
from trustdesk.web.partners.services import OrganisationInput, PersonInput

REASON_HELP = "Kept on the audit trail with the decision."


@functools.cache
def country_choices() -> tuple[tuple[str, str], ...]:
    """ISO 3166 countries by name, after a blank 'not given' choice."""
    countries = sorted((c.alpha_2, c.name) for c in pycountry.countries)
    return (("", "Not given"), *sorted(countries, key=lambda item: item[1]))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search", required=False, max_length=300, help_text="A name or alias in any script."
    )


AGES = [
    ("", "Any age"),
    ("7", "Older than a week"),
    ("30", "Older than 30 days"),
    ("90", "Older than 90 days"),
]


class OrganisationFilterForm(SearchForm):
    """The organisation list's filters, from the query string: bookmarkable, no script needed."""

    def values(self) -> tuple[str, str, int | None]:
        """Search text, screening filter and minimum age in days; nothing narrows when invalid."""
        if not self.is_valid():
            return "", "", None
        data = self.cleaned_data
        return str(data["q"]), str(data["screening"]), data["age"]

    screening = forms.ChoiceField(
        required=False, choices=[("", "Any screening"), *selectors.SCREENING_FILTERS.items()]
    )
    age = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, choices=AGES, label="Age"
    )


class OrganisationForm(forms.Form):
    name = forms.CharField(max_length=300)
    aliases = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Acronyms, other names and other scripts: one per line. Each is screened.",
    )
    kind = forms.ChoiceField(label="Type", choices=Organisation.Kind.choices)
    country = forms.ChoiceField(required=False, choices=country_choices)
    ror_id = forms.CharField(
        label="ROR id",
        required=False,
        max_length=40,
        help_text="From ror.org, e.g. 052gg0110 (the ror.org address works too).",
    )
    website = forms.URLField(required=False, max_length=500, assume_scheme="https")
    parent = forms.ModelChoiceField(
        label="Parent organisation",
        queryset=Organisation.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label="None",
    )

    def __init__(self, *args: Any, parents: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  # declared above
        field.queryset = parents

    def clean_ror_id(self) -> str:
        value: str = self.cleaned_data["ror_id"]
        try:
            return normalise_ror(value) if value.strip() else ""
        except IdentifierError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def to_input(self) -> OrganisationInput:
        data = self.cleaned_data
        return OrganisationInput(
            name=data["name"],
            kind=data["kind"],
            aliases=_lines(data["aliases"]),
            country=data["country"],
            ror_id=data["ror_id"],
            website=data["website"],
            parent=data["parent"],
        )

    @staticmethod
    def initial_for(org: Organisation) -> dict[str, Any]:
        return {
            "name": org.name,
            "aliases": "\n".join(org.aliases),
            "kind": org.kind,
            "country": org.country,
            "ror_id": org.ror_id,
            "website": org.website,
            "parent": org.parent.public_id if org.parent else None,
        }


class PersonForm(forms.Form):
    name = forms.CharField(max_length=300)
    aliases = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Other spellings and names in other scripts: one per line. Each is screened.",
    )
    orcid = forms.CharField(
        label="ORCID iD",
        required=False,
        max_length=60,
        help_text="e.g. 0000-0002-1825-0097 (the orcid.org address works too).",
    )
    affiliations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        to_field_name="public_id",
        help_text="Hold Ctrl (or Cmd) to choose more than one.",
    )
    nationality = forms.ChoiceField(
        required=False,
        choices=country_choices,
        help_text=(
            "Only where a process needs it (for example export control or ATAS). It is never "
            "used for screening."
        ),
    )
    nationality_reason = forms.CharField(
        label="Why the nationality is needed", required=False, max_length=300
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["affiliations"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101  # declared above
        field.queryset = organisations

    def clean_orcid(self) -> str:
        value: str = self.cleaned_data["orcid"]
        try:
            return normalise_orcid(value) if value.strip() else ""
        except IdentifierError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("nationality") and not (data.get("nationality_reason") or "").strip():
            self.add_error(
                "nationality_reason", "Say which process needs the nationality, or leave it out."
            )
        return data

    def to_input(self) -> PersonInput:
        data = self.cleaned_data
        return PersonInput(
            name=data["name"],
            aliases=_lines(data["aliases"]),
            orcid=data["orcid"],
            nationality=data["nationality"],
            nationality_reason=data["nationality_reason"],
            affiliations=list(data["affiliations"]),
        )

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        return {
            "name": person.name,
            "aliases": "\n".join(person.aliases),
            "orcid": person.orcid,
            "affiliations": [o.public_id for o in person.affiliations.all()],
            "nationality": person.nationality,
            "nationality_reason": person.nationality_reason,
        }


class MergeForm(forms.Form):
    into = forms.UUIDField(label="Record to keep")
    reason = forms.CharField(
        max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), help_text=REASON_HELP
    )


class AdjudicationForm(forms.Form):
    verdict = forms.ChoiceField(
        choices=[(s.value, s.label) for s in HitStatus if s != HitStatus.UNRESOLVED],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), help_text=REASON_HELP
    )


class GroupAdjudicationForm(AdjudicationForm):
    """One verdict for every hit of one group; the group is named by its key within the run."""

    group = forms.CharField(max_length=400)
