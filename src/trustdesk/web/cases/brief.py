"""The brief that opens an engagement's page: where the case stands and what its reader does next.

It is built from the sections the page already reads (triage, assessment, mitigations, decision,
questions) plus one query for the partners' current hits, so the page's query count does not
grow with its partners or their hits. It sits beside `cases.views`, above the apps whose
sections it summarises, and only reads.

A reader who may not read the watch lists (`lists.view`) gets counts of hits only, never which
listed entry a partner resembles: as on the partners' pages.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse

from trustdesk.web.accounts.permissions import AnyUser, has_permission
from trustdesk.web.cases import permissions
from trustdesk.web.cases.models import Engagement, EngagementPartner
from trustdesk.web.decisions.selectors import CaseDecision
from trustdesk.web.documents import permissions as document_permissions
from trustdesk.web.mitigations.selectors import CaseMitigations
from trustdesk.web.partners.grouping import list_title
from trustdesk.web.partners.models import ScreeningHit
from trustdesk.web.partners.selectors import HitCounts, current_hits, hit_bucket
from trustdesk.web.triage import answers as triage_answers
from trustdesk.web.triage.selectors import EngagementTriage

Status = Engagement.Status

# The steps a reader can be sent to; each names the page section (its HTML id) holding the form.
SECTIONS = {
    "triage": "triage-heading",
    "partners": "partners-heading",
    "submit": "actions-heading",
    "start_review": "actions-heading",
    "activate": "actions-heading",
    "hits": "brief-partners",
    "answer": "information-heading",
    "assess": "assessment-heading",
    "recommend": "decision-heading",
    "decide": "decision-heading",
    "vote": "decision-heading",
    "mitigations": "mitigations-heading",
    "letter": "documents-heading",
}
MAIN_REASONS = 3  # the tier's reasons the brief repeats; the triage result has them all


@dataclass(frozen=True, slots=True)
class OpenHit:
    """A listed institution a partner's current screening matched and nobody has ruled on."""

    name: str
    lists: tuple[str, ...]  # the lists' titles


@dataclass(frozen=True, slots=True)
class PartnerBrief:
    name: str
    role: str
    url: str  # the partner's page, at its screening (where hits are adjudicated by group)
    counts: HitCounts
    open_hits: tuple[OpenHit, ...]  # empty for a reader without `lists.view`

    @property
    def badge(self) -> str:
        """The screening's state in one word, the worst first: open, confirmed, dismissed, clear."""
        if self.counts.open:
            return "open"
        if self.counts.confirmed:
            return "confirmed"
        return "dismissed" if self.counts.dismissed else "clear"

    @property
    def badge_label(self) -> str:
        c = self.counts
        return {
            "open": f"{c.open} open",
            "confirmed": f"{c.confirmed} confirmed",
            "dismissed": f"{c.dismissed} dismissed",
            "clear": "no hits",
        }[self.badge]


@dataclass(frozen=True, slots=True)
class Brief:
    """What the top of the page says: tier and why, partners, what blocks, recommendation."""

    tier: str  # the latest completed triage's tier label, "" before any
    tier_reasons: tuple[str, ...]
    partners: tuple[PartnerBrief, ...]
    blockers: tuple[str, ...]  # what stands between the case and its next status
    next_step: str  # one of SECTIONS, or "" when the reader has nothing to do now
    next_text: str  # the next step, said to the reader
    recommendation: str  # "Approve with conditions, by Olga Tester", or ""
    decision: str
    sees_entries: bool
    letter: bool  # links the reader may follow
    report: bool
    hidden_open: int = field(default=0)  # open hits the reader may not see by name (a count)
    # Person and PEP records the latest triage found for its organisation answers: context for
    # readers of the lists, never hits ("Acme Ltd (Partner): a politically exposed person …").
    context: tuple[str, ...] = ()

    @property
    def next_anchor(self) -> str:
        return SECTIONS.get(self.next_step, "")


def _hits(links: Sequence[EngagementPartner]) -> list[ScreeningHit]:
    """The current hits of every partner, in one query."""
    orgs = [link.organisation_id for link in links if link.organisation_id]
    people = [link.person_id for link in links if link.person_id]
    if not orgs and not people:
        return []
    return list(
        current_hits()
        .filter(Q(run__organisation_id__in=orgs) | Q(run__person_id__in=people))
        .only("source", "entry_name", "verdict", "run__organisation_id", "run__person_id")
        .select_related("run")
        .order_by("-score", "source", "entry_id")
    )


