"""Reads for triage: the active pack, sessions in scope, what went in, stateless outcomes.

How an engagement prefills a new triage (pack-agnostic, by question kind, in pack order; a
prefilled answer only counts once its question is asked, and the person can change it):

===================  ==========================================================================
engagement field     question it fills
===================  ==========================================================================
kind                 the first single or multiple choice question with an option for the kind:
                     its own value (``staff_travel``), hyphenated (``staff-travel``) or one of
                     `KIND_OPTIONS` (``visiting_researcher`` is ``visitor``)
countries            every ``country`` question about a place (factor ``country``: the
                     partner's country, a travel destination) gets the first country; a
                     question about a person's nationality is never prefilled
research areas       the first ``technology_area`` question: each area whose text is a node's
                     label, or the start of it ("quantum sensing" is "Quantum sensing and
                     metrology")
partners             the first ``organisation`` question: the partner institution (else the
                     first organisation named, in the order they were added)
funding amount       the first ``amount`` question, when the funding currency is the currency of
                     the pack's jurisdiction (GBP for GB, CAD for CA …)
start date           the first ``date`` question
===================  ==========================================================================
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.db.models import QuerySet, Value
from django.db.models.fields.json import KT
from django.db.models.functions import NullIf
from django.utils import timezone

from trustdesk.policy.conditions import ancestry, find_node
from trustdesk.policy.loader import PackInvalid
from trustdesk.policy.models import Pack
from trustdesk.policy.triage import ContactResult, Outcome, ProcessResult, triage
from trustdesk.screening.matching.model import ScreeningHit
from trustdesk.web.accounts.permissions import AnyUser
from trustdesk.web.cases import selectors as case_selectors
from trustdesk.web.cases.models import Engagement, EngagementPartner
from trustdesk.web.hub import selectors as hub_selectors
from trustdesk.web.lists.models import ListEntry, ListSource
from trustdesk.web.partners import selectors as partner_selectors
from trustdesk.web.partners.models import ScreeningRun
from trustdesk.web.reference.selectors import active_pack
from trustdesk.web.triage import answers as answer_glue
from trustdesk.web.triage import permissions
from trustdesk.web.triage.models import TriageSession

# The currency an amount question of a pack is asked in, by the pack's jurisdiction.
JURISDICTION_CURRENCY: Mapping[str, str] = {
    "GB": "GBP", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "US": "USD", "IE": "EUR", "NL": "EUR",
    "DE": "EUR", "FR": "EUR", "BE": "EUR", "DK": "DKK", "SE": "SEK", "NO": "NOK", "CH": "CHF",
}  # fmt: skip

# Option ids packs use for an engagement kind, beyond the kind's own value hyphenated.
KIND_OPTIONS: Mapping[str, tuple[str, ...]] = {
    Engagement.Kind.VISITING_RESEARCHER: ("visitor",),
    Engagement.Kind.DONATION_OR_FUNDING: ("funding-gift", "funding", "donation"),
    Engagement.Kind.TNE_PARTNERSHIP: ("partnership-mou", "tne-partnership"),
    Engagement.Kind.LICENSING: ("licensing-spinout",),
    Engagement.Kind.STUDENTSHIP: ("studentship", "visitor"),
}

#: The origin of a hit found by screening one of the engagement's partners (not an answer).
PARTNER = "partner"

_lock = threading.Lock()
_digests: dict[int, tuple[Pack, str]] = {}  # by id() of a loaded pack, kept alive here


class PackUnavailable(Exception):
    """The configured policy pack cannot be loaded; the message says which and why."""


def pack() -> Pack:
    """The policy pack the web application triages under (settings.TRUSTDESK_POLICY_PACK).

    The reference app's `active_pack()` lays the current travel advice over it and caches it
    per reference snapshot; a pack that cannot be loaded is `PackUnavailable`, with its problems.
    """
    try:
        return active_pack()
    except PackInvalid as exc:
        problems = "; ".join(str(e) for e in exc.errors[:5])
        raise PackUnavailable(
            f"The policy pack {settings.TRUSTDESK_POLICY_PACK!r} (TRUSTDESK_POLICY_PACK) "
            f"cannot be loaded: {problems}"
        ) from exc


def _digest(loaded: Pack) -> str:
    return hashlib.sha256(loaded.model_dump_json(by_alias=True).encode()).hexdigest()


def pack_digest(loaded: Pack) -> str:
    """A digest of the pack as loaded, reference overlays included (cached per pack object)."""
    with _lock:
        cached = _digests.get(id(loaded))
        if cached is not None and cached[0] is loaded:
            return cached[1]
        digest = _digest(loaded)
        _digests[id(loaded)] = (loaded, digest)
        if len(_digests) > 16:  # packs replaced by fresher reference data: keep the newest
            del _digests[next(iter(_digests))]
        return digest


def triage_list_for_user(*, user: AnyUser) -> QuerySet[TriageSession]:
    """The sessions the user sees, newest change first."""
    return TriageSession.objects.filter(permissions.triage_scope(user)).select_related(
        "owner", "engagement"
    )


def triage_get_for_user(*, user: AnyUser, public_id: uuid.UUID) -> TriageSession:
    """One session in the user's scope; TriageSession.DoesNotExist alike for missing and unseen."""
    return triage_list_for_user(user=user).get(public_id=public_id)


