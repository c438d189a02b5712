"""Typed models of a policy pack, so that a pack is checked once, on load, rather than at use.

Every model is strict and forbids unknown keys: a misspelt key in a pack is an error that names
where it is, never a silently ignored rule. The models hold the *shape*; cross-references (which
question a rule reads, which tier it sets) are checked by :mod:`trustdesk.policy.validate`.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Scalar = str | int | float | bool

QuestionKind = Literal[
    "yes_no",
    "single_choice",
    "multiple_choice",
    "country",
    "organisation",
    "technology_area",
    "amount",
    "date",
]

#: What a question (or fact) is evidence of. The anti-profiling check needs to know which
#: conditions are about a place or a person's origin and which are about what is being done.
Factor = Literal["activity", "technology", "affiliation", "funding", "country", "nationality"]

#: Factors that may justify the highest tier; a country or nationality on its own may not.
SUBSTANTIVE_FACTORS: frozenset[str] = frozenset({"activity", "technology", "affiliation"})

#: A hit's review state as a pack writes it (`trustdesk.screening.matching.model.HitStatus`).
HitStatusName = Literal["unresolved", "confirmed", "false_positive", "needs_information"]

_ID_PATTERN = r"^[a-z0-9][a-z0-9_.:-]*$"
_ISO2_PATTERN = r"^[A-Z]{2}$"


class _Strict(BaseModel):
    """Base for pack models: unknown keys are errors and values are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ThresholdRef(_Strict):
    """A number from the pack's ``thresholds``, so an institution can change it by extension."""

    threshold: str


Bound = int | float | ThresholdRef


class Condition(_Strict):
    """One node of the condition language: data, never code, so a pack cannot run anything.

    Exactly one form per node:

    - ``{all: [...]}``, ``{any: [...]}``, ``{not: {...}}`` combine conditions;
    - ``{answer: q, equals|in|contains|gte|lte|answered: ...}`` tests an answer;
    - ``{country_of: q, in_list: L}`` or ``{country_of: q, indicator: I, equals|gte|lte: ...}``
      tests a country answer against the pack's reference data;
    - ``{technology_of: q, under: [node, ...]}`` is true when a chosen area is, or sits under,
      one of the taxonomy nodes;
    - ``{screening: has_hit, source_in: [...]}`` is true when screening produced a hit that an
      officer has not dismissed, on one of those list sources (any source when omitted);
    - ``{fact: f}`` (optionally with ``equals``, ``in``, ``contains``, ``gte`` or ``lte``) reads a
      fact supplied by the caller;
    - ``{tier_at_least: t}`` and ``{process: p}`` read the triage outcome, so only risk rules,
      which run after triage, may use them.

    ``screening`` takes ``status_in`` to count only hits an officer has put in those states
    (a risk rule rates a confirmed hit higher than one not yet reviewed).
    """

    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    answer: str | None = None
    country_of: str | None = None
    technology_of: str | None = None
    screening: Literal["has_hit"] | None = None
    fact: str | None = None
    tier_at_least: str | None = None
    process: str | None = None

    equals: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    contains: Scalar | None = None
    gte: Bound | None = None
    lte: Bound | None = None
    answered: bool | None = None
    in_list: str | None = None
    indicator: str | None = None
    under: list[str] | None = None
    source_in: list[str] | None = None
    status_in: list[HitStatusName] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        heads = [
            name
            for name in (
                "all",
                "any",
                "not_",
                "answer",
                "country_of",
                "technology_of",
                "screening",
                "fact",
                "tier_at_least",
                "process",
            )
            if getattr(self, name) is not None
        ]
        if len(heads) != 1:
            shown = ", ".join(h.rstrip("_") for h in heads) or "none"
            raise ValueError(
                "a condition needs exactly one of all, any, not, answer, country_of, "
                f"technology_of, screening, fact, tier_at_least, process (found: {shown})"
            )
        head = heads[0]
        tests = {
            k
            for k in (
                "equals",
                "in_",
                "contains",
                "gte",
                "lte",
                "answered",
                "in_list",
                "indicator",
                "under",
                "source_in",
                "status_in",
            )
            if getattr(self, k) is not None
        }
        allowed: dict[str, set[str]] = {
            "all": set(),
            "any": set(),
            "not_": set(),
            "answer": {"equals", "in_", "contains", "gte", "lte", "answered"},
            "country_of": {"in_list", "indicator", "equals", "gte", "lte"},
            "technology_of": {"under"},
            "screening": {"source_in", "status_in"},
            "fact": {"equals", "in_", "contains", "gte", "lte"},
            "tier_at_least": set(),
            "process": set(),
        }
        extra = tests - allowed[head]
        if extra:
            names = ", ".join(sorted(e.rstrip("_") for e in extra))
            raise ValueError(f"{head.rstrip('_')} cannot be combined with {names}")
        if head == "answer" and not tests:
            raise ValueError("answer needs a test: equals, in, contains, gte, lte or answered")
        if head == "country_of" and (self.in_list is None) == (self.indicator is None):
            raise ValueError("country_of needs exactly one of in_list or indicator")
        if head == "country_of" and self.indicator is not None and not tests - {"indicator"}:
            raise ValueError("country_of with indicator needs equals, gte or lte")
        if head == "technology_of" and not self.under:
            raise ValueError("technology_of needs a non-empty under list")
        if head == "screening" and self.status_in is not None and not self.status_in:
            raise ValueError("status_in needs at least one status")
        if head in ("all", "any") and not getattr(self, head):
            raise ValueError(f"{head} needs at least one condition")
        return self


