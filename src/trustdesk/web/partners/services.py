"""Every write to organisations, people and their screening: one service per user action.

Each service checks its actor's permission, writes, queues any screening the change calls for
and records its audit event in the same transaction, so a rolled-back change neither leaves an
event nor queues a screening. Screenings are queued through the task queue and run after the
commit (in-process on the embedded default, in a worker in production).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pycountry
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from trustdesk.screening.entries import EntityType
from trustdesk.screening.matching import Hit, Query
from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import require
from trustdesk.web.core import audit
from trustdesk.web.core.tasks import Transient
from trustdesk.web.lists import screening
from trustdesk.web.partners import conf
from trustdesk.web.partners.identifiers import IdentifierError, normalise_orcid, normalise_ror
from trustdesk.web.partners.models import (
    Organisation,
    Partner,
    Person,
    ScreeningHit,
    ScreeningRun,
)
from trustdesk.web.partners.names import distinct_names, search_key, search_text

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
audit.register_action("trustdesk.screening.requested", label="Screening requested")
audit.register_action("trustdesk.screening.completed", label="Screening completed")
audit.register_action("trustdesk.screening.purged", label="Expired screenings of people deleted")
audit.register_action(
    "trustdesk.screening_hit.adjudicated", label="Screening hit adjudicated", reason_required=True
)

Subject = Organisation | Person
P = TypeVar("P", Organisation, Person)
HITS_PER_NAME = 10  # listed entries kept per screened name, best first


class PartnerError(Exception):
    """A refused change; the message is shown to the person who asked for it."""


class InvalidPartner(PartnerError):
    """Input that a form would also refuse (the API and CLI reach services directly)."""


class DuplicateIdentifier(PartnerError):
    MESSAGE = "{record} already has this {kind} ({value}): edit or merge that record instead."

    def __init__(self, *, record: Partner, kind: str, value: str) -> None:
        super().__init__(self.MESSAGE.format(record=record, kind=kind, value=value))


class MergedRecord(PartnerError):
    MESSAGE = "{record} was merged into {into}; change that record instead."

    def __init__(self, record: Partner) -> None:
        super().__init__(self.MESSAGE.format(record=record, into=record.merged_into))


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
    _organisation_apply(org, data)
    org.save()
    _screening_enqueue(org, trigger=ScreeningRun.Trigger.CREATED, actor=actor)
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
        raise MergedRecord(org)
    old, old_names = _organisation_state(org), org.names
    _organisation_apply(org, data)
    new = _organisation_state(org)
    if new == old:
        return org
    org.save(update_fields=[*_ORG_FIELDS, "search_text", "updated_at"])
    if search_text(org.names) != search_text(old_names):
        _screening_enqueue(org, trigger=ScreeningRun.Trigger.RENAMED, actor=actor)
    changed = {k for k in new if new[k] != old[k]}
    audit.record(
        actor=actor,
        action="trustdesk.organisation.updated",
        target=org,
        data={"old": {k: old[k] for k in changed}, "new": {k: new[k] for k in changed}},
    )
    return org


_ORG_FIELDS = ["name", "aliases", "kind", "country", "ror_id", "website", "parent"]


def _organisation_apply(org: Organisation, data: OrganisationInput) -> None:
    org.name = _clean_name(data.name)
    org.aliases = distinct_names(data.aliases, besides=[org.name])
    org.kind = data.kind
    org.country = _country(data.country)
    org.ror_id = _identifier(normalise_ror, data.ror_id)
    org.website = data.website.strip()
    org.parent = data.parent
    org.search_text = search_text(org.names)
    _validate(org, exclude=["owner", "department", "parent", "merged_into"])
    if org.ror_id:
        clash = Organisation.objects.filter(ror_id=org.ror_id, merged_into__isnull=True)
        other = clash.exclude(pk=org.pk).first()
        if other is not None:
            raise DuplicateIdentifier(record=other, kind="ROR id", value=org.ror_id)
    _check_parent(org)


def _check_parent(org: Organisation) -> None:
    """A parent must be a live record and never the organisation itself or one of its own."""
    parent = org.parent
    if parent is None:
        return
    if parent.merged_into_id is not None:
        raise MergedRecord(parent)
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
    reason = _reason(reason)
    dup, keep = _lock_pair(Organisation, duplicate, into)
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
    return _merge_finish(actor, dup, keep, old_names, reason, "trustdesk.organisation.merged")


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
    _person_apply(person, data)
    person.save()
    person.affiliations.set(data.affiliations)
    _screening_enqueue(person, trigger=ScreeningRun.Trigger.CREATED, actor=actor)
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
        raise MergedRecord(record)
    old, old_names = _person_state(record), record.names
    _person_apply(record, data)
    record.save(update_fields=[*_PERSON_FIELDS, "search_text", "updated_at"])
    record.affiliations.set(data.affiliations)
    new = _person_state(record)
    if new == old:
        return record
    if search_text(record.names) != search_text(old_names):
        _screening_enqueue(record, trigger=ScreeningRun.Trigger.RENAMED, actor=actor)
    changed = {k for k in new if new[k] != old[k]}
    audit.record(
        actor=actor,
        action="trustdesk.person.updated",
        target=record,
        data={"old": {k: old[k] for k in changed}, "new": {k: new[k] for k in changed}},
    )
    return record


_PERSON_FIELDS = ["name", "aliases", "orcid", "nationality", "nationality_reason"]


def _person_apply(person: Person, data: PersonInput) -> None:
    person.name = _clean_name(data.name)
    person.aliases = distinct_names(data.aliases, besides=[person.name])
    person.orcid = _identifier(normalise_orcid, data.orcid)
    person.nationality = _country(data.nationality)
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
            raise MergedRecord(org)
    _validate(person, exclude=["owner", "department", "merged_into"])
    if person.orcid:
        clash = Person.objects.filter(orcid=person.orcid, merged_into__isnull=True)
        other = clash.exclude(pk=person.pk).first()
        if other is not None:
            raise DuplicateIdentifier(record=other, kind="ORCID iD", value=person.orcid)


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
    reason = _reason(reason)
    dup, keep = _lock_pair(Person, duplicate, into)
    _check_identifiers(dup.orcid, keep.orcid, "ORCID iD")
    old_names = keep.names
    keep.aliases = distinct_names([*keep.aliases, dup.name, *dup.aliases], besides=[keep.name])
    if not keep.orcid:
        keep.orcid = dup.orcid
    if not keep.nationality and dup.nationality:
        keep.nationality, keep.nationality_reason = dup.nationality, dup.nationality_reason
    return _merge_finish(actor, dup, keep, old_names, reason, "trustdesk.person.merged")


# --- merging (shared) ----------------------------------------------------------------------


def _lock_pair(model: type[P], duplicate: P, into: P) -> tuple[P, P]:
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
            raise MergedRecord(record)
    return dup, keep


def _check_identifiers(a: str, b: str, kind: str) -> None:
    if a and b and a != b:
        raise MergeRefused(MergeRefused.IDENTIFIERS.format(kind=kind, a=a, b=b))


def _merge_finish(
    actor: User, dup: P, keep: P, old_names: list[str], reason: str, action: str
) -> P:
    moved = _repoint(dup, keep)
    dup.merged_into, dup.merged_at = keep, timezone.now()
    dup.save(update_fields=["merged_into", "merged_at", "updated_at"])
    keep.search_text = search_text(keep.names)
    keep.full_clean(exclude=["owner", "department", "merged_into", "parent"])
    keep.save()
    if keep.names != old_names:
        _screening_enqueue(keep, trigger=ScreeningRun.Trigger.MERGED, actor=actor)
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


# --- screening -----------------------------------------------------------------------------


def _actor_label(actor: User) -> str:
    # The task queue's convention, which its selectors use to show users their own runs.
    return f"user:{actor.public_id}"


def _screening_enqueue(subject: Subject, *, trigger: str, actor: User) -> ScreeningRun:
    from trustdesk.web.partners.tasks import screen  # that module imports this one

    run = ScreeningRun(public_id=uuid.uuid4(), trigger=trigger, names=subject.names)
    if isinstance(subject, Organisation):
        run.organisation = subject
    else:
        run.person = subject
    run.requested_by = _actor_label(actor)
    run.task_run = screen.enqueue(run.requested_by, run_id=str(run.public_id))
    run.save()
    return run


@transaction.atomic
def screening_request(*, actor: User, subject: Subject) -> ScreeningRun:
    """Screen a record again now, e.g. after the lists changed or for a decision's file."""
    require(actor, "partner.screen", subject)
    if subject.merged_into_id is not None:
        raise MergedRecord(subject)
    run = _screening_enqueue(subject, trigger=ScreeningRun.Trigger.REQUESTED, actor=actor)
    audit.record(
        actor=actor,
        action="trustdesk.screening.requested",
        target=subject,
        data={"run": str(run.public_id), "names": run.names},
    )
    return run