def attachable_engagements(*, user: AnyUser) -> list[Engagement]:
    """Engagements the user may attach a stand-alone triage to: their own or their team's."""
    if user.pk is None:
        return []
    engagements = case_selectors.engagement_list_for_user(user=user).filter(
        status__in=[Engagement.Status.DRAFT]
    )
    return [e for e in engagements if permissions.can_attach_to(user, e)]


def current_snapshots() -> dict[str, str]:
    """The current snapshot of every list source, as a screening result records them."""
    return {
        s.key: str(s.current.public_id)
        for s in ListSource.objects.select_related("current")
        if s.current is not None
    }


def programmes(snapshots: Mapping[str, str], keys: list[tuple[str, str]]) -> dict[str, str]:
    """The programmes (sub-lists, regimes) of listed entries, by "source:entry_id".

    A merged source such as the US Consolidated Screening List says which list an entry is on
    only in its programmes; a researcher's reason reads better naming the Entity List.
    """
    found: dict[str, str] = {}
    by_source: dict[str, list[str]] = {}
    for source, entry_id in keys:
        by_source.setdefault(source, []).append(entry_id)
    for source, ids in by_source.items():
        snapshot = snapshots.get(source)
        if snapshot is None:
            continue
        rows = ListEntry.objects.filter(snapshot__public_id=snapshot, entry_id__in=ids).values_list(
            "entry_id", "data"
        )
        for entry_id, data in rows:
            programs = data.get("programs") if isinstance(data, dict) else None
            if isinstance(programs, list) and programs:
                found[f"{source}:{entry_id}"] = "; ".join(str(p) for p in programs[:2])
    return found


def organisation_roles(current: Pack) -> dict[str, str]:
    """The role each organisation question gives the name it asks for (its label), by id.

    Partner, funder or co-funder, intermediary, talent programme …: the label goes with the
    name wherever it is shown (the result's summary, each hit row, the engagement proposed).
    """
    return {q.id: q.label or q.text for q in current.questions if q.kind == "organisation"}


@dataclass(frozen=True, slots=True)
class NamedOrganisation:
    """An organisation named in a triage's answers, with the role its question gives it."""

    name: str
    role: str


def named_organisations(
    current: Pack, answers: Mapping[str, object], asked: tuple[str, ...] | None = None
) -> list[NamedOrganisation]:
    """The organisations the answers name, in question order (only asked ones, given `asked`)."""
    roles = organisation_roles(current)
    named = []
    for qid, role in roles.items():
        value = answers.get(qid)
        if asked is not None and qid not in asked:
            continue
        if isinstance(value, str) and value.strip():
            named.append(NamedOrganisation(value.strip(), role))
    return named


@dataclass(frozen=True, slots=True)
class PartnerScreenings:
    """The engagement's partners' current screening: their hits, and each one's run by name."""

    hits: list[ScreeningHit]
    runs: dict[str, ScreeningRun]  # the partner's name → its latest completed run
    # Person and PEP records found for an organisation partner: officers' context, never hits.
    context: list[answer_glue.ContextMatch] = field(default_factory=list)


#: Publisher categories that make an entry a sanctions, export-control or research-security
#: listing; an entry of an aggregating source (OpenSanctions) without any is context only.
#: Not "target": OpenSanctions marks every subject of a dataset a target, PEP datasets' too, so
#: a target whose only topics are roles is a politically exposed person, not a listing.
_LISTING_CATEGORIES = ("sanction", "export.control", "debarment", "crime")