def _partners(
    links: Sequence[EngagementPartner], hits: list[ScreeningHit], sees: bool
) -> tuple[PartnerBrief, ...]:
    by_subject: dict[tuple[str, int | None], list[ScreeningHit]] = {}
    for hit in hits:
        key = (
            ("o", hit.run.organisation_id) if hit.run.organisation_id else ("p", hit.run.person_id)
        )
        by_subject.setdefault(key, []).append(hit)
    out = []
    for link in links:
        key = ("o", link.organisation_id) if link.organisation_id else ("p", link.person_id)
        own = by_subject.get(key, [])
        tally = {"open": 0, "confirmed": 0, "dismissed": 0}
        groups: dict[str, list[str]] = {}
        for hit in own:
            bucket = hit_bucket(hit.verdict)
            tally[bucket] += 1
            if bucket == "open":
                # One institution on several lists is one line, as the grouped adjudication has it.
                groups.setdefault(hit.entry_name.casefold(), [hit.entry_name])
                title = list_title(hit.source)
                if title not in groups[hit.entry_name.casefold()][1:]:
                    groups[hit.entry_name.casefold()].append(title)
        partner = link.partner
        view = "organisation-detail" if link.organisation_id else "person-detail"
        out.append(
            PartnerBrief(
                name=partner.name,
                role=link.get_role_display(),
                url=reverse(f"partners:{view}", args=[partner.public_id]) + "#screening",
                counts=HitCounts(**tally),
                open_hits=tuple(OpenHit(g[0], tuple(g[1:])) for g in groups.values())
                if sees
                else (),
            )
        )
    return tuple(out)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _blockers(  # one branch per status, read top to bottom
    engagement: Engagement,
    *,
    triage: EngagementTriage,
    partners: tuple[PartnerBrief, ...],
    open_questions: int,
    assessed: bool,
    decisions: CaseDecision,
    mitigations: CaseMitigations,
) -> list[str]:
    status = engagement.status
    out: list[str] = []
    if status == Status.DRAFT:
        if triage.latest is None:
            out.append("no triage completed yet")
        if not partners:
            out.append("no partners named yet")
        out.append("not submitted yet")
    elif status == Status.SUBMITTED:
        out.append("waiting for an officer to start the review")
    elif status == Status.AWAITING_INFORMATION:
        out.append(f"{_plural(open_questions, 'question', 'questions')} unanswered")
    elif status == Status.IN_REVIEW:
        open_hits = sum(p.counts.open for p in partners)
        if open_hits:
            verb = "awaits" if open_hits == 1 else "await"
            out.append(f"{_plural(open_hits, 'hit', 'hits')} {verb} a verdict")
        route, round_ = decisions.routing.route, decisions.round
        if round_ is None:
            if not assessed:
                out.append("no risk assessment yet")
            out.append("no recommendation yet")
        elif route is not None and route.committee is not None:
            out.append(f"{len(decisions.votes)} of {decisions.routing.quorum} committee votes")
        elif route is not None:
            out.append(f"awaiting {decisions.routing.kind_label}'s decision")
    elif status == Status.DECIDED and mitigations.open:
        n = _plural(mitigations.open, "mitigation", "mitigations")
        out.append(f"{n} not yet done before the engagement starts")
    elif status == Status.REVIEW_DUE:
        out.append("the periodic review is due")
    if mitigations.overdue:
        verb = "is" if mitigations.overdue == 1 else "are"
        out.append(f"{_plural(mitigations.overdue, 'mitigation', 'mitigations')} {verb} overdue")
    return out