#: How far a fact was checked: against the official text itself (``verified``), against
#: secondary copies or only part of the official text (``partly-verified``), or not at all
#: beyond the source it was first written from (``unverified``).
Confidence = Literal["verified", "partly-verified", "unverified"]


class Source(_Strict):
    """Where a pack's facts come from, so a reviewer can check them against the publisher."""

    title: str
    url: str
    publisher: str | None = None
    published: dt.date | None = None
    #: When a person last checked the facts against this source; required for every source a
    #: pack cites (see :mod:`trustdesk.policy.validate`), so stale facts can be found and shown.
    checked: dt.date | None = None
    #: What was checked and against what, when that is not simply the page at ``url``.
    note: str | None = None
    #: How far the facts were checked (docs/policy-packs.md lists every fact with it).
    confidence: Confidence | None = None


class Option(_Strict):
    id: str = Field(pattern=_ID_PATTERN)
    label: str


class Question(_Strict):
    """A triage question; ``ask_when`` keeps the questionnaire short by asking only what matters."""

    id: str = Field(pattern=_ID_PATTERN)
    kind: QuestionKind
    text: str
    help: str
    #: A short noun phrase ("Partner country") used in reasons instead of the question id.
    label: str | None = None
    options: list[Option] = []
    taxonomy: str | None = None
    factor: Factor | None = None
    ask_when: Condition | None = None
    #: A fact the question or its help rests on that could not be confirmed (a rule in flux, a
    #: point of law not read in the official text); shown with the help, never folded into it.
    uncertainty: str | None = None

    def effective_factor(self) -> Factor:
        """The declared factor, or the one implied by the kind (a country question is a country)."""
        if self.factor is not None:
            return self.factor
        implied: dict[str, Factor] = {
            "country": "country",
            "organisation": "affiliation",
            "technology_area": "technology",
            "amount": "funding",
        }
        return implied.get(self.kind, "activity")

    @model_validator(mode="after")
    def _shape(self) -> Question:
        choice = self.kind in ("single_choice", "multiple_choice")
        if choice and not self.options:
            raise ValueError(f"a {self.kind} question needs options")
        if not choice and self.options:
            raise ValueError(f"a {self.kind} question takes no options")
        if (self.kind == "technology_area") != (self.taxonomy is not None):
            raise ValueError("taxonomy is required for, and only for, technology_area questions")
        return self


class Contact(_Strict):
    name: str
    role: str | None = None
    email: str | None = None
    url: str | None = None


class PracticeBasis(_Strict):
    """Why a process no law requires is run: the institution's practice and who recommends it.

    Stated so a researcher is never told that a recommendation is the law.
    """

    #: Plain words, "The university's own practice, recommended by ...".
    statement: str
    #: The guidance that recommends the practice (UUK, NPSA, UKRI, say), each with its check date.
    recommended_by: list[Source] = Field(min_length=1)