def context_only(snapshots: Mapping[str, str], keys: list[tuple[str, str]]) -> dict[str, str]:
    """The listed entries that may not count as a hit on an organisation, and why.

    By "source:entry_id": ``person`` for a person record (a director, a relative) matched
    against an organisation's name, ``pep`` for an entry of an aggregating source whose
    categories say only that it is a politically exposed person or a person of interest.
    Either is context for an officer, never a sanctions hit (the keys of
    `answers.CONTEXT_WHY`).
    """
    found: dict[str, str] = {}
    by_source: dict[str, list[str]] = {}
    for source, entry_id in keys:
        by_source.setdefault(source, []).append(entry_id)
    for source, ids in by_source.items():
        snapshot = snapshots.get(source)
        if snapshot is None:
            continue
        rows = ListEntry.objects.filter(snapshot__public_id=snapshot, entry_id__in=ids).values_list(
            "entry_id", "entity_type", "data"
        )
        for entry_id, entity_type, data in rows:
            categories = data.get("categories") if isinstance(data, dict) else None
            pep_only = (
                isinstance(categories, list)
                and any(str(c).startswith("role.") for c in categories)
                and not any(str(c).startswith(_LISTING_CATEGORIES) for c in categories)
            )
            if pep_only:
                found[f"{source}:{entry_id}"] = "pep"
            elif entity_type == "person":
                found[f"{source}:{entry_id}"] = "person"
    return found


def engagement_hits(*, engagement: Engagement) -> list[ScreeningHit]:
    """The hits of the latest completed screening of each of the engagement's partners.

    Each carries the officer's adjudication as its status, so that dismissing a hit changes
    the outcome the next time the triage is run. Read in a fixed number of queries (the runs,
    their hits, one per list snapshot for the programmes), however many partners there are:
    the engagement's page reads this more than once.
    """
    return partner_screenings(engagement=engagement).hits


def partner_screenings(
    *, engagement: Engagement, links: list[EngagementPartner] | None = None
) -> PartnerScreenings:
    """`engagement_hits`, with the runs they came from (an assessment records both).

    A fixed number of queries for any number of partners: the links (unless given), the runs
    with their hits, and the programmes once per list snapshot.
    """
    if links is None:
        links = list(case_selectors.engagement_partner_list(engagement=engagement))
    runs = partner_selectors.latest_completed_runs([link.partner for link in links])
    wanted: dict[tuple[str, str], list[tuple[str, str]]] = {}  # (source, snapshot) → keys
    for screened in runs.values():
        for hit in screened.hits.all():
            snapshot = (
                screened.snapshots.get(hit.source) if isinstance(screened.snapshots, dict) else None
            )
            if snapshot is not None:
                wanted.setdefault((hit.source, str(snapshot)), []).append(
                    (hit.source, hit.entry_id)
                )
    names: dict[tuple[str, str], str] = {}  # (snapshot, "source:entry_id") → programme
    kinds: dict[tuple[str, str], str] = {}  # (snapshot, "source:entry_id") → why context only
    for (source, snapshot), keys in wanted.items():
        for found, programme in programmes({source: snapshot}, keys).items():
            names[(snapshot, found)] = programme
        for found, why in context_only({source: snapshot}, keys).items():
            kinds[(snapshot, found)] = why
    records: list[ScreeningHit] = []
    context: list[answer_glue.ContextMatch] = []
    seen: set[tuple[str, str, str]] = set()
    for link in links:
        subject = link.partner
        run = runs.get(subject)
        if run is None:
            continue
        snapshots = run.snapshots if isinstance(run.snapshots, dict) else {}
        for hit in sorted(run.hits.all(), key=lambda h: (h.source, h.entry_id)):
            seen_key = (subject.name, hit.source, hit.entry_id)
            if seen_key in seen:
                continue
            seen.add(seen_key)
            at = (str(snapshots.get(hit.source)), hit.key)
            typed = hit.typed(
                subject=subject.name,
                origin=PARTNER,
                programme=names.get(at),
                role=EngagementPartner.Role(link.role).label,
            )
            # As for an organisation answer: only listings count against an organisation.
            kind = kinds.get(at) if link.organisation_id is not None else None
            if kind is not None:
                context.append(answer_glue.ContextMatch(typed, kind))
            else:
                records.append(typed)
    by_name: dict[str, ScreeningRun] = {}
    for subject, run in runs.items():
        by_name.setdefault(subject.name, run)
    return PartnerScreenings(records, by_name, context)