def _next(
    user: AnyUser,
    engagement: Engagement,
    *,
    triage: EngagementTriage,
    partners: tuple[PartnerBrief, ...],
    actions: Collection[str],
    questions_to_answer: int,
    assessment_can_run: bool,
    assessed: bool,
    decisions: CaseDecision,
    mitigations: CaseMitigations,
    letter: bool,
) -> tuple[str, str]:
    """The reader's own next step, the first that applies, as (step, sentence)."""
    if questions_to_answer:
        n = _plural(questions_to_answer, "question", "questions")
        return "answer", (
            f"Answer the {n} from the research security office: the review waits for your answers."
        )
    if decisions.next_step in ("decide", "vote"):
        return decisions.next_step, (
            "Record the decision." if decisions.next_step == "decide" else "Cast your vote."
        )
    if "START_REVIEW" in actions:
        return "start_review", "Start the review."
    if engagement.status == Status.IN_REVIEW and has_permission(user, "partner.adjudicate"):
        open_hits = sum(p.counts.open for p in partners)
        if open_hits:
            return "hits", f"Give a verdict on the {_plural(open_hits, 'open hit', 'open hits')}."
    in_review = engagement.status == Status.IN_REVIEW
    if in_review and decisions.round is None and assessment_can_run and not assessed:
        return "assess", "Assess the risk."
    if decisions.next_step == "recommend":
        return "recommend", "Recommend a decision."
    if mitigations.mine_to_do == 1:
        return "mitigations", "Complete your mitigation: upload the evidence and mark it as done."
    if mitigations.mine_to_do:
        return "mitigations", (
            f"Complete your {mitigations.mine_to_do} mitigations: upload the evidence and mark"
            " each as done."
        )
    if "ACTIVATE" in actions and not mitigations.open:
        return "activate", "Mark the engagement as under way: its conditions are in place."
    if "SUBMIT" in actions:
        if triage.latest is None and triage.can_start:
            return "triage", "Check what applies (complete the triage), then submit."
        if not partners and permissions.can_edit_engagement(user, engagement):
            return "partners", "Name the partners, then submit."
        return "submit", "Submit the engagement for review."
    if letter and engagement.owner_id == user.pk and engagement.decision:
        return "letter", "Read the decision letter: what was decided and what you must do."
    return "", ""


def build(
    *,
    user: AnyUser,
    engagement: Engagement,
    links: Sequence[EngagementPartner],
    triage: EngagementTriage,
    decisions: CaseDecision,
    mitigations: CaseMitigations,
    assessed: bool,
    assessment_can_run: bool,
    open_questions: int,
    questions_to_answer: int,
    actions: Collection[str],
) -> Brief:
    """The brief for this reader, from the page's sections and one query for the partners' hits.

    `links` are the engagement's partner links with their organisation or person loaded.
    """
    sees = has_permission(user, "lists.view")
    partners = _partners(links, _hits(links), sees)
    outcome = triage.outcome
    letter = bool(engagement.decision) and document_permissions.can_view_letter(user, engagement)
    step, text = _next(
        user,
        engagement,
        triage=triage,
        partners=partners,
        actions=actions,
        questions_to_answer=questions_to_answer,
        assessment_can_run=assessment_can_run,
        assessed=assessed,
        decisions=decisions,
        mitigations=mitigations,
        letter=letter,
    )
    round_ = decisions.round
    latest = decisions.decisions[0] if decisions.decisions else None
    return Brief(
        tier=outcome.tier.label if outcome else "",
        tier_reasons=tuple(r.text for r in outcome.tier.reasons[:MAIN_REASONS]) if outcome else (),
        partners=partners,
        blockers=tuple(
            _blockers(
                engagement,
                triage=triage,
                partners=partners,
                open_questions=open_questions,
                assessed=assessed,
                decisions=decisions,
                mitigations=mitigations,
            )
        ),
        next_step=step,
        next_text=text,
        recommendation=(
            f"{round_.get_outcome_display()}, by {round_.made_by}" if round_ is not None else ""
        ),
        decision=(
            f"{latest.get_outcome_display()}, by {latest.decided_by}"
            f" on {latest.decided_at:%-d %b %Y}"
            if latest is not None and engagement.decision
            else ""
        ),
        sees_entries=sees,
        letter=letter,
        report=document_permissions.can_view_report(user, engagement),
        hidden_open=0 if sees else sum(p.counts.open for p in partners),
        context=_context(triage) if sees else (),
    )


def _context(triage: EngagementTriage) -> tuple[str, ...]:
    """The latest triage's person and PEP records, one line per name and entry."""
    if triage.latest is None:
        return ()
    lines = {
        f"{c.hit.subject}{f' ({c.hit.role})' if c.hit.role else ''}: {c.hit.name} "
        f"({c.hit.key}), {c.why_text[0].lower()}{c.why_text[1:]}": None
        for c in triage_answers.context_matches(triage.latest)
    }
    return tuple(lines)