class Process(_Strict):
    """A process a researcher may have to go through, with what a researcher needs to start it."""

    id: str = Field(pattern=_ID_PATTERN)
    title: str
    what: str
    why: str
    contact: str
    guidance_url: str
    lead_time: str
    #: The law or policy the process rests on, stated so a researcher can see what it relies on.
    legal_basis: str | None = None
    #: For a process no law requires: that it is the institution's practice and who recommends
    #: it. The validator refuses a process with neither this nor ``legal_basis``.
    practice: PracticeBasis | None = None
    #: A caution shown with the process (a legal basis being re-checked, say).
    notice: str | None = None
    sources: list[Source] = []


class Tier(_Strict):
    id: str = Field(pattern=_ID_PATTERN)
    label: str
    description: str


class Verdict(_Strict):
    """An outcome stronger than a process, such as "cannot be funded"; a rule cites the policy."""

    id: str = Field(pattern=_ID_PATTERN)
    label: str
    description: str


class RiskArea(_Strict):
    id: str = Field(pattern=_ID_PATTERN)
    label: str


class Mitigation(_Strict):
    id: str = Field(pattern=_ID_PATTERN)
    area: str
    text: str


class Effect(_Strict):
    """What a rule does when its condition holds. Effects only add; order never matters."""

    processes: list[str] = []
    tier: str | None = None
    verdict: str | None = None
    mitigations: list[str] = []

    @model_validator(mode="after")
    def _not_empty(self) -> Effect:
        if not (self.processes or self.tier or self.verdict or self.mitigations):
            raise ValueError("a rule must add a process, a tier, a verdict or a mitigation")
        return self


class Rule(_Strict):
    id: str = Field(pattern=_ID_PATTERN)
    when: Condition
    then: Effect
    reason: str


class TaxonomyNode(_Strict):
    id: str = Field(pattern=_ID_PATTERN)
    label: str
    #: The publisher's own number or code ("13", "ML10", "3A"), shown beside the label.
    code: str | None = None
    #: What the node covers, in the pack's words, for help text and reasons.
    note: str | None = None
    #: Nodes of *other* taxonomies this one falls in, as ``taxonomy/node`` (a research area in
    #: an NSI sector and an export-control category, say), so a researcher picks plain research
    #: areas and rules still read the legal classifications.
    also_in: list[str] = []
    children: list[TaxonomyNode] = []


class Taxonomy(_Strict):
    """A published classification (STRA, NSI sectors, export-control categories, ATAS subjects)."""

    id: str = Field(pattern=_ID_PATTERN)
    title: str
    #: Put before a node's code in reasons ("NSI sector" gives "NSI sector 13 Quantum ...").
    node_prefix: str | None = None
    source: Source
    nodes: list[TaxonomyNode]
    #: What about the classification itself is uncertain (areas about to change, say).
    uncertainty: str | None = None


class CountryList(_Strict):
    """A named set of countries (a sanctions regime's targets, say) for ``country_of … in_list``."""

    id: str = Field(pattern=_ID_PATTERN)
    title: str
    #: How a reason says a country is on the list ("has a UK sanctions regime"); without it,
    #: reasons say "is on the list <title>".
    member_phrase: str | None = None
    source: Source
    countries: list[str]


#: What a UK sanctions regime does, in the terms GOV.UK uses for each regime: an asset freeze and
#: travel ban on designated persons, an arms embargo on the country, targeted arms restrictions
#: on designated persons only, and trade (export and import), financial, investment, services and
#: transport restrictions.
SanctionsMeasure = Literal[
    "asset-freeze",
    "travel-ban",
    "arms-embargo",
    "arms-restrictions",
    "trade-restrictions",
    "financial-restrictions",
    "investment-ban",
    "services-ban",
    "transport-restrictions",
]


class SanctionsRegime(_Strict):
    """One sanctions regime in force: its instrument, target countries and measures.

    A thematic regime (global human rights, say) targets no country. The measures let a rule tell
    an asset freeze from a trade or arms embargo.
    """

    id: str = Field(pattern=_ID_PATTERN)
    #: The government's own name for the regime (as on the UK Sanctions List).
    name: str
    instrument: str
    countries: list[str] = []
    measures: list[SanctionsMeasure] = Field(min_length=1)
    source: Source


