"""Reads of organisations, people and screening results, scoped to the user who asks.

Views fetch single records through these querysets, so a person outside the user's scope gives
the same 404 as one that does not exist.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from trustdesk.screening.entries import EntityType
from trustdesk.screening.matching.model import HitStatus
from trustdesk.web.accounts.models import User
from trustdesk.web.lists import screening
from trustdesk.web.partners.identifiers import IdentifierError, normalise_orcid, normalise_ror
from trustdesk.web.partners.models import (
    Organisation,
    Person,
    ScreeningHit,
    ScreeningRun,
    VerdictMemory,
)
from trustdesk.web.partners.names import search_keys
from trustdesk.web.partners.permissions import can_view, organisation_scope, person_scope

R = TypeVar("R", Organisation, Person)


def organisation_list_for_user(
    *, user: User, include_merged: bool = False
) -> QuerySet[Organisation]:
    """Organisations the user sees; merged records (tombstones) only when asked for."""
    records = Organisation.objects.filter(organisation_scope(user))
    if not include_merged:
        records = records.filter(merged_into__isnull=True)
    return records.select_related("parent")


def person_list_for_user(*, user: User, include_merged: bool = False) -> QuerySet[Person]:
    """People in the user's scope; merged records (tombstones) only when asked for."""
    records = Person.objects.filter(person_scope(user))
    if not include_merged:
        records = records.filter(merged_into__isnull=True)
    return records


def merged_record_kept_for_user(*, user: User, record: R) -> R | None:
    """The live record a tombstone was merged into (following later merges), if the user sees it.

    None when it lies outside the user's scope: callers then name neither it nor its id.
    """
    model = type(record)  # not the `merged_into` relation, which the abstract base types Partner
    kept, seen = record, {record.pk}
    while kept.merged_into_id is not None:
        kept = model.objects.get(pk=kept.merged_into_id)
        if kept.pk in seen:  # a cycle cannot be written by the services; never loop on one
            return None
        seen.add(kept.pk)
    if kept.pk == record.pk or not can_view(user, kept):
        return None
    return kept


def _name_filter(query: str) -> Q:
    keys = search_keys(query)
    if not keys:
        return Q(pk__in=[])
    match = Q()
    for key in keys:
        match |= Q(search_text__contains=key)
    return match


def organisation_search(records: QuerySet[Organisation], query: str) -> QuerySet[Organisation]:
    """By name or alias in any script (transliterated too), or exactly by ROR id."""
    query = query.strip()
    if not query:
        return records
    match = _name_filter(query)
    with contextlib.suppress(IdentifierError):  # not a ROR id: a name only
        match |= Q(ror_id=normalise_ror(query))
    return records.filter(match)


def person_search(records: QuerySet[Person], query: str) -> QuerySet[Person]:
    """By name or alias in any script (transliterated too), or exactly by ORCID iD."""
    query = query.strip()
    if not query:
        return records
    match = _name_filter(query)
    with contextlib.suppress(IdentifierError):  # not an ORCID iD: a name only
        match |= Q(orcid=normalise_orcid(query))
    return records.filter(match)


def screening_runs(subject: Organisation | Person) -> QuerySet[ScreeningRun]:
    """The subject's screenings, newest first, each with its hits (best first) and hit count."""
    runs = (
        ScreeningRun.objects.filter(organisation=subject)
        if isinstance(subject, Organisation)
        else ScreeningRun.objects.filter(person=subject)
    )
    # Ordered here: Django leaves a model's default ordering out of an aggregated query, and
    # the newest run (the first) is what the screening says now.
    return (
        runs.annotate(hit_count=Count("hits"))
        .order_by("-created_at", "-pk")
        .prefetch_related(
            Prefetch("hits", queryset=ScreeningHit.objects.select_related("adjudicated_by"))
        )
    )


def latest_completed_runs(
    subjects: Sequence[Organisation | Person],
) -> dict[Organisation | Person, ScreeningRun]:
    """Each subject's latest completed screening (as `screening_runs` gives it), by subject.

    Two queries for any number of subjects (the runs, then their hits), where asking
    `screening_runs` per subject costs two each: an engagement's page reads all its partners.
    """
    organisations = [s.pk for s in subjects if isinstance(s, Organisation)]
    people = [s.pk for s in subjects if isinstance(s, Person)]
    if not subjects:
        return {}
    latest = (
        ScreeningRun.objects.filter(status=ScreeningRun.Status.COMPLETED)
        .filter(Q(organisation_id__in=organisations) | Q(person_id__in=people))
        .order_by()
        .values("organisation_id", "person_id")
        .annotate(last=Max("pk"))
        .values("last")
    )
    runs = ScreeningRun.objects.filter(pk__in=latest).annotate(hit_count=Count("hits"))
    by_key = {
        ("o", run.organisation_id) if run.organisation_id else ("p", run.person_id): run
        for run in runs.prefetch_related(
            Prefetch("hits", queryset=ScreeningHit.objects.select_related("adjudicated_by"))
        )
    }
    found: dict[Organisation | Person, ScreeningRun] = {}
    for subject in subjects:
        run = by_key.get(("o" if isinstance(subject, Organisation) else "p", subject.pk))
        if run is not None:
            found[subject] = run
    return found


def screening_latest(subject: Organisation | Person) -> ScreeningRun | None:
    """The newest screening of the subject, whatever its status."""
    return screening_runs(subject).first()


def hit_list_for_user(*, user: User) -> QuerySet[ScreeningHit]:
    """Hits on subjects the user sees: any organisation's, and people's within scope."""
    on_organisation = Q(run__organisation__isnull=False) & organisation_scope(user)
    on_person = Q(run__person__isnull=False) & person_scope(user, prefix="run__person__")
    return ScreeningHit.objects.filter(on_organisation | on_person).select_related(
        "run", "run__organisation", "run__person"
    )