@dataclass(frozen=True, slots=True)
class PartnerHitsToday:
    """The partners' hits as a screening today would find them, with the verdicts standing."""

    hits: list[ScreeningHit]
    # Partners not screened again (no index of today's lists yet): their stored hits stand in.
    not_screened: tuple[str, ...]


def partner_hits_today(*, reads: CaseReads) -> PartnerHitsToday:
    """Each partner's names screened again against today's lists, in memory (no rows written).

    A hit an officer already judged keeps the verdict; a hit no screening has stored yet is new
    (not yet reviewed). Hits of a list with no snapshot today cannot be checked again, so the
    stored ones stand, as they do for every partner when no index of today's lists is loaded.
    """
    links, stored = reads.links, reads.screenings
    screened = partner_selectors.screen_now([link.partner for link in links])
    if screened is None:
        names = tuple(dict.fromkeys(link.partner.name for link in links))
        return PartnerHitsToday(list(stored.hits), names)
    verdicts = {(h.subject, h.key): h.status for h in stored.hits}
    keys = [(row.source, row.entry_id) for rows in screened.hits.values() for row in rows]
    named = programmes(screened.snapshots, keys)
    kinds = context_only(screened.snapshots, keys)
    records: list[ScreeningHit] = []
    seen: set[tuple[str, str]] = set()
    for link in links:
        subject = link.partner
        role = EngagementPartner.Role(link.role).label
        for row in screened.hits.get(subject, []):
            if (subject.name, row.key) in seen:
                continue
            seen.add((subject.name, row.key))
            if link.organisation_id is not None and row.key in kinds:
                continue  # a person or PEP record: context for officers, never a hit
            status = verdicts.get((subject.name, row.key))
            if status is not None:
                row.verdict = status.value
            records.append(
                row.typed(
                    subject=subject.name, origin=PARTNER, programme=named.get(row.key), role=role
                )
            )
    unchecked = [
        h
        for h in stored.hits
        if h.source not in screened.snapshots and (h.subject, h.key) not in seen
    ]
    return PartnerHitsToday(records + unchecked, ())


def _hit_keys(hits: list[ScreeningHit]) -> set[tuple[str, str, str, str]]:
    return {(h.subject, h.source, h.entry_id, h.status.value) for h in hits}


def staleness(
    *,
    session: TriageSession,
    current: Pack,
    partner_hits: list[ScreeningHit] | None = None,
    snapshots: Mapping[str, str] | None = None,
) -> list[str]:
    """Why a completed outcome may no longer be what the current policy and screening give.

    Empty for a draft or an outcome that is still current. `partner_hits` are the engagement's
    `engagement_hits` and `snapshots` the `current_snapshots`, when the caller has read them
    already (the case page shares them).
    """
    if not session.is_completed:
        return []
    reasons = []
    if (session.pack_id, session.pack_version) != (current.id, current.version):
        reasons.append(
            f"The policy pack changed: triaged under {session.pack_id} {session.pack_version}, "
            f"now {current.id} {current.version}."
        )
    elif session.pack_digest != pack_digest(current):
        reasons.append(
            "The policy pack's reference data (such as travel advice) changed since this triage."
        )
    if session.engagement_id is not None and session.engagement is not None:
        used = [h for h in answer_glue.used_hits(session) if h.origin == PARTNER]
        if partner_hits is None:
            partner_hits = engagement_hits(engagement=session.engagement)
        if _hit_keys(used) != _hit_keys(partner_hits):
            reasons.append(
                "The screening of the engagement's partners changed (new hits or adjudications)."
            )
    now = current_snapshots() if snapshots is None else snapshots
    for question, screened in sorted(answer_glue.answer_screening(session).items()):
        if screened.snapshots != now and question in session.answers:
            reasons.append(f"The watch lists were updated since {screened.name} was screened.")
    return reasons


