"""Writes to organisations and people: create, correct, and merge duplicates.

Each service checks its actor's permission, writes, queues any screening the change calls for
and records its audit event in the same transaction, so a rolled-back change neither leaves an
event nor queues a screening.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import require
from trustdesk.web.core import audit
from trustdesk.web.partners.identifiers import normalise_orcid, normalise_ror
from trustdesk.web.partners.models import Organisation, Person, ScreeningRun
from trustdesk.web.partners.names import distinct_names, search_text
from trustdesk.web.partners.services.common import (
    DuplicateIdentifier,
    InvalidPartner,
    MergedRecord,
    MergeRefused,
    P,
    clean_name,
    country,
    identifier,
    reason_text,
    validate,
)
from trustdesk.web.partners.services.screening import screening_enqueue

audit.register_action("trustdesk.organisation.created", label="Organisation added")
audit.register_action("trustdesk.organisation.updated", label="Organisation changed")
audit.register_action(
    "trustdesk.organisation.merged", label="Duplicate organisation merged", reason_required=True
)
audit.register_action("trustdesk.person.created", label="Person added")
audit.register_action("trustdesk.person.updated", label="Person changed")
audit.register_action(
    "trustdesk.person.merged", label="Duplicate person merged", reason_required=True
)


@dataclass(frozen=True, slots=True)
class OrganisationInput:
    name: str
    kind: str
    aliases: Sequence[str] = ()
    country: str = ""
    ror_id: str = ""
    website: str = ""
    parent: Organisation | None = None


@dataclass(frozen=True, slots=True)
class PersonInput:
    """Only what screening and the processes need; nationality only with the reason for it."""

    name: str
    aliases: Sequence[str] = ()
    orcid: str = ""
    nationality: str = ""
    nationality_reason: str = ""
    affiliations: Sequence[Organisation] = ()


# --- organisations -------------------------------------------------------------------------


@transaction.atomic
def organisation_create(*, actor: User, data: OrganisationInput) -> Organisation:
    """Add an organisation and queue its screening against every current list."""
    require(actor, "partner.propose")
    org = Organisation(owner=actor, department_id=actor.department_id)
    _organisation_apply(org, data, actor)
    org.save()
    screening_enqueue(org, trigger=ScreeningRun.Trigger.CREATED, actor=actor)
    audit.record(
        actor=actor,
        action="trustdesk.organisation.created",
        target=org,
        data={"new": _organisation_state(org)},
    )
    return org


@transaction.atomic
def organisation_update(
    *, actor: User, organisation: Organisation, data: OrganisationInput
) -> Organisation:
    """Correct an organisation's details; a change of name or aliases screens it again."""
    require(actor, "partner.propose", organisation)
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if org.merged_into_id is not None:
        raise MergedRecord(org, actor=actor)
    old, old_names = _organisation_state(org), org.names
    _organisation_apply(org, data, actor)
    new = _organisation_state(org)
    if new == old:
        return org
    org.save(update_fields=[*_ORG_FIELDS, "search_text", "updated_at"])
    if search_text(org.names) != search_text(old_names):
        screening_enqueue(org, trigger=ScreeningRun.Trigger.RENAMED, actor=actor)
    changed = {k for k in new if new[k] != old[k]}
    audit.record(
        actor=actor,
        action="trustdesk.organisation.updated",
        target=org,
        data={"old": {k: old[k] for k in changed}, "new": {k: new[k] for k in changed}},
    )
    return org


_ORG_FIELDS = ["name", "aliases", "kind", "country", "ror_id", "website", "parent"]


def _organisation_apply(org: Organisation, data: OrganisationInput, actor: User) -> None:
    org.name = clean_name(data.name)
    org.aliases = distinct_names(data.aliases, besides=[org.name])
    org.kind = data.kind
    org.country = country(data.country)
    org.ror_id = identifier(normalise_ror, data.ror_id)
    org.website = data.website.strip()
    org.parent = data.parent
    org.search_text = search_text(org.names)
    validate(org, exclude=["owner", "department", "parent", "merged_into"])
    if org.ror_id:
        clash = Organisation.objects.filter(ror_id=org.ror_id, merged_into__isnull=True)
        other = clash.exclude(pk=org.pk).first()
        if other is not None:
            raise DuplicateIdentifier(record=other, kind="ROR id", value=org.ror_id, actor=actor)
    _check_parent(org, actor)


def _check_parent(org: Organisation, actor: User) -> None:
    """A parent must be a live record and never the organisation itself or one of its own."""
    parent = org.parent
    if parent is None:
        return
    if parent.merged_into_id is not None:
        raise MergedRecord(parent, actor=actor)
    seen: set[int] = set()
    while parent is not None and parent.pk not in seen:
        if parent.pk == org.pk:
            raise InvalidPartner(f"{org} cannot be its own parent organisation, even indirectly.")
        seen.add(parent.pk)
        parent = parent.parent


