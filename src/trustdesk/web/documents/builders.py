"""Fill a letter or a report from the case file, as the reader may see it.

What a role may read is decided here, once, on data: listed-entry details (the entry's names,
lists, programmes, reasons for listing) go in only for readers holding `lists.view`, as on the
partner pages; everyone else gets counts. The triage outcome is read through
`triage.selectors.engagement_triage`, which redacts its screening facts by the same rule.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from trustdesk.screening.matching import HitStatus
from trustdesk.screening.matching.translit import to_latin
from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import has_permission
from trustdesk.web.cases import selectors as case_selectors
from trustdesk.web.cases.models import Engagement, EngagementPartner
from trustdesk.web.core.audit import action_type
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.documents.content import (
    AuditLine,
    CaseHeader,
    Casework,
    Contact,
    DueDiligenceReport,
    EntryDetails,
    HitLine,
    Letter,
    Name,
    PartnerSection,
    ProcessLine,
    Provenance,
    QuestionLine,
    ScreeningCounts,
    Snapshot,
)
from trustdesk.web.lists.models import Snapshot as ListSnapshot
from trustdesk.web.partners import grouping
from trustdesk.web.partners import selectors as partner_selectors
from trustdesk.web.partners.models import Organisation, ScreeningRun
from trustdesk.web.triage import selectors as triage_selectors
from trustdesk.web.triage.models import TriageSession

AUDIT_EXCERPT = 40  # the newest events of the case in the report; the trail keeps them all
MIXED = "Verdicts differ between lists"

# What the letter says first, in plain words, for each decision.
HEADLINES = {
    "approve": "Your engagement has been approved.",
    "approve_with_conditions": (
        "Your engagement has been approved, on the conditions below, which you must meet."
    ),
    "decline": "Your engagement has been declined: the university will not go ahead with it.",
    "refer_back": "Your engagement has been referred back: it needs more work before a decision.",
}
UNDECIDED = "No decision has been made on your engagement yet. Its status: {status}."


def reference(engagement: Engagement) -> str:
    """The case reference people quote: short, stable, and derived from the public id."""
    return f"TD-{str(engagement.public_id)[:8].upper()}"


def name_of(text: str) -> Name:
    """The name with a Latin transliteration when it is written in another script.

    The screening engine's own transliteration (pinyin for Han, BGN-like for Cyrillic), so the
    spelling on a document is the one screening compared.
    """
    if all(ch.isascii() or "LATIN" in _char_name(ch) or not ch.isalpha() for ch in text):
        return Name(text)
    words: list[str] = []
    for piece in to_latin(text):
        words.extend(w.capitalize() for w in piece.text.split())
    return Name(text, " ".join(words))


def _char_name(ch: str) -> str:
    return unicodedata.name(ch, "")


def _contact(user: User) -> Contact:
    return Contact(name=str(user), role=str(User.Role(user.role).label), email=user.email)


def _header(engagement: Engagement, tier: str) -> CaseHeader:
    return CaseHeader(
        reference=reference(engagement),
        public_id=str(engagement.public_id),
        title=engagement.title,
        kind=str(engagement.get_kind_display()),
        status=str(engagement.get_status_display()),
        owner=_contact(engagement.owner),
        department=str(engagement.department) if engagement.department else "",
        team=tuple(str(u) for u in engagement.team.all()),
        countries=tuple(grouping.country_name(c) for c in engagement.countries),
        tier=tier,
        start_date=engagement.start_date,
        end_date=engagement.end_date,
    )


# --- partners and their screening ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Screening:
    section: PartnerSection
    run: ScreeningRun | None


def _counts(groups: list[grouping.HitGroupView]) -> ScreeningCounts:
    statuses = [g.status for g in groups]
    return ScreeningCounts(
        screened=True,
        matches=len(groups),
        open=sum(s not in (HitStatus.CONFIRMED, HitStatus.FALSE_POSITIVE) for s in statuses),
        confirmed=statuses.count(HitStatus.CONFIRMED),
        dismissed=statuses.count(HitStatus.FALSE_POSITIVE),
    )


def _hit_line(group: grouping.HitGroupView) -> HitLine:
    decided = group.decided
    first = group.members[0]
    return HitLine(
        entry=name_of(group.name),
        lists=group.list_titles,
        entry_ids=tuple(m.hit.key for m in group.members),
        matched=tuple(
            dict.fromkeys(f"{m.hit.query_name} matched {m.hit.matched_name}" for m in group.members)
        ),
        score=group.best_score,
        verdict=group.status.label if group.status else MIXED,
        verdict_reason=decided.verdict_reason if decided else "",
        adjudicated_by=str(decided.adjudicated_by) if decided and decided.adjudicated_by else "",
        adjudicated_at=decided.adjudicated_at if decided else None,
        details=EntryDetails(
            programmes=first.details.programmes,
            categories=first.details.categories,
            reason=first.details.reason,
            countries=first.details.countries,
        ),
    )


def _partner(link: EngagementPartner, *, entries: bool) -> _Screening:
    subject = link.partner
    if isinstance(subject, Organisation):
        kind = f"Organisation ({subject.get_kind_display()})"
        country = grouping.country_name(subject.country) if subject.country else ""
    else:
        kind, country = "Person", ""
    run = (
        partner_selectors.screening_runs(subject)
        .filter(status=ScreeningRun.Status.COMPLETED)
        .first()
    )
    groups = grouping.screening_groups(run) if run is not None else []
    section = PartnerSection(
        name=name_of(subject.name),
        kind=kind,
        role=str(EngagementPartner.Role(link.role).label),
        country=country,
        counts=_counts(groups) if run is not None else ScreeningCounts(screened=False),
        screened_at=run.completed_at if run is not None else None,
        hits=tuple(_hit_line(g) for g in groups) if entries else (),
    )
    return _Screening(section, run)


def _partners(engagement: Engagement, *, entries: bool) -> list[_Screening]:
    links = case_selectors.engagement_partner_list(engagement=engagement)
    return [_partner(link, entries=entries) for link in links]


# --- triage --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Triage:
    tier: str
    tier_reasons: tuple[str, ...]
    processes: tuple[ProcessLine, ...]
    session: TriageSession | None


def _triage(engagement: Engagement, reader: User) -> _Triage:
    found = triage_selectors.engagement_triage(user=reader, engagement=engagement)
    outcome = found.outcome
    if outcome is None:
        return _Triage("", (), (), found.latest)
    reasons: list[str] = []
    for reason in outcome.tier.reasons:
        because = "; ".join(reason.because)
        reasons.append(f"{reason.text} ({because})" if because else reason.text)
    processes = tuple(
        ProcessLine(
            title=p.title,
            what=p.what,
            contact=Contact(p.contact.name, p.contact.role or "", p.contact.email or ""),
            lead_time=p.lead_time,
        )
        for p in outcome.processes
    )
    return _Triage(outcome.tier.label, tuple(reasons), processes, found.latest)


# --- the letter ----------------------------------------------------------------------------


def _letter_reasons(casework: Casework, triage: _Triage) -> tuple[str, ...]:
    reasons: list[str] = []
    if casework.decision is not None and casework.decision.reason:
        reasons.append(casework.decision.reason)
    if triage.tier:
        reasons.append(f"The checks needed were set at the {triage.tier} level of due diligence.")
    return tuple(reasons)


def _contacts(casework: Casework, triage: _Triage) -> tuple[Contact, ...]:
    """The case's own people first (its officer, a lone decider), then each process's contact."""
    found = list(casework.contacts)
    found.extend(p.contact for p in triage.processes if p.contact is not None and p.contact.name)
    seen: set[tuple[str, str]] = set()
    unique = []
    for contact in found:
        if (contact.name, contact.email) not in seen:
            seen.add((contact.name, contact.email))
            unique.append(contact)
    return tuple(unique)


def build_letter(
    *, engagement: Engagement, reader: User, casework: Casework, today: date
) -> Letter:
    """The decision letter as `reader` may read it: counts only unless they may read the lists."""
    entries = has_permission(reader, "lists.view")
    triage = _triage(engagement, reader)
    decision = casework.decision
    headline = (
        HEADLINES.get(decision.outcome, f"Decision: {decision.outcome_label}.")
        if decision is not None
        else UNDECIDED.format(status=engagement.get_status_display())
    )
    actions = tuple(m for m in casework.mitigations if not m.done)
    return Letter(
        header=_header(engagement, triage.tier),
        issued_on=today,
        headline=headline,
        decision=decision,
        reasons=_letter_reasons(casework, triage),
        ratings=casework.ratings,
        actions=actions,
        processes=triage.processes,
        partners=tuple(s.section for s in _partners(engagement, entries=entries)),
        contacts=_contacts(casework, triage),
        entries_shown=entries,
    )


# --- the report ----------------------------------------------------------------------------


def _provenance(runs: Iterable[ScreeningRun], session: TriageSession | None) -> Provenance:
    used: dict[str, str] = {}
    versions: list[str] = []
    for run in runs:
        for source, snapshot in sorted(run.snapshots.items()):
            used.setdefault(source, str(snapshot))
        if run.matcher_version and run.matcher_version not in versions:
            versions.append(run.matcher_version)
    stored = {
        str(s.public_id): s
        for s in ListSnapshot.objects.filter(public_id__in=_uuids(used.values()))
    }
    snapshots = tuple(
        Snapshot(
            list_title=grouping.list_title(source),
            snapshot_id=snapshot,
            published=stored[snapshot].published if snapshot in stored else "",
            stored=snapshot in stored,
        )
        for source, snapshot in sorted(used.items(), key=lambda s: grouping.list_title(s[0]))
    )
    pack = f"{session.pack_id} {session.pack_version}" if session is not None else ""
    digest = session.pack_digest if session is not None else ""
    return Provenance(snapshots, tuple(versions), pack, digest)


def _uuids(values: Iterable[str]) -> list[str]:
    found = []
    for value in values:
        try:
            found.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return found


def _audit(engagement: Engagement) -> tuple[tuple[AuditLine, ...], int]:
    events = AuditEvent.objects.filter(
        target_type=case_selectors.TARGET_TYPE, target_id=str(engagement.pk)
    )
    total = events.count()
    newest = list(events.order_by("-sequence")[:AUDIT_EXCERPT])
    lines = tuple(_audit_line(e) for e in reversed(newest))
    return lines, total


def _audit_line(event: AuditEvent) -> AuditLine:
    kind = action_type(event.action)
    data = event.data if isinstance(event.data, dict) else {}
    return AuditLine(
        sequence=event.sequence,
        at=event.created_at,
        actor=event.actor_label,
        action=kind.label if kind is not None else event.action,
        reason=str(data.get("reason", "")),
        hash=event.hash,
        prev_hash=event.prev_hash,
    )


def _funding(engagement: Engagement) -> str:
    if engagement.funding_amount is None:
        return ""
    source = f" from {engagement.funding_source}" if engagement.funding_source else ""
    return f"{engagement.funding_currency} {engagement.funding_amount:,.2f}{source}"


def build_report(
    *, engagement: Engagement, reader: User, casework: Casework, now: datetime
) -> DueDiligenceReport:
    """The due-diligence report; entry details only where the reader may read the lists."""
    entries = has_permission(reader, "lists.view")
    triage = _triage(engagement, reader)
    screenings = _partners(engagement, entries=entries)
    audit, total = _audit(engagement)
    questions = tuple(
        QuestionLine(
            question=q.question,
            asked_by=str(q.asked_by),
            asked_at=q.asked_at,
            answer=q.answer,
            answered_at=q.answered_at,
        )
        for q in case_selectors.information_request_list(engagement=engagement)
    )
    return DueDiligenceReport(
        header=_header(engagement, triage.tier),
        generated_at=now,
        generated_for=str(reader),
        summary=engagement.summary,
        research_areas=tuple(str(a) for a in engagement.research_areas),
        funding=_funding(engagement),
        tier_reasons=triage.tier_reasons,
        processes=triage.processes,
        partners=tuple(s.section for s in screenings),
        questions=questions,
        casework=casework,
        provenance=_provenance((s.run for s in screenings if s.run), triage.session),
        audit=audit,
        audit_total=total,
    )