@dataclass(frozen=True, slots=True)
class EngagementTriage:
    """What an engagement's page shows about triage."""

    latest: TriageSession | None  # the latest completed session
    outcome: Outcome | None  # its outcome, as the reader may see it
    stale: list[str]
    drafts: list[TriageSession]  # the reader's own drafts for this engagement
    can_start: bool
    can_rerun: bool
    # What the pack asks the owner to pass before submitting, and whether they have.
    training: tuple[hub_selectors.RequiredTraining, ...] = ()
    # Whom to ask about which of the outcome's processes, one entry per person.
    people: tuple[WhomToAsk, ...] = ()


@dataclass(frozen=True, slots=True)
class WhomToAsk:
    """One person to ask and the processes they answer for; the pack's text without a record."""

    resolved: hub_selectors.ResolvedContact | None
    pack_contact: ContactResult
    processes: list[ProcessResult]


def whom_to_ask(current: Pack, outcome: Outcome) -> list[WhomToAsk]:
    """The outcome's processes grouped by the person to ask, in the order they first appear."""
    groups: dict[object, WhomToAsk] = {}
    for process, person in process_people(current, outcome):
        key = person.answering.pk if person else (process.contact.name, process.contact.email)
        if key not in groups:
            groups[key] = WhomToAsk(person, process.contact, [])
        groups[key].processes.append(process)
    return list(groups.values())


def process_people(
    current: Pack, outcome: Outcome
) -> list[tuple[ProcessResult, hub_selectors.ResolvedContact | None]]:
    """Each process with the hub's record for its pack contact (None where there is none).

    One query: the pack names contacts by key, and the hub says who that is today (the deputy
    while they are away), so the result and the case page name the same person.
    """
    keys = {p.id: p.contact for p in current.processes}
    people = hub_selectors.contacts_by_key(keys.values(), today=timezone.localdate())
    return [(p, people.get(keys.get(p.id, ""))) for p in outcome.processes]


def engagement_triage(
    *, user: AnyUser, engagement: Engagement, reads: CaseReads | None = None
) -> EngagementTriage:
    """The latest completed triage of an engagement the user sees, with its freshness.

    `reads` shares the partners' screening with the page's other sections.
    """
    sessions = triage_list_for_user(user=user).filter(engagement=engagement)
    latest = (
        sessions.filter(status=TriageSession.Status.COMPLETED).order_by("-completed_at").first()
    )
    drafts = list(sessions.filter(status=TriageSession.Status.DRAFT, owner_id=user.pk))
    try:
        current: Pack | None = pack()
    except PackUnavailable:
        current = None
    shared = reads is not None and latest is not None and latest.engagement_id == engagement.pk
    stale = (
        staleness(
            session=latest,
            current=current,
            partner_hits=reads.screenings.hits if shared and reads else None,
            snapshots=reads.snapshots if shared and reads else None,
        )
        if latest and current
        else []
    )
    outcome = outcome_for_user(session=latest, user=user) if latest else None
    training = (
        hub_selectors.training_required(
            pack=current,
            user=engagement.owner,
            kind=engagement.kind,
            tier=outcome.tier.id if outcome else None,
            now=timezone.now(),
        )
        if current is not None
        else []
    )
    return EngagementTriage(
        latest=latest,
        outcome=outcome,
        stale=stale,
        drafts=drafts,
        can_start=current is not None
        and permissions.can_start_triage(user)
        and permissions.can_attach_to(user, engagement),
        can_rerun=latest is not None and permissions.can_rerun_triage(user, latest),
        training=tuple(training),
        people=tuple(whom_to_ask(current, outcome)) if current and outcome else (),
    )


def _kind_answer(current: Pack, kind: str) -> tuple[str, object] | None:
    wanted = (kind, kind.replace("_", "-"), *KIND_OPTIONS.get(kind, ()))
    for q in current.questions:
        if q.kind not in ("single_choice", "multiple_choice"):
            continue
        option = next((w for w in wanted if w in {o.id for o in q.options}), None)
        if option is not None:
            return q.id, option if q.kind == "single_choice" else [option]
    return None


def _area_nodes(current: Pack, taxonomy: str, texts: list[str]) -> list[str]:
    labels = [
        (node_id, node.label.lower())
        for node_id in ancestry(current, taxonomy)
        if (node := find_node(current, taxonomy, node_id)) is not None
    ]
    chosen: list[str] = []
    for text in (t.strip().lower() for t in texts if t.strip()):
        match = next((n for n, label in labels if label == text), None) or next(
            (n for n, label in labels if label.startswith(f"{text} ")), None
        )
        if match is not None and match not in chosen:
            chosen.append(match)
    return chosen


