"""What a decision letter and a due-diligence report say, as typed values, before any layout.

Two layers: the builders (`builders.py`) fill these from the case file as the reader may see it,
and the renderers (the HTML templates and `pdf.py`) only lay them out, so a page and its PDF can
never disagree and neither decides what a role may read.

The assessment, the mitigation plan and the decision are given to the builders as `Casework`,
whose parts (`AreaRating`, `MitigationLine`, `Recommendation`, `VoteLine`, `DecisionSummary`) the
apps that keep them fill in; `sources.casework()` is the one place that reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# --- what the other apps hand in -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AreaRating:
    """One risk area's rating: what the policy engine computed and what the officer chose.

    `computed` and `chosen` are ids on the pack's rating scale, with their labels; they differ
    only with a written `justification`. `reasons` are the sentences the rating rests on, as
    the reader may see them (the report's readers all hold `lists.view`).
    """

    area_id: str
    area: str  # the area's label, e.g. "Reputation and values"
    computed: str
    computed_label: str
    chosen: str
    chosen_label: str
    reasons: tuple[str, ...] = ()
    justification: str = ""
    rated_by: str = ""
    rated_at: datetime | None = None

    @property
    def overridden(self) -> bool:
        return self.chosen != self.computed


@dataclass(frozen=True, slots=True)
class MitigationLine:
    """One item of the mitigation plan, or a condition of the approval tracked as one."""

    title: str
    owner: str  # the person who must do it, as the reader names them
    status: str  # its status label, e.g. "Open", "Done"
    due: date | None = None
    area: str = ""  # the risk area's label, where the item belongs to one
    detail: str = ""
    evidence: tuple[str, ...] = ()  # the evidence files' names (never their contents)
    condition: bool = False  # a condition of the approval, not only a planned mitigation
    done: bool = False

    def overdue(self, today: date) -> bool:
        return not self.done and self.due is not None and self.due < today


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The officer's recommendation to whoever decides."""

    outcome: str  # a decision value: approve, approve_with_conditions, decline, refer_back
    outcome_label: str
    reason: str
    by: str
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class VoteLine:
    """One committee member's vote, with its reason and when it was cast."""

    voter: str
    vote: str  # a decision value, as for `Recommendation.outcome`
    vote_label: str
    reason: str
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DecisionSummary:
    """The decision, by whom and when, with its conditions, review date and any votes.

    `route` says who had to decide under the pack ("officer", "approver", "committee"), and
    `quorum` how many votes a committee needed.
    """

    outcome: str  # approve, approve_with_conditions, decline, refer_back
    outcome_label: str
    reason: str
    decided_by: str
    decided_at: datetime | None = None
    conditions: tuple[str, ...] = ()
    review_date: date | None = None
    route: str = ""
    votes: tuple[VoteLine, ...] = ()
    quorum: int | None = None


@dataclass(frozen=True, slots=True)
class Casework:
    """What the assessment, mitigation and decision records say about one case.

    Every part is optional: a case not yet assessed has no ratings, one not yet decided no
    decision, and the documents say so rather than leaving a gap. `contacts` are the people on
    the file the researcher asks about it (the case's officer, whoever decided alone).
    """

    ratings: tuple[AreaRating, ...] = ()
    mitigations: tuple[MitigationLine, ...] = ()
    recommendation: Recommendation | None = None
    decision: DecisionSummary | None = None
    contacts: tuple[Contact, ...] = ()


# --- the documents -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Name:
    """A name as written, with a Latin transliteration where it uses another script.

    A PDF font that cannot draw the original shows `latin` instead, marked as such; pages
    show both.
    """

    text: str
    latin: str = ""  # empty when the name is already in Latin letters


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    role: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class ScreeningCounts:
    """Where a partner's screening stands, in numbers only: what any reader may see."""

    screened: bool
    matches: int = 0  # listed institutions matched (grouped hits)
    open: int = 0
    confirmed: int = 0
    dismissed: int = 0


@dataclass(frozen=True, slots=True)
class EntryDetails:
    """A listed entry's own words: only for readers who may read the watch lists."""

    programmes: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    reason: str = ""
    countries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HitLine:
    """One listed institution a partner matched (its hits on several lists grouped)."""

    entry: Name
    lists: tuple[str, ...]  # the lists' titles
    entry_ids: tuple[str, ...]  # "source:id"
    matched: tuple[str, ...]  # which of the partner's names matched which listed name
    score: float
    verdict: str  # the verdict's label, or "Verdicts differ between lists"
    verdict_reason: str = ""
    adjudicated_by: str = ""
    adjudicated_at: datetime | None = None
    details: EntryDetails | None = None


@dataclass(frozen=True, slots=True)
class PartnerSection:
    name: Name
    kind: str  # "Organisation" / "Person" and its kind label
    role: str  # the role on the engagement
    country: str = ""
    counts: ScreeningCounts = field(default_factory=lambda: ScreeningCounts(screened=False))
    screened_at: datetime | None = None
    hits: tuple[HitLine, ...] = ()  # empty for a reader who may not see entries


@dataclass(frozen=True, slots=True)
class ProcessLine:
    """A process the triage said applies, with whom to ask about it."""

    title: str
    what: str
    contact: Contact | None = None
    lead_time: str = ""


@dataclass(frozen=True, slots=True)
class CaseHeader:
    """Who, what and where, shared by the letter and the report."""

    reference: str
    public_id: str
    title: str
    kind: str
    status: str
    owner: Contact
    department: str
    team: tuple[str, ...]
    countries: tuple[str, ...]  # by name
    tier: str = ""  # the due-diligence tier's label, once triaged
    start_date: date | None = None
    end_date: date | None = None


@dataclass(frozen=True, slots=True)
class Letter:
    """The decision letter to the engagement's researcher, in plain language.

    `entries_shown` records whether the reader's role let listed-entry details in; a
    researcher's or champion's letter has counts only.
    """

    header: CaseHeader
    issued_on: date
    headline: str  # what was decided, in one plain sentence
    decision: DecisionSummary | None
    reasons: tuple[str, ...]  # why, in plain language
    ratings: tuple[AreaRating, ...]  # the risk per area, reasons as this reader may read them
    actions: tuple[MitigationLine, ...]  # what they must do, and by when
    processes: tuple[ProcessLine, ...]
    partners: tuple[PartnerSection, ...]
    contacts: tuple[Contact, ...]
    entries_shown: bool


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A list snapshot a screening used, named as a reader knows the list."""

    list_title: str
    snapshot_id: str
    published: str = ""
    stored: bool = True


@dataclass(frozen=True, slots=True)
class Provenance:
    """What the case's results were worked out with, so a decision can be replayed."""

    snapshots: tuple[Snapshot, ...]
    matcher_versions: tuple[str, ...]
    pack: str  # "gb-base 2026.2", or empty before triage
    pack_digest: str = ""


@dataclass(frozen=True, slots=True)
class AuditLine:
    sequence: int
    at: datetime
    actor: str
    action: str  # its label
    reason: str
    hash: str
    prev_hash: str


@dataclass(frozen=True, slots=True)
class QuestionLine:
    question: str
    asked_by: str
    asked_at: datetime
    answer: str = ""
    answered_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DueDiligenceReport:
    """The case's due-diligence file, for the record and the committee."""

    header: CaseHeader
    generated_at: datetime
    generated_for: str
    summary: str
    research_areas: tuple[str, ...]
    funding: str
    tier_reasons: tuple[str, ...]
    processes: tuple[ProcessLine, ...]
    partners: tuple[PartnerSection, ...]
    questions: tuple[QuestionLine, ...]
    casework: Casework
    provenance: Provenance
    audit: tuple[AuditLine, ...]
    audit_total: int  # events on the case; `audit` holds the newest of them