def _organisation_state(org: Organisation) -> dict[str, Any]:
    return {
        "name": org.name,
        "aliases": list(org.aliases),
        "kind": org.kind,
        "country": org.country,
        "ror_id": org.ror_id,
        "website": org.website,
        "parent": str(org.parent.public_id) if org.parent else None,
    }


@transaction.atomic
def organisation_merge(
    *, actor: User, duplicate: Organisation, into: Organisation, reason: str
) -> Organisation:
    """Fold a duplicate into the record kept: names, identifiers, people, screenings, links.

    The duplicate stays as a tombstone pointing to the kept record, so its old URLs redirect.
    """
    require(actor, "partner.merge")
    reason = reason_text(reason)
    dup, keep = _lock_pair(Organisation, duplicate, into, actor)
    _check_identifiers(dup.ror_id, keep.ror_id, "ROR id")
    for ancestor, child in ((dup, keep), (keep, dup)):
        if _is_ancestor(ancestor, child):
            raise MergeRefused(MergeRefused.ANCESTOR.format(a=ancestor, b=child))
    old_names = keep.names
    keep.aliases = distinct_names([*keep.aliases, dup.name, *dup.aliases], besides=[keep.name])
    for field in ("ror_id", "country", "website"):
        if not getattr(keep, field):
            setattr(keep, field, getattr(dup, field))
    if keep.parent_id is None and dup.parent_id is not None:
        keep.parent_id = dup.parent_id
    fields = ["ror_id", "country", "website", "parent"]
    return _merge_finish(
        actor,
        dup,
        keep,
        old_names=old_names,
        reason=reason,
        action="trustdesk.organisation.merged",
        fields=fields,
    )


def _is_ancestor(candidate: Organisation, org: Organisation) -> bool:
    parent, seen = org.parent, set()
    while parent is not None and parent.pk not in seen:
        if parent.pk == candidate.pk:
            return True
        seen.add(parent.pk)
        parent = parent.parent
    return False


# --- people --------------------------------------------------------------------------------


@transaction.atomic
def person_create(*, actor: User, data: PersonInput) -> Person:
    """Add a person and queue their screening, on their names only."""
    require(actor, "partner.propose")
    person = Person(owner=actor, department_id=actor.department_id)
    _person_apply(person, data, actor)
    person.save()
    person.affiliations.set(data.affiliations)
    screening_enqueue(person, trigger=ScreeningRun.Trigger.CREATED, actor=actor)
    audit.record(
        actor=actor,
        action="trustdesk.person.created",
        target=person,
        data={"new": _person_state(person)},
    )
    return person


@transaction.atomic
def person_update(*, actor: User, person: Person, data: PersonInput) -> Person:
    """Correct a person's details; a change of name or aliases screens them again."""
    require(actor, "partner.propose", person)
    record = Person.objects.select_for_update().get(pk=person.pk)
    if record.merged_into_id is not None:
        raise MergedRecord(record, actor=actor)
    old, old_names = _person_state(record), record.names
    _person_apply(record, data, actor)
    record.save(update_fields=[*_PERSON_FIELDS, "search_text", "updated_at"])
    record.affiliations.set(data.affiliations)
    new = _person_state(record)
    if new == old:
        return record
    if search_text(record.names) != search_text(old_names):
        screening_enqueue(record, trigger=ScreeningRun.Trigger.RENAMED, actor=actor)
    changed = {k for k in new if new[k] != old[k]}
    audit.record(
        actor=actor,
        action="trustdesk.person.updated",
        target=record,
        data={"old": {k: old[k] for k in changed}, "new": {k: new[k] for k in changed}},
    )
    return record


_PERSON_FIELDS = ["name", "aliases", "orcid", "nationality", "nationality_reason"]


def _person_apply(person: Person, data: PersonInput, actor: User) -> None:
    person.name = clean_name(data.name)
    person.aliases = distinct_names(data.aliases, besides=[person.name])
    person.orcid = identifier(normalise_orcid, data.orcid)
    person.nationality = country(data.nationality)
    person.nationality_reason = " ".join(data.nationality_reason.split())
    if person.nationality and not person.nationality_reason:
        raise InvalidPartner(
            "Record a nationality only where a process needs it, and say which process."
        )
    if not person.nationality:
        person.nationality_reason = ""
    person.search_text = search_text(person.names)
    for org in data.affiliations:
        if org.merged_into_id is not None:
            raise MergedRecord(org, actor=actor)
    validate(person, exclude=["owner", "department", "merged_into"])
    if person.orcid:
        clash = Person.objects.filter(orcid=person.orcid, merged_into__isnull=True)
        other = clash.exclude(pk=person.pk).first()
        if other is not None:
            raise DuplicateIdentifier(
                record=other, kind="ORCID iD", value=person.orcid, actor=actor
            )


