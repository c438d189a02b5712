"""The API's input and output shapes: `<Entity><Verb>In` for requests, `<Entity>Out` for replies.

Ids are the records' public UUIDs, never primary keys. Choices are the models' own values, so the
OpenAPI document lists exactly what the services accept.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from django.db.models import TextChoices
from ninja import Field, Schema
from pydantic import WithJsonSchema

from trustdesk.policy.reasons import FactKind
from trustdesk.screening.matching.model import HitStatus
from trustdesk.web.cases.models import Engagement
from trustdesk.web.decisions.models import Decision, Outcome
from trustdesk.web.mitigations.models import MitigationItem
from trustdesk.web.partners.models import Organisation
from trustdesk.web.triage.models import TriageSession


def _named_choices(title: str, choices: type[TextChoices]) -> WithJsonSchema:
    """The choices inline under a title of their own in the OpenAPI document.

    Several models call their choices `Kind` or `Status`; as shared components the document
    gave organisations the engagement kinds and engagements the triage statuses (Schemathesis
    found it), so each is spelled out where it is used.
    """
    return WithJsonSchema({"title": title, "type": "string", "enum": list(choices.values)})


# The models' own choices, so the document lists exactly the values the services accept.
OrganisationKind = Annotated[
    Organisation.Kind, _named_choices("OrganisationKind", Organisation.Kind)
]
EngagementKind = Annotated[Engagement.Kind, _named_choices("EngagementKind", Engagement.Kind)]
EngagementStatus = Annotated[
    Engagement.Status, _named_choices("EngagementStatus", Engagement.Status)
]
DecisionOutcome = Annotated[Outcome, _named_choices("DecisionOutcome", Outcome)]
DecisionRoute = Annotated[Decision.Route, _named_choices("DecisionRoute", Decision.Route)]
TriageStatus = Annotated[TriageSession.Status, _named_choices("TriageStatus", TriageSession.Status)]
Verdict = HitStatus  # "unresolved" is refused: it is where a hit starts, not a verdict

Item = TypeVar("Item")
MAX_LIMIT = 100
# Far past any real table, and far inside every database's integer range: a larger offset is
# refused with a 422 instead of overflowing the SQL LIMIT/OFFSET into a server error.
MAX_OFFSET = 10_000_000


# --- errors and paging ---------------------------------------------------------------------


class ErrorItemOut(Schema):
    loc: list[str | int]
    message: str
    type: str


class ErrorOut(Schema):
    code: str = Field(examples=["not_found"])
    message: str
    errors: list[ErrorItemOut] = Field(default_factory=list)


class PageIn(Schema):
    limit: int = Field(25, ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT} per page.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"At most {MAX_OFFSET}.")


class PageOut(Schema, Generic[Item]):
    count: int = Field(description="How many match in all, across every page.")
    limit: int
    offset: int
    items: list[Item]


# --- organisations and people --------------------------------------------------------------


class OrganisationOut(Schema):
    id: uuid.UUID
    name: str
    aliases: list[str]
    kind: str
    country: str
    ror_id: str
    website: str
    parent: uuid.UUID | None
    merged: bool = Field(description="True for a duplicate folded into another record.")
    merged_into: uuid.UUID | None = Field(
        description=(
            "The live record this duplicate was merged into (through later merges too); null "
            "for a live record, and for a duplicate whose kept record lies outside what the "
            "caller may see."
        )
    )
    created_at: datetime
    updated_at: datetime


class OrganisationCreateIn(Schema):
    name: str = Field(min_length=1, max_length=300)
    kind: OrganisationKind
    aliases: list[str] = Field(default_factory=list, max_length=100)
    country: str = Field("", max_length=2, description="ISO 3166-1 alpha-2")
    ror_id: str = Field("", max_length=40, description="bare or as https://ror.org/…")
    website: str = Field("", max_length=500)
    parent: uuid.UUID | None = None


class OrganisationUpdateIn(Schema):
    """Only the fields sent change; the others keep their values."""

    name: str | None = Field(None, min_length=1, max_length=300)
    kind: OrganisationKind | None = None
    aliases: list[str] | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=2)
    ror_id: str | None = Field(None, max_length=40)
    website: str | None = Field(None, max_length=500)
    parent: uuid.UUID | None = None


class OrganisationMergeIn(Schema):
    into: uuid.UUID = Field(description="The organisation kept; this one becomes its tombstone.")
    reason: str = Field(min_length=1, max_length=4000)


class PersonOut(Schema):
    id: uuid.UUID
    name: str
    aliases: list[str]
    orcid: str
    nationality: str
    nationality_reason: str
    affiliations: list[uuid.UUID]
    merged: bool = Field(description="True for a duplicate folded into another record.")
    merged_into: uuid.UUID | None = Field(
        description=(
            "The live record this duplicate was merged into (through later merges too); null "
            "for a live record, and for a duplicate whose kept record lies outside what the "
            "caller may see."
        )
    )
    created_at: datetime
    updated_at: datetime


class PersonCreateIn(Schema):
    name: str = Field(min_length=1, max_length=300)
    aliases: list[str] = Field(default_factory=list, max_length=100)
    orcid: str = Field("", max_length=60)
    nationality: str = Field(
        "", max_length=2, description="Only with the reason a process needs it"
    )
    nationality_reason: str = Field("", max_length=300)
    affiliations: list[uuid.UUID] = Field(default_factory=list, max_length=50)


class PersonUpdateIn(Schema):
    """Only the fields sent change; the others keep their values."""

    name: str | None = Field(None, min_length=1, max_length=300)
    aliases: list[str] | None = Field(None, max_length=100)
    orcid: str | None = Field(None, max_length=60)
    nationality: str | None = Field(None, max_length=2)
    nationality_reason: str | None = Field(None, max_length=300)
    affiliations: list[uuid.UUID] | None = Field(None, max_length=50)


# --- screening -----------------------------------------------------------------------------


class FeatureOut(Schema):
    feature: str
    weight: float = Field(description="Signed contribution to the score.")
    detail: str


class ScreeningHitOut(Schema):
    id: uuid.UUID
    source: str
    entry_id: str
    entry_name: str
    matched_name: str
    query_name: str
    score: float
    explanation: str
    features: list[FeatureOut]
    verdict: str
    verdict_reason: str
    adjudicated_by: str | None
    adjudicated_at: datetime | None


class ConsultedOut(Schema):
    source: str
    snapshot_id: str
    published: str | None = Field(description="Publication date the list file states, if any.")
    imported_at: datetime
    kind: str


class MissingOut(Schema):
    source: str
    kind: str


class StaleOut(Schema):
    source: str
    snapshot_id: str
    age_days: int = Field(description="Days since the list was last imported or confirmed.")
    max_age_days: int
    kind: str


class CoverageOut(Schema):
    """The lists a screening consulted, and the expected ones it could not vouch for."""

    complete: bool = Field(description="No expected list was missing or out of date.")
    sanctions_checked: bool = Field(description="At least one sanctions list was consulted.")
    summary: str = Field(description="The coverage in words.")
    consulted: list[ConsultedOut]
    missing: list[MissingOut] = Field(description="Expected lists never loaded: not checked.")
    stale: list[StaleOut] = Field(description="Expected lists older than their maximum age.")


class HitGroupOut(Schema):
    """Hits taken to be one listed institution, on several lists; a verdict may cover them all."""

    key: str = Field(description="The group's key within its screening, for a group verdict.")
    entries: list[str] = Field(description='The listed entries, as "source:entry_id".')
    hits: list[uuid.UUID] = Field(description="The hits of the group (see the run's hits).")
    evidence: list[str] = Field(description="What the grouped entries share: why one group.")
    verdict: str | None = Field(description="The verdict every hit shares; null while they differ.")


class ScreeningRunOut(Schema):
    id: uuid.UUID
    status: str
    trigger: str
    names: list[str]
    snapshots: dict[str, str] = Field(description="List source → snapshot id used.")
    coverage: CoverageOut | None = Field(
        description="What the run consulted and missed; null for runs not yet completed."
    )
    matcher_version: str
    threshold: float | None
    error: str
    created_at: datetime
    completed_at: datetime | None
    possible_matches: int = Field(description="How many listed entries the run matched.")
    hits: list[ScreeningHitOut] = Field(
        description="The matched entries; empty unless your role may read the watch lists."
    )
    groups: list[HitGroupOut] = Field(
        description="The hits grouped by listed institution (the same institution on several "
        "lists is one group); empty unless your role may read the watch lists."
    )


class HitAdjudicateIn(Schema):
    verdict: Verdict
    reason: str = Field(min_length=1, max_length=4000)


class HitGroupAdjudicateIn(Schema):
    group: str = Field(
        min_length=1, max_length=400, description="A group's key from the screening's groups."
    )
    verdict: Verdict
    reason: str = Field(min_length=1, max_length=4000)


class HitGroupAdjudicateOut(Schema):
    group: str
    hits: list[ScreeningHitOut] = Field(description="Every hit of the group, with its verdict.")


class NameScreenIn(Schema):
    # No min_length: the engine refuses every name it cannot compare, empty or not, with one
    # code (name_not_screenable), so the check lives in one place.
    name: str = Field(max_length=300)
    type: Literal["organization", "person", "any"] = "any"
    country: str = Field("", max_length=60, description="ISO 3166-1 code or country name")
    threshold: float | None = Field(None, gt=0, le=1, description="Default: the matcher's.")
    limit: int = Field(10, ge=1, le=MAX_LIMIT)


class MatchOut(Schema):
    source: str
    entry_id: str
    name: str
    matched_name: str
    query_name: str
    score: float
    explanation: str
    features: list[FeatureOut]


class NameScreenOut(Schema):
    query: str
    type: str | None
    country: str | None
    threshold: float
    matcher_version: str
    snapshots: dict[str, str]
    coverage: CoverageOut
    hits: list[MatchOut]


# --- engagements ---------------------------------------------------------------------------


class EngagementOut(Schema):
    id: uuid.UUID
    title: str
    summary: str
    kind: str
    status: str
    owner: str = Field(description="The owner's username.")
    department: uuid.UUID | None
    team: list[str] = Field(description="Usernames, the owner aside.")
    countries: list[str]
    research_areas: list[str]
    funding_amount: Decimal | None
    funding_currency: str
    funding_source: str
    start_date: date | None
    end_date: date | None
    decision: str
    decision_reason: str
    conditions: str
    decided_by: str | None
    decided_at: datetime | None
    assignee: str | None = Field(description="The assigned officer's username.")
    tier: str | None = Field(None, description="The latest completed triage's tier id (lists).")
    review_date: date | None
    closed_reason: str
    actions: list[str] = Field(description="Transitions the caller may take now.")
    version: int = Field(
        description="Send it back with a change: a change from an older version is refused (409)."
    )
    created_at: datetime
    updated_at: datetime


class EngagementFilterIn(Schema):
    status: EngagementStatus | None = None
    kind: EngagementKind | None = None
    department: uuid.UUID | None = None
    q: str = Field("", max_length=200, description="Words in title, summary, funder or areas.")
    tier: str = Field("", max_length=50, description='A tier id of the policy pack, or "none".')
    screening: Literal["", "open", "confirmed", "clear"] = Field(
        "", description="Partners' current screening: open hits, confirmed hits, or neither."
    )
    assignee: str = Field("", max_length=40, description='"me", "none", or an officer\'s user id.')
    older_than_days: int | None = Field(None, ge=0, le=36500)


class EngagementAssignIn(Schema):
    assignee: uuid.UUID | None = Field(
        None, description="An officer's user id; null to leave the case unassigned."
    )


class EngagementCreateIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    kind: EngagementKind
    summary: str = ""
    department: uuid.UUID | None = Field(None, description="Default: the owner's department.")
    countries: list[str] = Field(default_factory=list, max_length=250)
    research_areas: list[str] = Field(default_factory=list, max_length=50)
    funding_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    funding_currency: str = Field("", max_length=3)
    funding_source: str = Field("", max_length=300)
    start_date: date | None = None
    end_date: date | None = None
    team: list[str] = Field(default_factory=list, max_length=50, description="Usernames or e-mails")


class EngagementUpdateIn(Schema):
    """Only the fields sent change; the others keep their values."""

    title: str | None = Field(None, min_length=1, max_length=200)
    kind: EngagementKind | None = None
    summary: str | None = None
    department: uuid.UUID | None = None
    countries: list[str] | None = Field(None, max_length=250)
    research_areas: list[str] | None = Field(None, max_length=50)
    funding_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    funding_currency: str | None = Field(None, max_length=3)
    funding_source: str | None = Field(None, max_length=300)
    start_date: date | None = None
    end_date: date | None = None
    team: list[str] | None = Field(None, max_length=50)
    version: int | None = Field(
        None,
        ge=1,
        description="The version you read: if someone changed the engagement since, the change "
        "is refused with 409 `edit_conflict`, naming what they changed.",
    )


class EngagementWithdrawIn(Schema):
    reason: str = Field("", max_length=4000)


class EngagementCloseIn(Schema):
    reason: str = Field(min_length=1, max_length=4000)


class InformationRequestIn(Schema):
    questions: list[str] = Field(min_length=1, max_length=50)


class InformationAnswerIn(Schema):
    answer: str = Field(min_length=1, max_length=20000)


class InformationRequestOut(Schema):
    id: uuid.UUID
    question: str
    asked_by: str = Field(description="The officer's username.")
    asked_at: datetime
    answer: str
    answered_by: str | None
    answered_at: datetime | None


# --- policy pack and triage ----------------------------------------------------------------


class OptionOut(Schema):
    id: str
    label: str


class QuestionOut(Schema):
    id: str
    kind: str = Field(
        description="yes_no, single_choice, multiple_choice, country (ISO 3166-1 alpha-2), "
        "organisation (a name), technology_area (node ids of `taxonomy`), amount (a number in "
        "the pack's currency) or date (YYYY-MM-DD)."
    )
    label: str | None = Field(description="A short noun phrase the reasons use.")
    text: str
    help: str
    uncertainty: str | None = Field(
        default=None, description="A fact the question rests on that could not be confirmed."
    )
    options: list[OptionOut]
    taxonomy: str | None
    ask_when: dict[str, Any] | None = Field(
        description="When the question is asked, in the pack's condition language over the "
        "answers to earlier questions (see docs/policy-packs.md); null: always."
    )


class TaxonomyNodeOut(Schema):
    id: str
    label: str
    code: str | None
    note: str | None
    children: list[TaxonomyNodeOut]


class TaxonomyOut(Schema):
    id: str
    title: str
    node_prefix: str | None
    nodes: list[TaxonomyNodeOut]
    uncertainty: str | None = Field(
        default=None, description="What about the classification could not be confirmed."
    )


class PolicyPackOut(Schema):
    id: str
    version: str
    title: str
    publisher: str
    jurisdiction: str = Field(description="ISO 3166-1 alpha-2")
    publication_date: date
    lineage: list[str] = Field(description="The base packs, base first, as id@version.")
    currency: str | None = Field(description="What amount questions are answered in.")
    questions: list[QuestionOut] = Field(description="In the order they are asked.")
    taxonomies: list[TaxonomyOut]


class ScreeningHitIn(Schema):
    """A screening result in the policy engine's shape, from the caller's own screening."""

    source: str = Field(min_length=1, max_length=100, examples=["us-csl"])
    entry_id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=500)
    status: HitStatus = HitStatus.UNRESOLVED
    programme: str | None = Field(
        None, max_length=300, description="The list within a merged source (the Entity List)."
    )


class TriageRunIn(Schema):
    answers: dict[str, Any] = Field(
        description="Question id → answer: true/false, an option id, a list of option or "
        "taxonomy node ids, an ISO country code, a name, a number or a YYYY-MM-DD date."
    )
    screening: list[ScreeningHitIn] = Field(default_factory=list, max_length=1000)


class TriageAnswersIn(Schema):
    answers: dict[str, Any] = Field(
        description="Answers as for POST /api/triage; the engagement's record fills in what it "
        "can (its kind, country, research areas, partner, funding, start date) unless given."
    )


class HitRefOut(Schema):
    """The watch-list hit a fact rests on; never shown to a role that may not read the lists."""

    source: str
    entry_id: str
    name: str
    programme: str | None
    status: HitStatus
    subject: str = Field(description="The name that was screened.")


class FactRefsOut(Schema):
    question: str | None = Field(description="The question whose answer the fact rests on.")
    country: str | None = Field(description="ISO 3166-1 alpha-2 code.")
    country_list: str | None
    indicator: str | None
    taxonomy: str | None
    node: str | None = Field(description="The chosen taxonomy node.")
    within: str | None = Field(description="The node it is in (taxonomy/node in another one).")
    fact: str | None = Field(description="A fact the caller supplied.")
    hit: HitRefOut | None = Field(
        description="Null unless your role may read the watch lists (the fact is then redacted)."
    )


class FactOut(Schema):
    kind: FactKind
    text: str = Field(description="The fact as a sentence, rendered from what it rests on.")
    refs: FactRefsOut


class ReasonOut(Schema):
    rule: str
    text: str
    because: list[str] = Field(description="The facts that made the rule hold, as sentences.")
    facts: list[FactOut] = Field(description="The same facts, each with its kind and references.")


class LabelledOut(Schema):
    id: str
    label: str
    description: str
    reasons: list[ReasonOut]


class ContactOut(Schema):
    name: str
    role: str | None
    email: str | None
    url: str | None


class SourceOut(Schema):
    title: str
    url: str
    checked: str | None = Field(description="When its facts were last checked (YYYY-MM-DD).")


class ProcessOut(Schema):
    id: str
    title: str
    what: str
    why: str
    contact: ContactOut
    guidance_url: str
    lead_time: str
    reasons: list[ReasonOut]
    legal_basis: str | None
    notice: str | None
    sources: list[SourceOut]
    practice: str | None = Field(
        default=None,
        description="For a process no law requires: the institution's practice and who recommends"
        " it.",
    )


class TriageOutcomeOut(Schema):
    pack_id: str
    pack_version: str
    pack_lineage: list[str]
    tier: LabelledOut
    processes: list[ProcessOut]
    verdicts: list[LabelledOut]
    mitigations: list[LabelledOut] = Field(description="`label` is the risk area.")
    asked: list[str] = Field(description="The questions asked, given the answers.")
    ignored_answers: list[str] = Field(description="Answers to questions that were not asked.")


class TriageHitOut(Schema):
    subject: str = Field(description="The name that was screened.")
    origin: str = Field(description="answer (a name given in the answers) or partner.")
    role: str = Field(
        default="",
        description="What the screened organisation is to the engagement: the answer's question "
        "(Partner organisation, Funder or co-funder, Intermediary …) or the partner's role.",
    )
    score: float
    status: HitStatus
    source: str | None = Field(description="Null unless your role may read the watch lists.")
    entry_id: str | None
    name: str | None
    programme: str | None


class AnswerScreeningOut(Schema):
    """An organisation answer as it was screened: whether it was checked, and against what."""

    question: str = Field(description="The question the name answers.")
    name: str
    screened: bool = Field(description="False when the lists' search index was not ready.")
    coverage: CoverageOut | None = Field(
        description="The lists consulted and the expected ones missing or out of date; "
        "null when the name was not screened."
    )


class TriageSessionOut(Schema):
    id: uuid.UUID
    status: str
    owner: str = Field(description="The owner's username.")
    engagement: uuid.UUID | None
    pack_id: str
    pack_version: str
    pack_lineage: list[str]
    answers: dict[str, Any]
    outcome: TriageOutcomeOut | None = Field(description="Null while a draft.")
    hits: list[TriageHitOut] = Field(description="The screening hits the outcome used.")
    unchecked: list[str] = Field(
        description="Organisation names in the answers not checked against the watch lists: "
        "their search index was not ready. Empty when every name was checked."
    )
    screening: list[AnswerScreeningOut] = Field(
        description="Each organisation answer's screening with its coverage, so that "
        "'no match' is never read where a list was not checked."
    )
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    completed_by: str | None


class TriageSessionDetailOut(TriageSessionOut):
    stale: list[str] = Field(
        description="Why the outcome may no longer be what the current policy and screening "
        "give (empty when current)."
    )


class TriageFilterIn(Schema):
    status: TriageStatus | None = None
    engagement: uuid.UUID | None = None


# --- mitigation plans ----------------------------------------------------------------------

MitigationStatus = Annotated[
    MitigationItem.Status, _named_choices("MitigationStatus", MitigationItem.Status)
]
MitigationSource = Annotated[
    MitigationItem.Source, _named_choices("MitigationSource", MitigationItem.Source)
]


class EvidenceFileOut(Schema):
    id: uuid.UUID
    name: str = Field(description="The file's name as uploaded (a label, never a path).")
    content_type: str = Field(description="Recognised from the file's bytes, not the upload's.")
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime
    download: str = Field(description="The path that downloads it (always as an attachment).")


class MitigationItemOut(Schema):
    id: uuid.UUID
    title: str
    description: str
    area: str = Field(description="The policy pack's risk-area id; empty when none applies.")
    source: MitigationSource
    checklist_item: str = Field(description="The pack checklist item's id (source 'pack').")
    owner: str
    due_date: date | None
    status: MitigationStatus
    status_note: str
    overdue: bool
    evidence: list[EvidenceFileOut]
    created_by: str
    updated_by: str
    created_at: datetime
    updated_at: datetime


class MitigationCreateIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    area: str = ""
    owner: str | None = Field(None, description="A username; the engagement's owner if unset.")
    due_date: date | None = None


class MitigationUpdateIn(Schema):
    """Only the fields sent change."""

    title: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = None
    area: str | None = None
    owner: str | None = None
    due_date: date | None = None


class MitigationStatusIn(Schema):
    action: Literal["start", "complete", "waive", "reopen"]
    note: str = Field("", description="What was done, or (required to waive) why it is waived.")


class MitigationRemoveIn(Schema):
    reason: str = Field(min_length=1)


# --- recommendations, decisions and committee votes -----------------------------------------


class ConditionIn(Schema):
    text: str = Field(min_length=1, max_length=1000)
    due: date


class ConditionOut(Schema):
    text: str
    due: date


class RecommendationIn(Schema):
    outcome: DecisionOutcome
    reasoning: str = Field(min_length=1, max_length=4000)
    conditions: list[ConditionIn] = Field(
        default_factory=list, max_length=50, description='Only with "approve_with_conditions".'
    )
    review_date: date | None = Field(None, description="Needed for an approval.")


class DecisionIn(Schema):
    outcome: DecisionOutcome
    reason: str = Field(min_length=1, max_length=4000)
    conditions: list[ConditionIn] = Field(
        default_factory=list,
        max_length=50,
        description='Only with "approve_with_conditions"; each becomes a tracked mitigation.',
    )
    review_date: date | None = Field(None, description="Needed for an approval.")


class VoteIn(Schema):
    outcome: DecisionOutcome
    reason: str = Field(min_length=1, max_length=4000)


class SeatOut(Schema):
    id: str
    label: str
    holder: str | None = Field(description="The holder's username; null while vacant.")


class RecommendationOut(Schema):
    id: uuid.UUID
    outcome: str
    reasoning: str
    conditions: list[ConditionOut]
    review_date: date | None
    made_by: str
    made_at: datetime


class VoteOut(Schema):
    id: uuid.UUID
    seat: str
    voter: str
    outcome: str
    reason: str
    cast_at: datetime


class DecisionOut(Schema):
    id: uuid.UUID
    outcome: str
    reason: str
    conditions: list[ConditionOut]
    review_date: date | None
    decided_by: str
    decided_at: datetime
    route: DecisionRoute
    tier: str
    pack_id: str
    pack_version: str


class DecisionStateOut(Schema):
    """Who decides the case and why, the open round with its votes, and what you may do."""

    tier: str = Field(description="The latest completed triage's tier; empty without one.")
    route: str = Field(description='"officer", "approver" or "committee"; empty when unrouted.')
    decided_by: str = Field(description="Who decides, in words (the committee's title).")
    problem: str = Field(description="Why the case cannot be routed now; empty when it can.")
    pack_id: str
    pack_version: str
    quorum: int
    seats: list[SeatOut]
    options: list[str]
    recommendation: RecommendationOut | None
    votes: list[VoteOut]
    votes_needed: int
    can_recommend: bool
    can_decide: bool
    can_vote: bool
    decisions: list[DecisionOut] = Field(description="Decisions made on the case, newest first.")