def screening_run(*, run_id: str, actor: str) -> ScreeningRun:
    """Screen each of the run's names against the current lists and store the hits.

    Idempotent, as tasks must be: a completed run is returned unchanged. The names are those
    recorded when the screening was asked for; a later rename queues a run of its own. People
    are screened on their names alone (no nationality): the minimum the matcher needs.
    """
    run = ScreeningRun.objects.get(public_id=run_id)
    if run.status == ScreeningRun.Status.COMPLETED:
        return run
    kind = EntityType.ORGANIZATION if run.organisation_id else EntityType.PERSON
    best: dict[str, Hit] = {}
    results = [screening.screen(Query(name, type=kind), limit=HITS_PER_NAME) for name in run.names]
    if len({tuple(sorted(r.snapshots.items())) for r in results}) > 1:
        # A list changed between two names: start again, so one run uses one set of snapshots.
        raise Transient("the current list snapshots changed during the screening")
    for result in results:
        for hit in result.hits:
            if hit.key not in best or hit.score > best[hit.key].score:
                best[hit.key] = hit
    first = results[0] if results else None
    with transaction.atomic():
        run = ScreeningRun.objects.select_for_update().get(pk=run.pk)
        if run.status == ScreeningRun.Status.COMPLETED:
            return run
        ScreeningHit.objects.bulk_create(_hit_row(run, hit) for hit in best.values())
        run.status, run.error, run.completed_at = ScreeningRun.Status.COMPLETED, "", timezone.now()
        run.snapshots = first.snapshots if first else {}
        run.matcher_version = first.matcher_version if first else screening.MATCHER_VERSION
        run.threshold = first.threshold if first else None
        run.save(
            update_fields=[
                "status",
                "error",
                "completed_at",
                "snapshots",
                "matcher_version",
                "threshold",
            ]
        )
        audit.record(
            actor=actor,
            action="trustdesk.screening.completed",
            target=run.subject,
            data={
                "run": str(run.public_id),
                "names": run.names,
                "hits": sorted(best),
                "snapshots": run.snapshots,
                "matcher_version": run.matcher_version,
            },
        )
    return run


