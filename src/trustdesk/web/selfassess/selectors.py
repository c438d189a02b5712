"""Reads of the self-assessment: progress, results compared with the previous one, actions.

Every reader of an assessment holds `selfassessment.view` (the views check it); actions are
scoped by `permissions.action_scope`, so an owner without that permission sees only their own.
Results are computed from the stored answers and the questionnaire kept with the assessment,
never from the pack as it is today.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from django.db.models import Q, QuerySet

from trustdesk.policy.models import (
    AssessmentQuestion,
    AssessmentSection,
    MaturityLevel,
    SelfAssessment,
)
from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import AnyUser
from trustdesk.web.selfassess import permissions
from trustdesk.web.selfassess.models import Action, Answer, Assessment

Change = Literal["up", "down", "same", "new"]

CHANGE_WORDS: dict[str, str] = {
    "up": "up",
    "down": "down",
    "same": "no change",
    "new": "not assessed before",
}


def questionnaire_of(assessment: Assessment) -> SelfAssessment:
    """The questionnaire the assessment was answered against (kept with it when it started)."""
    # JSON mode: the stored dates are ISO strings, which the strict pack models accept only so.
    return SelfAssessment.model_validate_json(json.dumps(assessment.questionnaire))


def assessment_list() -> QuerySet[Assessment]:
    return Assessment.objects.select_related("created_by", "completed_by")


def assessment_get(*, public_id: uuid.UUID) -> Assessment:
    return assessment_list().get(public_id=public_id)


def current_draft() -> Assessment | None:
    return Assessment.objects.filter(status=Assessment.Status.DRAFT).first()


def previous_completed(assessment: Assessment) -> Assessment | None:
    """The latest completed assessment as at an earlier date than this one."""
    return (
        Assessment.objects.filter(status=Assessment.Status.COMPLETED, as_of__lt=assessment.as_of)
        .exclude(pk=assessment.pk)
        .order_by("-as_of", "-completed_at", "-pk")
        .first()
    )


def _levels(assessment: Assessment | None) -> dict[str, int]:
    if assessment is None:
        return {}
    return dict(assessment.answers.values_list("question_id", "level"))


def _change(now: float | None, before: float | None) -> Change | None:
    if now is None:
        return None
    if before is None:
        return "new"
    if now > before:
        return "up"
    return "down" if now < before else "same"


def _average(levels: Iterable[int]) -> float | None:
    values = list(levels)
    return round(sum(values) / len(values), 1) if values else None


@dataclass(frozen=True, slots=True)
class QuestionResult:
    question: AssessmentQuestion
    target: int
    answer: Answer | None
    previous: int | None
    scale: Sequence[MaturityLevel]

    @property
    def level(self) -> int | None:
        return self.answer.level if self.answer is not None else None

    @property
    def level_label(self) -> str:
        return _label(self.scale, self.level)

    @property
    def previous_label(self) -> str:
        return _label(self.scale, self.previous)

    @property
    def target_label(self) -> str:
        return _label(self.scale, self.target)

    @property
    def is_gap(self) -> bool:
        return self.level is not None and self.level < self.target

    @property
    def change(self) -> Change | None:
        return _change(self.level, self.previous)

    @property
    def change_words(self) -> str:
        return CHANGE_WORDS.get(self.change or "", "")

    @property
    def level_description(self) -> str:
        """What the answered level means for this question (its own words, else the scale's)."""
        if self.level is None:
            return ""
        own = self.question.levels.get(self.level)
        return own or next((m.description for m in self.scale if m.level == self.level), "")


def _label(scale: Sequence[MaturityLevel], level: int | None) -> str:
    if level is None:
        return "—"
    name = next((m.label for m in scale if m.level == level), "")
    return f"{level} {name}".strip()


@dataclass(frozen=True, slots=True)
class SectionResult:
    section: AssessmentSection
    questions: tuple[QuestionResult, ...]

    @property
    def answered(self) -> int:
        return sum(1 for q in self.questions if q.answer is not None)

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def complete(self) -> bool:
        return self.answered == self.total

    @property
    def average(self) -> float | None:
        return _average(q.level for q in self.questions if q.level is not None)

    @property
    def previous_average(self) -> float | None:
        return _average(q.previous for q in self.questions if q.previous is not None)

    @property
    def change(self) -> Change | None:
        return _change(self.average, self.previous_average)

    @property
    def change_words(self) -> str:
        return CHANGE_WORDS.get(self.change or "", "")

    @property
    def gaps(self) -> int:
        return sum(1 for q in self.questions if q.is_gap)


@dataclass(frozen=True, slots=True)
class AssessmentResult:
    """An assessment's answers question by question and section by section, beside the last."""

    assessment: Assessment
    previous: Assessment | None
    questionnaire: SelfAssessment
    sections: tuple[SectionResult, ...]

    @property
    def answered(self) -> int:
        return sum(s.answered for s in self.sections)

    @property
    def total(self) -> int:
        return sum(s.total for s in self.sections)

    @property
    def complete(self) -> bool:
        return self.answered == self.total

    @property
    def gaps(self) -> list[QuestionResult]:
        return [q for s in self.sections for q in s.questions if q.is_gap]

    @property
    def max_level(self) -> int:
        return max((m.level for m in self.questionnaire.scale), default=0)

    def section(self, section_id: str) -> SectionResult | None:
        return next((s for s in self.sections if s.section.id == section_id), None)


def assessment_result(assessment: Assessment) -> AssessmentResult:
    """The assessment's results with the previous completed assessment's levels beside them.

    Three queries whatever the number of questions: the answers, the previous assessment and
    its levels.
    """
    questionnaire = questionnaire_of(assessment)
    answers = {a.question_id: a for a in assessment.answers.all()}
    previous = previous_completed(assessment)
    before = _levels(previous)
    sections = tuple(
        SectionResult(
            section,
            tuple(
                QuestionResult(
                    q,
                    questionnaire.target_of(q),
                    answers.get(q.id),
                    before.get(q.id),
                    questionnaire.scale,
                )
                for q in section.questions
            ),
        )
        for section in questionnaire.sections
    )
    return AssessmentResult(assessment, previous, questionnaire, sections)


# --- actions ------------------------------------------------------------------------------------


def action_list_for_user(*, user: AnyUser) -> QuerySet[Action]:
    """The actions the user sees: every one for readers of the assessment, else their own."""
    return Action.objects.filter(permissions.action_scope(user)).select_related(
        "owner", "assessment"
    )


def action_get_for_user(*, user: AnyUser, public_id: uuid.UUID) -> Action:
    return action_list_for_user(user=user).get(public_id=public_id)


def actions_of(assessment: Assessment) -> QuerySet[Action]:
    return assessment.actions.select_related("owner").order_by("due_date", "pk")


def open_actions_for_owner(*, user: User) -> QuerySet[Action]:
    """The user's own open actions, soonest due first (one query, for the desk)."""
    return (
        Action.objects.filter(owner_id=user.pk, status=Action.Status.OPEN)
        .select_related("assessment")
        .order_by("due_date", "pk")
    )


@dataclass(frozen=True, slots=True)
class ActionContext:
    """What an action's page says about the question it closes, from the kept questionnaire."""

    section: str
    question: str
    level: str
    target: str


def action_context(action: Action) -> ActionContext:
    questionnaire = questionnaire_of(action.assessment)
    found = next(((s, q) for s, q in questionnaire.questions() if q.id == action.question_id), None)
    return ActionContext(
        section=found[0].title if found else action.section_id,
        question=found[1].text if found else action.question_id,
        level=_label(questionnaire.scale, action.level),
        target=_label(questionnaire.scale, action.target),
    )


def owner_candidates() -> list[User]:
    """Who may own an action: active accounts that may change something (not auditors)."""
    return list(
        User.objects.filter(is_active=True)
        .exclude(role=User.Role.AUDITOR)
        .order_by("last_name", "first_name", "pk")
    )


# --- the governing-body report's summary --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectionSummary:
    section_id: str
    title: str
    average: float | None
    previous_average: float | None
    change: Change | None


@dataclass(frozen=True, slots=True)
class SelfAssessmentSummary:
    """What the governing body reads of the latest self-assessment: figures, never names."""

    public_id: uuid.UUID
    title: str
    as_of: date
    previous_as_of: date | None
    max_level: int
    sections: tuple[SectionSummary, ...]
    average: float | None
    previous_average: float | None
    open_actions: int
    overdue_actions: int


def _open_at(day: date) -> Q:
    """Actions confirmed by `day` (their assessment completed) and not done by its end."""
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)
    return Q(
        status__in=[Action.Status.OPEN, Action.Status.DONE],
        assessment__status=Assessment.Status.COMPLETED,
        assessment__completed_at__lt=end,
    ) & (Q(done_at__isnull=True) | Q(done_at__gte=end))