class PlaceOfWork(_Strict):
    """The answers that put an engagement's work in a country: a partnership, teaching there."""

    question: str
    options: list[str] = Field(min_length=1)


class Indicator(_Strict):
    """A published country indicator, declared once with its scale and source.

    Country profiles carry only values; the declaration says what they mean and where they came
    from, so every value a rule reads has a source and a check date.
    """

    id: str = Field(pattern=_ID_PATTERN)
    title: str
    description: str
    scale: str
    source: Source
    #: For an indicator about conditions in a place (academic freedom), the answers that put the
    #: work there. A rule may read it only together with one of them, and never through a
    #: nationality question: a visitor's or student's home country alone is not a reason
    #: (anti-profiling; the validator enforces it).
    place_of_work: PlaceOfWork | None = None


class CountryProfile(_Strict):
    """Published indicators for one country (travel-advice level, academic-freedom index)."""

    country: str = Field(pattern=_ISO2_PATTERN)
    name: str | None = None
    indicators: dict[str, Scalar]


class ListSource(_Strict):
    """A watch list the screening engine loads; rules name it in ``screening … source_in``."""

    id: str
    title: str
    source: Source


class RiskLevel(_Strict):
    """One step of the pack's risk scale; ``risk_scale`` lists them lowest first."""

    id: str = Field(pattern=_ID_PATTERN)
    label: str
    description: str | None = None


class RiskRule(_Strict):
    """Raises one risk area to at least ``rating`` when ``when`` holds. Rules only raise.

    A risk rule reads the triage answers, the adjudicated screening hits, the case's facts and
    the triage outcome (``tier_at_least``, ``process``), and gives its ``reason`` with the facts
    it rested on, so each rating says why.
    """

    id: str = Field(pattern=_ID_PATTERN)
    area: str
    rating: str
    when: Condition
    reason: str


#: What a decision on a case may be; fixed, because the case app acts on each (conditions
#: become tracked mitigations, a referral sends the case back to the officer).
DecisionOption = Literal["approve", "approve-with-conditions", "decline", "refer-back"]

#: Every option, most permissive first; a tie between committee votes goes to the later one.
DECISION_OPTIONS: tuple[DecisionOption, ...] = (
    "approve",
    "approve-with-conditions",
    "refer-back",
    "decline",
)


class Seat(_Strict):
    """A named place on a committee (its chair, say), held by an approver the case app names."""

    id: str = Field(pattern=_ID_PATTERN)
    label: str


class Committee(_Strict):
    """Who votes on a tier's cases and how many votes decide (the quorum)."""

    title: str
    seats: list[Seat] = []
    quorum: int


class Route(_Strict):
    """Who decides the cases of one tier: an account role alone, or a committee of approvers.

    ``role`` is the account role that may decide (``officer`` or ``approver``); with a
    ``committee``, each seat is held by an account of that role and the case is decided by the
    committee's votes.
    """

    tier: str
    role: Literal["officer", "approver"]
    committee: Committee | None = None
    options: list[DecisionOption] = list(DECISION_OPTIONS)


#: The kinds of engagement a case can be (the web app's ``Engagement.Kind`` values; a test keeps
#: the two in step), so a training requirement names kinds a case can actually have.
ENGAGEMENT_KINDS: tuple[str, ...] = (
    "research_collaboration",
    "contract_research",
    "studentship",
    "visiting_researcher",
    "staff_travel",
    "donation_or_funding",
    "tne_partnership",
    "licensing",
    "event",
)


class TrainingRequirement(_Strict):
    """A training module a researcher must have passed, and not let lapse, before submitting.

    It applies to engagements of one of ``kinds`` (every kind when empty) whose triage put them
    at ``tier_at_least`` or above (whatever the tier when omitted; a tier-bound requirement
    waits for a triage result). ``module`` is the key of a training module in the guidance hub;
    ``title`` is what triage says before an institution has loaded that module.
    """

    id: str = Field(pattern=_ID_PATTERN)
    module: str = Field(pattern=_ID_PATTERN)
    title: str
    kinds: list[str] = []
    tier_at_least: str | None = None
    reason: str