def _hit_row(run: ScreeningRun, hit: Hit) -> ScreeningHit:
    data = hit.to_dict()
    return ScreeningHit(
        run=run,
        source=hit.source,
        entity_id=hit.entity_id,
        entry_name=hit.name,
        matched_name=hit.matched_name,
        query_name=hit.query_name,
        score=hit.score,
        explanation=hit.explanation,
        features=data["features"],
    )


def screening_fail(*, run_id: str, error: str) -> None:
    """Say on the run why it failed; a later successful attempt replaces this."""
    ScreeningRun.objects.filter(public_id=run_id).exclude(
        status=ScreeningRun.Status.COMPLETED
    ).update(status=ScreeningRun.Status.FAILED, error=error[:2000])


@transaction.atomic
def hit_adjudicate(*, actor: User, hit: ScreeningHit, verdict: str, reason: str) -> ScreeningHit:
    """Record an officer's verdict on a hit, with the reason, on the hit and the audit trail."""
    subject = hit.run.subject
    require(actor, "partner.adjudicate", subject if isinstance(subject, Person) else None)
    if verdict not in ScreeningHit.Verdict.values or verdict == ScreeningHit.Verdict.OPEN:
        raise InvalidVerdict
    reason = _reason(reason)
    row = ScreeningHit.objects.select_for_update().get(pk=hit.pk)
    old = row.verdict
    row.verdict, row.verdict_reason = verdict, reason
    row.adjudicated_by, row.adjudicated_at = actor, timezone.now()
    row.save(update_fields=["verdict", "verdict_reason", "adjudicated_by", "adjudicated_at"])
    audit.record(
        actor=actor,
        action="trustdesk.screening_hit.adjudicated",
        target=row,
        data={
            "old": old,
            "new": verdict,
            "entry": row.key,
            "subject": {"type": subject._meta.model_name, "id": str(subject.public_id)},
            "run": str(hit.run.public_id),
        },
        reason=reason,
    )
    return row


@transaction.atomic
def screening_purge_expired(*, actor: str = "task:partners.purge_screenings") -> int:
    """Delete screenings of people completed longer ago than the retention period.

    Organisations' screenings are not personal data and are kept.
    """
    cutoff = timezone.now() - conf.person_screening_retention()
    expired = ScreeningRun.objects.filter(person__isnull=False, completed_at__lt=cutoff)
    count = expired.count()
    if not count:
        return 0
    expired.delete()
    audit.record(
        actor=actor,
        action="trustdesk.screening.purged",
        target=audit.AuditTarget("partners.screeningrun", "people", "screenings of people"),
        data={"runs": count, "completed_before": cutoff.isoformat()},
    )
    return count


# --- input cleaning ------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not search_key(cleaned):
        raise InvalidPartner("Give a name.")
    return cleaned


def _country(code: str) -> str:
    code = code.strip().upper()
    if code and pycountry.countries.get(alpha_2=code) is None:
        raise InvalidPartner(f"{code!r} is not an ISO 3166 country code.")
    return code


def _identifier(normalise: Any, value: str) -> str:
    if not value.strip():
        return ""
    try:
        return str(normalise(value))
    except IdentifierError as exc:
        raise InvalidPartner(str(exc)) from exc


def _reason(reason: str) -> str:
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise ReasonRequired
    return cleaned


def _validate(record: models.Model, *, exclude: list[str]) -> None:
    try:
        record.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as exc:
        raise InvalidPartner(" ".join(exc.messages)) from exc
