"""Input shapes for the engagement pages; each hands the services typed values and saves nothing."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms

from trustdesk.web.accounts.models import Department, User
from trustdesk.web.accounts.selectors import department_list
from trustdesk.web.cases import selectors, values
from trustdesk.web.cases.models import Engagement, EngagementPartner
from trustdesk.web.cases.services import EngagementFields
from trustdesk.web.partners import selectors as partner_selectors
from trustdesk.web.partners.forms import AGES
from trustdesk.web.partners.models import Organisation, Person

_LIST_SPLIT = re.compile(r"[,;\n]+")


class DateInput(forms.DateInput):
    input_type = "date"  # the browser's own picker, which keyboards and screen readers know


class EngagementForm(forms.Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=Engagement.Kind.choices, label="Kind of engagement")
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="What will happen, with whom, and what the university contributes.",
    )
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(),
        required=False,
        empty_label="My department",
        help_text="Its champion can see and help with the engagement.",
        to_field_name="public_id",
    )
    countries = forms.CharField(
        required=False,
        help_text="Names or two-letter codes, separated by commas: e.g. Germany, JP.",
    )
    research_areas = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One per line.",
    )
    funding_amount = forms.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, label="Funding amount"
    )
    funding_currency = forms.CharField(
        max_length=3, required=False, label="Currency", help_text="ISO 4217 code: GBP, EUR, USD …"
    )
    funding_source = forms.CharField(max_length=300, required=False)
    start_date = forms.DateField(required=False, widget=DateInput)
    end_date = forms.DateField(required=False, widget=DateInput)
    team = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Team members",
        help_text="Usernames or e-mail addresses of colleagues on the engagement, one per line.",
    )
    # The version the editor read, so a save made after someone else's is refused, not lost.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  # narrows the type for mypy
        field.queryset = department_list()

    @classmethod
    def initial_for(cls, engagement: Engagement) -> dict[str, object]:
        """The edit form's starting values: what the engagement says now."""
        return {
            "title": engagement.title,
            "kind": engagement.kind,
            "summary": engagement.summary,
            "department": engagement.department.public_id if engagement.department else None,
            "countries": ", ".join(engagement.countries),
            "research_areas": "\n".join(engagement.research_areas),
            "funding_amount": engagement.funding_amount,
            "funding_currency": engagement.funding_currency,
            "funding_source": engagement.funding_source,
            "start_date": engagement.start_date,
            "end_date": engagement.end_date,
            "team": "\n".join(u.get_username() for u in engagement.team.order_by("username")),
            "version": engagement.version,
        }

    def clean_countries(self) -> list[str]:
        try:
            return values.country_codes(values.split_countries(self.cleaned_data["countries"]))
        except values.UnknownCode as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_funding_currency(self) -> str:
        text: str = self.cleaned_data["funding_currency"]
        if not text.strip():
            return ""
        try:
            return values.currency_code(text)
        except values.UnknownCode as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_team(self) -> list[object]:
        names = [n.strip() for n in _LIST_SPLIT.split(self.cleaned_data["team"]) if n.strip()]
        found, missing = selectors.team_candidates(identifiers=names)
        if missing:
            raise forms.ValidationError(
                "No active account has the username or e-mail %(names)s.",
                params={"names": ", ".join(missing)},
            )
        return list(found)

    def to_fields(self) -> EngagementFields:
        data = self.cleaned_data
        return EngagementFields(
            title=data["title"],
            kind=data["kind"],
            summary=data["summary"],
            department=data["department"],
            countries=data["countries"],
            research_areas=data["research_areas"].splitlines(),
            funding_amount=data["funding_amount"],
            funding_currency=data["funding_currency"],
            funding_source=data["funding_source"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            team=data["team"],
        )


class CloseForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        help_text="Kept on the audit trail.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "close-%s")
        super().__init__(*args, **kwargs)


class WithdrawForm(forms.Form):
    reason = forms.CharField(max_length=4000, required=False, label="Reason (optional)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "withdraw-%s")
        super().__init__(*args, **kwargs)


class FilterForm(forms.Form):
    """The list's filters, read from the query string so a filtered list can be bookmarked.

    The tier's choices come from the policy pack, which the view reads (`tiers`); the filter on
    tier is applied by the triage app's selector, the one that knows where a tier is kept.
    """

    q = forms.CharField(required=False, label="Search", max_length=200)
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Engagement.Status.choices], required=False
    )
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Engagement.Kind.choices], required=False)
    department = forms.TypedChoiceField(
        required=False, coerce=uuid.UUID, empty_value=None, choices=[]
    )
    tier = forms.ChoiceField(required=False, choices=[])
    screening = forms.ChoiceField(
        required=False,
        choices=[("", "Any screening"), *selectors.SCREENING_FILTERS.items()],
    )
    assignee = forms.ChoiceField(required=False, label="Assigned to", choices=[])
    age = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, choices=AGES, label="Age"
    )

    def __init__(self, *args: Any, tiers: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101  # narrows the type for mypy
        field.choices = [
            ("", "Any department"),
            *((str(d.public_id), d.name) for d in department_list()),
        ]
        tier = self.fields["tier"]
        assert isinstance(tier, forms.ChoiceField)  # noqa: S101  # narrows the type for mypy
        tier.choices = [("", "Any tier"), *(tiers or {}).items(), ("none", "Not triaged")]
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ChoiceField)  # noqa: S101  # narrows the type for mypy
        assignee.choices = [
            ("", "Anyone or nobody"),
            (selectors.ME, "Me"),
            (selectors.UNASSIGNED, "Nobody"),
            *((str(u.public_id), str(u)) for u in selectors.assignable_officers()),
        ]

    def to_filter(self) -> selectors.EngagementFilter:
        if not self.is_valid():
            return selectors.EngagementFilter()
        data = self.cleaned_data
        return selectors.EngagementFilter(
            status=data["status"],
            kind=data["kind"],
            department=data["department"],
            text=data["q"],
            assignee=data["assignee"],
            screening=data["screening"],
            older_than_days=data["age"],
        )

    @property
    def tier_wanted(self) -> str:
        return str(self.cleaned_data["tier"]) if self.is_valid() else ""