#: The shared maturity scale's ids run 0 (nothing in place) upwards; a question's target is one.
DEFAULT_MATURITY_TARGET = 3


class MaturityLevel(_Strict):
    """One step of the self-assessment's maturity scale; ``scale`` lists them from 0 upwards."""

    level: int = Field(ge=0, le=10)
    label: str
    description: str


class GuidanceRef(_Strict):
    """The guidance a self-assessment question rests on: a cited source and the part of it.

    ``section`` names the part as the publisher does ("1.2 Due diligence"), so a reader can open
    the document at it; ``note`` says how the link was made when it is not the section's title.
    """

    source: Source
    section: str
    note: str | None = None


class AssessmentQuestion(_Strict):
    """One question of the institutional self-assessment, answered on the maturity scale.

    ``target`` is the level below which an answer is a gap that becomes an action (the
    questionnaire's ``default_target`` when omitted). ``levels`` may describe what a level means
    for this question; levels it does not describe read as the shared scale says.
    """

    id: str = Field(pattern=_ID_PATTERN)
    text: str
    help: str
    guidance: list[GuidanceRef] = Field(min_length=1)
    target: int | None = None
    levels: dict[int, str] = {}


class AssessmentSection(_Strict):
    id: str = Field(pattern=_ID_PATTERN)
    title: str
    description: str | None = None
    questions: list[AssessmentQuestion] = Field(min_length=1)


class SelfAssessment(_Strict):
    """The institution's periodic review of its own response to security-related risks.

    Questions are grouped in sections and answered on one maturity scale with evidence; an
    extension pack may add sections (new ids) but not change the base's scale.
    """

    title: str
    scale: list[MaturityLevel] = []
    default_target: int | None = None
    sections: list[AssessmentSection] = []

    def target_of(self, question: AssessmentQuestion) -> int:
        """The level below which the answer to ``question`` is a gap."""
        if question.target is not None:
            return question.target
        if self.default_target is not None:
            return self.default_target
        return DEFAULT_MATURITY_TARGET

    def questions(self) -> list[tuple[AssessmentSection, AssessmentQuestion]]:
        """Every question with its section, in questionnaire order."""
        return [(s, q) for s in self.sections for q in s.questions]


class FactDecl(_Strict):
    """A value the caller supplies beside the answers (from the case record, say)."""

    id: str = Field(pattern=_ID_PATTERN)
    description: str
    factor: Factor


class Pack(_Strict):
    """A policy pack: one jurisdiction's (or one institution's) rules, as versioned data."""

    id: str = Field(pattern=_ID_PATTERN)
    urn: str = Field(pattern=r"^urn:")
    version: str
    publication_date: dt.date
    publisher: str
    jurisdiction: str = Field(pattern=_ISO2_PATTERN)
    title: str
    extends: str | None = None
    sources: list[Source] = []
    thresholds: dict[str, int | float] = {}
    contacts: dict[str, Contact] = {}
    questions: list[Question] = []
    facts: list[FactDecl] = []
    processes: list[Process] = []
    tiers: list[Tier] = []
    verdicts: list[Verdict] = []
    risk_areas: list[RiskArea] = []
    #: The rating scale of the risk assessment, lowest first.
    risk_scale: list[RiskLevel] = []
    risk_rules: list[RiskRule] = []
    #: Who decides each tier's cases; every tier needs a route when any is given.
    routing: list[Route] = []
    mitigations: list[Mitigation] = []
    rules: list[Rule] = []
    taxonomies: list[Taxonomy] = []
    country_lists: list[CountryList] = []
    sanctions_regimes: list[SanctionsRegime] = []
    indicators: list[Indicator] = []
    country_profiles: list[CountryProfile] = []
    list_sources: list[ListSource] = []
    #: Training a researcher completes before submitting some engagements (see the hub).
    training: list[TrainingRequirement] = []
    #: The institution's self-assessment questionnaire (see docs/self-assessment.md).
    self_assessment: SelfAssessment | None = None
    #: The packs this one was built from, base first, as ``id@version`` (set by the registry).
    lineage: list[str] = []