def self_assessment_summary(*, as_of: date) -> SelfAssessmentSummary | None:
    """The latest completed assessment as at `as_of` or before, against the one before it.

    Actions count as open on `as_of` when their assessment had been completed by then and they
    were not yet done; overdue when also due before `as_of`. None when no assessment qualifies.
    """
    latest = (
        Assessment.objects.filter(status=Assessment.Status.COMPLETED, as_of__lte=as_of)
        .order_by("-as_of", "-completed_at", "-pk")
        .first()
    )
    if latest is None:
        return None
    result = assessment_result(latest)
    open_q = Action.objects.filter(_open_at(as_of))
    all_now = [q.level for s in result.sections for q in s.questions if q.level is not None]
    all_before = [
        q.previous for s in result.sections for q in s.questions if q.previous is not None
    ]
    return SelfAssessmentSummary(
        public_id=latest.public_id,
        title=latest.title,
        as_of=latest.as_of,
        previous_as_of=result.previous.as_of if result.previous is not None else None,
        max_level=result.max_level,
        sections=tuple(
            SectionSummary(s.section.id, s.section.title, s.average, s.previous_average, s.change)
            for s in result.sections
        ),
        average=_average(all_now),
        previous_average=_average(all_before),
        open_actions=open_q.count(),
        overdue_actions=open_q.filter(due_date__lt=as_of).count(),
    )