def prefill(*, current: Pack, engagement: Engagement) -> dict[str, object]:
    """Answers taken from the engagement's record (the mapping is in this module's docstring)."""
    answers: dict[str, object] = {}
    questions = list(current.questions)
    if (kind := _kind_answer(current, engagement.kind)) is not None:
        answers[kind[0]] = kind[1]
    for q in questions:
        if q.kind == "country" and q.effective_factor() == "country" and engagement.countries:
            answers[q.id] = engagement.countries[0]
    area = next((q for q in questions if q.kind == "technology_area"), None)
    if area is not None and area.taxonomy is not None:
        nodes = _area_nodes(current, area.taxonomy, list(engagement.research_areas))
        if nodes:
            answers[area.id] = nodes
    organisation = next((q for q in questions if q.kind == "organisation"), None)
    links = [
        link
        for link in case_selectors.engagement_partner_list(engagement=engagement)
        if link.organisation is not None
    ]
    links.sort(key=lambda link: link.role != EngagementPartner.Role.PARTNER_INSTITUTION)
    if organisation is not None and links:
        answers[organisation.id] = links[0].partner.name
    amount = next((q for q in questions if q.kind == "amount"), None)
    currency = JURISDICTION_CURRENCY.get(current.jurisdiction)
    if (
        amount is not None
        and engagement.funding_amount is not None
        and engagement.funding_currency == currency
    ):
        value: Decimal = engagement.funding_amount
        answers[amount.id] = int(value) if value == value.to_integral_value() else float(value)
    date = next((q for q in questions if q.kind == "date"), None)
    if date is not None and engagement.start_date is not None:
        answers[date.id] = engagement.start_date.isoformat()
    return answers


def engagement_initial(*, current: Pack, session: TriageSession) -> dict[str, object]:
    """An engagement's starting fields from a triage's answers: `prefill` the other way round.

    The researcher who triaged first proposes the engagement from the result page; the kind,
    countries, research areas, funding and partner come from the answers, so nothing is typed
    twice. Only what the answers say is filled in; the rest stays for the researcher.
    """
    answers = session.answers or {}
    initial: dict[str, object] = {}
    by_option: dict[str, str] = {
        str(k.value).replace("_", "-"): str(k.value) for k in Engagement.Kind
    }
    by_option.update({options[0]: str(kind) for kind, options in KIND_OPTIONS.items()})
    partner = ""
    countries: list[str] = []
    areas: list[str] = []
    for q in current.questions:
        value = answers.get(q.id)
        if value is None:
            continue
        if q.kind in ("single_choice", "multiple_choice") and "kind" not in initial:
            chosen = value if isinstance(value, list) else [value]
            kinds = [by_option[v] for v in chosen if isinstance(v, str) and v in by_option]
            if kinds:
                initial["kind"] = kinds[0]
        elif q.kind == "organisation" and not partner and isinstance(value, str):
            partner = value
        elif q.kind == "country" and q.effective_factor() == "country" and isinstance(value, str):
            if value not in countries:
                countries.append(value)
        elif q.kind == "technology_area" and q.taxonomy and isinstance(value, list):
            for node_id in value:
                node = find_node(current, q.taxonomy, str(node_id))
                if node is not None and node.label not in areas:
                    areas.append(node.label)
        elif q.kind == "amount" and isinstance(value, int | float) and not isinstance(value, bool):
            initial["funding_amount"] = value
            currency = JURISDICTION_CURRENCY.get(current.jurisdiction)
            if currency:
                initial["funding_currency"] = currency
    if partner:
        initial["title"] = f"Engagement with {partner}"
        if "funding_amount" in initial:
            initial["funding_source"] = partner
    outcome = session.typed_outcome
    named = named_organisations(current, answers, outcome.asked if outcome else None)
    if named:
        # Each organisation with its role, so the case starts knowing who is partner, funder,
        # intermediary or talent programme (the form has no field per role).
        initial["summary"] = "Organisations named in triage: " + "; ".join(
            f"{o.name} ({o.role.lower()})" for o in named
        )
    if countries:
        initial["countries"] = ", ".join(countries)
    if areas:
        initial["research_areas"] = "\n".join(areas)
    return initial