def _person_state(person: Person) -> dict[str, Any]:
    # The nationality itself stays out of the permanent audit trail: only that one is held.
    return {
        "name": person.name,
        "aliases": list(person.aliases),
        "orcid": person.orcid,
        "nationality": "recorded" if person.nationality else "",
        "nationality_reason": person.nationality_reason,
        "affiliations": sorted(str(o.public_id) for o in person.affiliations.all())
        if person.pk
        else [],
    }


@transaction.atomic
def person_merge(*, actor: User, duplicate: Person, into: Person, reason: str) -> Person:
    """Fold a duplicate person into the record kept; the duplicate remains as a tombstone."""
    require(actor, "partner.merge", duplicate)
    require(actor, "partner.merge", into)
    reason = reason_text(reason)
    dup, keep = _lock_pair(Person, duplicate, into, actor)
    _check_identifiers(dup.orcid, keep.orcid, "ORCID iD")
    old_names = keep.names
    keep.aliases = distinct_names([*keep.aliases, dup.name, *dup.aliases], besides=[keep.name])
    if not keep.orcid:
        keep.orcid = dup.orcid
    if not keep.nationality and dup.nationality:
        keep.nationality, keep.nationality_reason = dup.nationality, dup.nationality_reason
    fields = ["orcid", "nationality", "nationality_reason"]
    return _merge_finish(
        actor,
        dup,
        keep,
        old_names=old_names,
        reason=reason,
        action="trustdesk.person.merged",
        fields=fields,
    )


# --- merging (shared) ----------------------------------------------------------------------


def _lock_pair(model: type[P], duplicate: P, into: P, actor: User) -> tuple[P, P]:
    if duplicate.pk == into.pk:
        raise MergeRefused(MergeRefused.SAME)
    # Locked in primary-key order, so two opposite merges cannot deadlock.
    locked = {
        r.pk: r
        for r in model.objects.select_for_update()
        .filter(pk__in=[duplicate.pk, into.pk])
        .order_by("pk")
    }
    dup, keep = locked[duplicate.pk], locked[into.pk]
    for record in (dup, keep):
        if record.merged_into_id is not None:
            raise MergedRecord(record, actor=actor)
    return dup, keep


def _check_identifiers(a: str, b: str, kind: str) -> None:
    if a and b and a != b:
        raise MergeRefused(MergeRefused.IDENTIFIERS.format(kind=kind, a=a, b=b))


def _merge_finish(
    actor: User,
    dup: P,
    keep: P,
    *,
    old_names: list[str],
    reason: str,
    action: str,
    fields: list[str],
) -> P:
    moved = _repoint(dup, keep)
    dup.merged_into, dup.merged_at = keep, timezone.now()
    dup.save(update_fields=["merged_into", "merged_at", "updated_at"])
    keep.search_text = search_text(keep.names)
    keep.full_clean(exclude=["owner", "department", "merged_into", "parent"])
    keep.save(update_fields=[*fields, "aliases", "search_text", "updated_at"])
    if keep.names != old_names:
        screening_enqueue(keep, trigger=ScreeningRun.Trigger.MERGED, actor=actor)
    audit.record(
        actor=actor,
        action=action,
        target=keep,
        data={"duplicate": {"id": str(dup.public_id), "name": dup.name}, "moved": moved},
        reason=reason,
    )
    return keep


def _repoint(old: models.Model, new: models.Model) -> dict[str, int]:
    """Move every row that refers to `old` over to `new`, including links of later apps.

    Found from the model's relations rather than listed here, so an app that links to
    organisations or people (engagements, say) has its links moved without changing this
    code. Many-to-many links that `new` already has are dropped rather than duplicated.
    """
    meta = old._meta
    moved: dict[str, int] = {}
    throughs: set[type[models.Model]] = set()
    links: list[tuple[type[models.Model] | None, str, str]] = [
        (f.remote_field.through, f.m2m_field_name(), f.m2m_reverse_field_name())
        for f in meta.many_to_many
    ]
    links += [
        (r.through, r.field.m2m_reverse_field_name(), r.field.m2m_field_name())
        for r in meta.related_objects
        if isinstance(r, models.ManyToManyRel) and isinstance(r.field, models.ManyToManyField)
    ]
    for through, own, other in links:
        if through is None:
            continue
        throughs.add(through)
        have = set(through._base_manager.filter(**{own: new}).values_list(f"{other}_id", flat=True))
        through._base_manager.filter(**{own: old, f"{other}_id__in": have}).delete()
        count = through._base_manager.filter(**{own: old}).update(**{own: new})
        if count:
            moved[f"{through._meta.label_lower}.{own}"] = count
    for rel in meta.related_objects:
        if rel.many_to_many or rel.related_model in throughs:
            continue
        name = rel.field.name
        rows = rel.related_model._base_manager.filter(**{name: old})
        if rel.related_model is type(old):
            rows = rows.exclude(pk=new.pk)
        count = rows.update(**{name: new})
        if count:
            moved[f"{rel.related_model._meta.label_lower}.{name}"] = count
    return moved