def hit_get_for_user(*, user: User, public_id: uuid.UUID) -> ScreeningHit:
    """One hit the user may see; raises ScreeningHit.DoesNotExist otherwise."""
    return hit_list_for_user(user=user).get(public_id=public_id)


# What a subject's current screening says, as a list filters it: open hits (unresolved or
# needing information), a confirmed hit, or screened with nothing open or confirmed.
SCREENING_FILTERS = {
    "open": "Open hits",
    "confirmed": "Confirmed hits",
    "clear": "No open or confirmed hits",
}
OPEN_VERDICTS = (HitStatus.UNRESOLVED.value, HitStatus.NEEDS_INFORMATION.value)


def current_hits() -> QuerySet[ScreeningHit]:
    """The hits of each subject's latest completed screening: what its screening says now.

    "Latest" is the highest id among the subject's completed runs, grouped in the database, so
    a count over thousands of subjects stays one statement.
    """
    latest = (
        ScreeningRun.objects.filter(status=ScreeningRun.Status.COMPLETED)
        .values("organisation_id", "person_id")
        .annotate(last=Max("pk"))
        .values("last")
    )
    return ScreeningHit.objects.filter(run_id__in=latest)


@dataclass(frozen=True, slots=True)
class HitCounts:
    """A subject's (or an engagement's partners') current hits by where their review stands."""

    open: int = 0
    confirmed: int = 0
    dismissed: int = 0


def hit_bucket(verdict: str) -> str:
    """The HitCounts field a verdict counts in."""
    if verdict in OPEN_VERDICTS:
        return "open"
    return "confirmed" if verdict == HitStatus.CONFIRMED.value else "dismissed"


def organisation_hit_counts(*, organisation_ids: Sequence[int]) -> dict[int, HitCounts]:
    """Current hit counts of each organisation named (one page of a list): one grouped query."""
    rows = (
        current_hits()
        .filter(run__organisation_id__in=list(organisation_ids))
        .values("run__organisation_id", "verdict")
        .annotate(n=Count("pk"))
    )
    tally: dict[int, dict[str, int]] = {}
    for row in rows:
        counts = tally.setdefault(row["run__organisation_id"], {})
        bucket = hit_bucket(row["verdict"])
        counts[bucket] = counts.get(bucket, 0) + row["n"]
    return {pk: HitCounts(**counts) for pk, counts in tally.items()}


def organisations_by_screening(
    records: QuerySet[Organisation], wanted: str
) -> QuerySet[Organisation]:
    """Organisations whose current screening has open hits, a confirmed hit, or neither."""
    hits = current_hits()
    open_ = hits.filter(verdict__in=OPEN_VERDICTS).values("run__organisation_id")
    confirmed = hits.filter(verdict=HitStatus.CONFIRMED.value).values("run__organisation_id")
    if wanted == "open":
        return records.filter(pk__in=open_)
    if wanted == "confirmed":
        return records.filter(pk__in=confirmed)
    if wanted == "clear":
        return records.exclude(pk__in=open_).exclude(pk__in=confirmed)
    return records


def verdict_history(run: ScreeningRun) -> dict[str, list[VerdictMemory]]:
    """Every verdict given on the run's entries for its subject, oldest first, by entry key."""
    subject = run.subject
    field = "organisation" if isinstance(subject, Organisation) else "person"
    memories = VerdictMemory.objects.filter(
        **{field: subject}, entry_id__in=[h.entry_id for h in run.hits.all()]
    ).select_related("decided_by")
    found: dict[str, list[VerdictMemory]] = {}
    for memory in memories.order_by("decided_at", "pk"):
        found.setdefault(f"{memory.source}:{memory.entry_id}", []).append(memory)
    return found


def subject_type(subject: Organisation | Person) -> EntityType:
    """The entity type a subject's names are screened as (an organisation's or a person's)."""
    return EntityType.ORGANIZATION if isinstance(subject, Organisation) else EntityType.PERSON


@dataclass(frozen=True, slots=True)
class ScreenedNow:
    """Subjects screened again in memory: their hits, and the snapshots they were checked in."""

    hits: dict[Organisation | Person, list[ScreeningHit]]
    snapshots: dict[str, str]  # source key -> snapshot public id


def screen_now(subjects: Sequence[Organisation | Person]) -> ScreenedNow | None:
    """The subjects' names against today's lists, in memory: hits a screening now would store.

    Nothing is written: the rows are unsaved and carry no verdict (the caller lays the
    officers' verdicts over them). Compared by the function a stored screening calls
    (`screening.screen_names`), on the loaded index, read once for all the subjects; None when
    no index of today's lists is loaded or built yet, which a page must never build, so the
    caller says it could not look.
    """
    try:
        lists = screening.lists_in_use(build=False)
    except screening.IndexNotReady:
        return None
    found: dict[Organisation | Person, list[ScreeningHit]] = {}
    for subject in subjects:
        best = screening.screen_names(subject.names, subject_type(subject), lists=lists).best
        found[subject] = [
            ScreeningHit(
                source=hit.source,
                entry_id=hit.entry_id,
                entry_name=hit.name,
                matched_name=hit.matched_name,
                query_name=hit.query_name,
                score=hit.score,
                explanation=hit.explanation,
            )
            for hit in sorted(best.values(), key=lambda h: (h.source, h.entry_id))
        ]
    return ScreenedNow(found, dict(lists.loaded.snapshots))