def triage_evaluate(
    *, answers: Mapping[str, object], screening: list[ScreeningHit] | None = None
) -> Outcome:
    """The outcome of answers under the active pack, with no session: nothing is stored.

    Unlike a stored draft's, an answer to a question the pack does not have is the caller's
    mistake, so it reaches the engine, which reports it with every other problem
    (`AnswersInvalid`). Dates may be given as YYYY-MM-DD strings, as the questionnaire stores them.
    """
    current = pack()
    known = {q.id for q in current.questions}
    unknown = {key: value for key, value in answers.items() if key not in known}
    typed = answer_glue.typed_answers(current, answers)
    return triage(current, {**unknown, **typed}, screening=screening)


def outcome_for_user(*, session: TriageSession, user: AnyUser) -> Outcome | None:
    """The session's outcome, typed, as the reader may see it (None while a draft).

    For roles that may not read the watch lists (`permissions.can_see_hit_details`), every
    reason's screening-hit facts are redacted by kind: the researcher learns that a check is
    needed, not which entry on which list their partner resembles.
    """
    outcome = answer_glue.stored_outcome(session)
    if outcome is None or permissions.can_see_hit_details(user):
        return outcome
    return outcome.redacted()


def engagements_with_tier(
    engagements: QuerySet[Engagement], *, tier: str = ""
) -> QuerySet[Engagement]:
    """The engagements annotated with `tier` (the latest completed triage's tier id, or None).

    `tier` narrows them to that tier; "none" to those without a completed triage. The tier is
    the engagement's stored copy (`Engagement.triage_tier`, which the triage services keep
    current), so a list or a count by tier is a plain column, whatever the number of rows.
    """
    annotated = engagements.annotate(tier=NullIf("triage_tier", Value("")))
    if tier == NO_TIER:
        return annotated.filter(triage_tier="")
    if tier:
        return annotated.filter(triage_tier=tier)
    return annotated


def _completed_of(engagement_id: int) -> QuerySet[TriageSession]:
    return TriageSession.objects.filter(
        engagement_id=engagement_id, status=TriageSession.Status.COMPLETED
    ).order_by("-completed_at", "-pk")


def latest_triage(*, engagement: Engagement) -> TriageSession | None:
    """The engagement's latest completed triage, whoever ran it (no user scope).

    The one read of it that the assessment, the mitigation plan and the decision share: its
    answers and outcome are facts of the case. For the tier alone, read the engagement's stored
    copy (`Engagement.triage_tier`), which `latest_tier` keeps current.
    """
    return _completed_of(engagement.pk).first()


def latest_tier(*, engagement_id: int) -> str:
    """The tier id of the engagement's latest completed triage, or "" (what the copy must say)."""
    found = (
        _completed_of(engagement_id)
        .annotate(tier_id=KT("outcome__tier__id"))
        .values_list("tier_id", flat=True)
        .first()
    )
    return str(found or "")


class CaseReads:
    """What several sections of one case page read alike, each read once and shared.

    The triage section checks its outcome against the partners' screening, the assessment
    section gathers the same screening for its form and its replay, and the mitigation plan
    and the assessment both start from the latest triage: one `CaseReads` per page serves them
    all (built lazily, no user scope: the caller fetched the engagement through the reader's).
    """

    def __init__(self, engagement: Engagement) -> None:
        self.engagement = engagement

    @cached_property
    def latest(self) -> TriageSession | None:
        """`latest_triage` of the engagement."""
        session = latest_triage(engagement=self.engagement)
        if session is not None:
            session.engagement = self.engagement
        return session

    @cached_property
    def links(self) -> list[EngagementPartner]:
        """The engagement's partner links, with their organisation or person."""
        return list(case_selectors.engagement_partner_list(engagement=self.engagement))

    @cached_property
    def screenings(self) -> PartnerScreenings:
        """`partner_screenings` of the engagement."""
        return partner_screenings(engagement=self.engagement, links=self.links)

    @cached_property
    def snapshots(self) -> dict[str, str]:
        """`current_snapshots`: today's snapshot of every list source."""
        return current_snapshots()


NO_TIER = "none"


def tier_labels() -> dict[str, str]:
    """Tier id → label from the policy pack, lowest first; empty when the pack cannot load."""
    try:
        return {t.id: t.label for t in pack().tiers}
    except PackUnavailable:
        return {}