class AssignForm(forms.Form):
    """Whom a case goes to: "assign to me", an officer picked from the list, or nobody."""

    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label="nobody (unassign)",
        label="Assign to",
    )
    to_me = forms.BooleanField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  # narrows the type for mypy
        field.queryset = selectors.assignable_officers()

    def chosen(self, me: User) -> User | None:
        if self.cleaned_data["to_me"]:
            return me
        assignee: User | None = self.cleaned_data["assignee"]
        return assignee


class PartnerAddForm(forms.Form):
    """One organisation or one person the user can see, and the role they play.

    The page offers a search rather than a list of the whole register (thousands of records,
    hundreds of kilobytes on every case page): the matches come back as one radio group,
    `match`, each "organisation:<uuid>" or "person:<uuid>". `organisation` and `person`
    (a public id each) are still accepted, as the JSON API and scripts name them; none of the
    three is ever rendered as a list of every record.
    """

    match = forms.CharField(required=False, widget=forms.HiddenInput)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        to_field_name="public_id",
        widget=forms.HiddenInput,
    )
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        to_field_name="public_id",
        widget=forms.HiddenInput,
    )
    role = forms.ChoiceField(choices=EngagementPartner.Role.choices)
    note = forms.CharField(max_length=300, required=False, label="Note (optional)")

    CHOOSE_ONE = "Search for the partner, then choose one organisation or one person."

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "partner-%s")
        super().__init__(*args, **kwargs)
        organisation, person = self.fields["organisation"], self.fields["person"]
        assert isinstance(organisation, forms.ModelChoiceField)  # noqa: S101  # for mypy
        assert isinstance(person, forms.ModelChoiceField)  # noqa: S101  # for mypy
        organisation.queryset = partner_selectors.organisation_list_for_user(user=user)
        person.queryset = partner_selectors.person_list_for_user(user=user)

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if data is None:
            return data
        chosen = str(data.get("match") or "")
        if chosen:
            kind, _, public_id = chosen.partition(":")
            field = self.fields.get(kind) if kind in ("organisation", "person") else None
            try:
                # The field's own scoped lookup: a record the user cannot see is not found.
                data[kind] = field.clean(public_id) if field is not None else None
            except forms.ValidationError:
                data[kind] = None
            if data.get(kind) is None:
                raise forms.ValidationError(self.CHOOSE_ONE)
        if bool(data.get("organisation")) == bool(data.get("person")):
            raise forms.ValidationError(self.CHOOSE_ONE)
        return data

    def partner(self) -> Organisation | Person:
        chosen: Organisation | Person = (
            self.cleaned_data["organisation"] or self.cleaned_data["person"]
        )
        return chosen


class PartnerSearchForm(forms.Form):
    """The name (any script, an alias) or identifier of the partner to add, to search for."""

    q = forms.CharField(
        max_length=200,
        required=False,
        label="Find the organisation or person",
        help_text="Type part of a name or alias, a ROR id or an ORCID iD.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "partner-search-%s")
        super().__init__(*args, **kwargs)

    @property
    def query(self) -> str:
        return str(self.cleaned_data.get("q") or "").strip() if self.is_valid() else ""


_QUESTION_SPLIT = re.compile(r"\n\s*\n")


class InformationRequestForm(forms.Form):
    """One or more questions for the researchers, separated by a blank line."""

    questions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        help_text="Separate questions with a blank line; each is answered on its own.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "information-%s")
        super().__init__(*args, **kwargs)

    def clean_questions(self) -> list[str]:
        text: str = self.cleaned_data["questions"]
        questions = [q.strip() for q in _QUESTION_SPLIT.split(text) if q.strip()]
        if not questions:
            raise forms.ValidationError("Write at least one question.")
        return questions


class InformationAnswerForm(forms.Form):
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)

    def __init__(self, *args: Any, request_id: uuid.UUID, **kwargs: Any) -> None:
        # Own ids per question, so several answer forms on one page never share an element id.
        kwargs.setdefault("auto_id", f"answer-{request_id}-%s")
        super().__init__(*args, **kwargs)
