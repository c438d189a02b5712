"""What the partner services share: their errors, the subject type and input cleaning."""

from __future__ import annotations

from typing import Any, TypeVar

import pycountry
from django.core.exceptions import ValidationError
from django.db import models

from trustdesk.screening.matching import NameNotScreenable, Query, check_name
from trustdesk.web.accounts.models import User
from trustdesk.web.partners.identifiers import IdentifierError
from trustdesk.web.partners.models import Organisation, Person
from trustdesk.web.partners.names import search_key
from trustdesk.web.partners.permissions import can_view

Subject = Organisation | Person
P = TypeVar("P", Organisation, Person)


class PartnerError(Exception):
    """A refused change; the message is shown to the person who asked for it."""


class InvalidPartner(PartnerError):
    """Input that a form would also refuse (the API and CLI reach services directly)."""


class DuplicateIdentifier(PartnerError):
    MESSAGE = "{record} already has this {kind} ({value}): edit or merge that record instead."
    # For an actor who may not see the holder: neither its name nor its id is told.
    HIDDEN = (
        "A record you cannot see already has this {kind} ({value}): ask the research-security "
        "team to merge them."
    )

    def __init__(self, *, record: Subject, kind: str, value: str, actor: User) -> None:
        template = self.MESSAGE if can_view(actor, record) else self.HIDDEN
        super().__init__(template.format(record=record, kind=kind, value=value))


class MergedRecord(PartnerError):
    MESSAGE = "{record} was merged into {into}; change that record instead."
    # The record kept may lie outside the actor's scope: then it is not named.
    HIDDEN = "{record} was merged into a record you cannot see."

    def __init__(self, record: Subject, *, actor: User) -> None:
        into = record.merged_into  # typed as the abstract Partner: always the record's own kind
        visible = isinstance(into, Organisation | Person) and can_view(actor, into)
        template = self.MESSAGE if visible else self.HIDDEN
        super().__init__(template.format(record=record, into=into))


class MergeRefused(PartnerError):
    SAME = "A record cannot be merged into itself."
    IDENTIFIERS = "Both records have a different {kind} ({a}, {b}): they are not duplicates."
    ANCESTOR = "{a} is a parent of {b}: change {b}'s parent organisation before merging them."


class ReasonRequired(PartnerError):
    MESSAGE = "Give a reason: it is kept on the audit trail with the decision."

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


class InvalidVerdict(PartnerError):
    MESSAGE = "Choose confirmed, false positive or needs information."

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


class UnknownGroup(PartnerError):
    """No group of the screening has this key (its hits changed, or the key was made up)."""

    MESSAGE = "This screening has no group {key}: reload the page and choose a group it shows."

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(self.MESSAGE.format(key=key))


NAME_NOT_SCREENABLE = (
    "Give a name with a word in it: this one has only punctuation, symbols or words such as "
    "'of' and 'the', so it could not be screened."
)


def clean_name(name: str) -> str:
    """The name with its spacing tidied; refused when empty or when screening could not use it."""
    cleaned = " ".join(name.split())
    if not search_key(cleaned):
        raise InvalidPartner("Give a name.")
    try:
        check_name(Query(cleaned))
    except NameNotScreenable:
        raise InvalidPartner(NAME_NOT_SCREENABLE) from None
    return cleaned


def country(code: str) -> str:
    code = code.strip().upper()
    if code and pycountry.countries.get(alpha_2=code) is None:
        raise InvalidPartner(f"{code!r} is not an ISO 3166 country code.")
    return code


def identifier(normalise: Any, value: str) -> str:
    if not value.strip():
        return ""
    try:
        return str(normalise(value))
    except IdentifierError as exc:
        raise InvalidPartner(str(exc)) from exc


def reason_text(reason: str) -> str:
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise ReasonRequired
    return cleaned


def validate(record: models.Model, *, exclude: list[str]) -> None:
    try:
        record.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as exc:
        raise InvalidPartner(" ".join(exc.messages)) from exc
