"""Every write of the self-assessment: start, answer, propose and confirm actions, complete.

Each service checks the actor's permission and the assessment's state, writes, and records its
audit event last in the same transaction. Actions are proposed by `actions_propose` from the gaps
(answers below their target level) and confirmed, as edited, by `assessment_complete`: nothing
reaches a desk until the person completing the assessment has said who owns it and by when.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from trustdesk.policy.models import Pack
from trustdesk.web.accounts.models import User
from trustdesk.web.core import audit
from trustdesk.web.selfassess import permissions, selectors
from trustdesk.web.selfassess.models import Action, Answer, Assessment

for _action, _label in (
    ("trustdesk.self_assessment.started", "Self-assessment started"),
    ("trustdesk.self_assessment.answered", "Self-assessment answers saved"),
    ("trustdesk.self_assessment.completed", "Self-assessment completed"),
    ("trustdesk.self_assessment_action.proposed", "Self-assessment actions proposed"),
    ("trustdesk.self_assessment_action.updated", "Self-assessment action changed"),
    ("trustdesk.self_assessment_action.done", "Self-assessment action done"),
):
    audit.register_action(_action, label=_label)
audit.register_action(
    "trustdesk.self_assessment_action.dropped",
    label="Self-assessment action dropped",
    reason_required=True,
)

#: How long a proposed action has by default; the person completing the assessment changes it.
ACTION_DAYS = 90

NO_QUESTIONNAIRE = "The policy pack {pack!r} has no self-assessment questionnaire."
DRAFT_EXISTS = "A self-assessment is already in progress; complete it before starting another."
NOT_DRAFT = "This self-assessment is completed; its answers can no longer change."
UNKNOWN_SECTION = "The questionnaire has no section {section!r}."
UNKNOWN_QUESTION = "The section {section!r} has no question {question!r}."
OFF_SCALE = "{level} is not a level of the maturity scale."
UNANSWERED = "Answer every question before completing the assessment ({missing} to go)."
UNPROPOSED = (
    "Some answers below their target have no action yet: propose the actions, then check them."
)
NEEDS_TITLE = "Say what the action is."
NEEDS_REASON = "Say why the proposal is dropped."
NOT_PROPOSED = "Only a proposed action can be dropped."
NOT_OPEN = "Only an open action can be marked done."
CLOSED = "A done or dropped action can no longer change."
NOT_AN_OWNER = "An auditor or a deactivated account cannot own an action."


class SelfAssessmentError(Exception):
    """A write that cannot be made; the message is for the person who tried."""


@dataclass(frozen=True, slots=True)
class AnswerInput:
    question_id: str
    level: int | None  # None: not answered (yet); an existing answer is kept
    evidence: str = ""
    evidence_link: str = ""


@dataclass(frozen=True, slots=True)
class ActionFields:
    title: str
    owner: User
    due_date: date


def _require_draft(assessment: Assessment) -> None:
    if not assessment.is_draft:
        raise SelfAssessmentError(NOT_DRAFT)


def _lock(assessment: Assessment) -> Assessment:
    """The row locked for the rest of the transaction, so two saves cannot interleave."""
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


@transaction.atomic
def assessment_start(*, actor: User, pack: Pack, as_of: date, title: str = "") -> Assessment:
    """Starts a draft against the pack's questionnaire as it is now (kept with the draft)."""
    permissions.require_manage(actor)
    questionnaire = pack.self_assessment
    if questionnaire is None or not questionnaire.sections:
        raise SelfAssessmentError(NO_QUESTIONNAIRE.format(pack=pack.id))
    if Assessment.objects.select_for_update().filter(status=Assessment.Status.DRAFT).exists():
        raise SelfAssessmentError(DRAFT_EXISTS)
    assessment = Assessment.objects.create(
        title=title.strip() or f"Self-assessment as at {as_of.day} {as_of:%B %Y}",
        as_of=as_of,
        pack_id=pack.id,
        pack_version=pack.version,
        questionnaire=questionnaire.model_dump(mode="json"),
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="trustdesk.self_assessment.started",
        target=assessment,
        data={"as_of": as_of.isoformat(), "pack": f"{pack.id}@{pack.version}"},
    )
    return assessment


@transaction.atomic
def answers_save(
    *, actor: User, assessment: Assessment, section_id: str, answers: Sequence[AnswerInput]
) -> list[Answer]:
    """Saves one section's answers; what changed (level, evidence) goes to the audit trail."""
    permissions.require_manage(actor)
    assessment = _lock(assessment)
    _require_draft(assessment)
    questionnaire = selectors.questionnaire_of(assessment)
    section = next((s for s in questionnaire.sections if s.id == section_id), None)
    if section is None:
        raise SelfAssessmentError(UNKNOWN_SECTION.format(section=section_id))
    asked = {q.id for q in section.questions}
    scale = {m.level for m in questionnaire.scale}
    for given in answers:
        if given.question_id not in asked:
            raise SelfAssessmentError(
                UNKNOWN_QUESTION.format(section=section_id, question=given.question_id)
            )
        if given.level is not None and given.level not in scale:
            raise SelfAssessmentError(OFF_SCALE.format(level=given.level))
    existing = {a.question_id: a for a in assessment.answers.filter(question_id__in=asked)}
    saved, changes = [], {}
    for given in answers:
        if given.level is None:
            continue
        new = {
            "level": given.level,
            "evidence": given.evidence.strip(),
            "evidence_link": given.evidence_link.strip(),
        }
        had = existing.get(given.question_id)
        if had is None:
            answer = Answer.objects.create(
                assessment=assessment,
                question_id=given.question_id,
                section_id=section_id,
                answered_by=actor,
                **new,
            )
            changes[given.question_id] = {"old": None, "new": new}
        else:
            old = {k: getattr(had, k) for k in new}
            if old != new:
                for key, value in new.items():
                    setattr(had, key, value)
                had.answered_by = actor
                had.save(update_fields=[*new, "answered_by", "updated_at"])
                changes[given.question_id] = {"old": old, "new": new}
            answer = had
        saved.append(answer)
    if changes:
        assessment.save(update_fields=["updated_at"])
        audit.record(
            actor=actor,
            action="trustdesk.self_assessment.answered",
            target=assessment,
            data={"section": section_id, "answers": changes},
        )
    return saved


def _action_title(text: str, target_label: str) -> str:
    title = f"Bring to “{target_label}”: {text}"
    return title if len(title) <= 300 else title[:299].rstrip() + "…"


@transaction.atomic
def actions_propose(*, actor: User, assessment: Assessment, today: date) -> list[Action]:
    """Proposes an action for each gap without one; withdraws proposals no longer gaps.

    A proposal is owned by the proposer and due `ACTION_DAYS` from `today` until they change it.
    """
    permissions.require_manage(actor)
    assessment = _lock(assessment)
    _require_draft(assessment)
    result = selectors.assessment_result(assessment)
    gaps = {
        q.question.id: (s.section.id, q) for s in result.sections for q in s.questions if q.is_gap
    }
    have = {a.question_id: a for a in assessment.actions.all()}
    stale = [a for qid, a in have.items() if qid not in gaps and a.status == Action.Status.PROPOSED]
    made = [
        Action.objects.create(
            assessment=assessment,
            question_id=qid,
            section_id=section_id,
            title=_action_title(q.question.text, q.target_label),
            level=q.level if q.level is not None else 0,
            target=q.target,
            owner=actor,
            due_date=today + timedelta(days=ACTION_DAYS),
        )
        for qid, (section_id, q) in gaps.items()
        if qid not in have
    ]
    Action.objects.filter(pk__in=[a.pk for a in stale]).delete()
    if made or stale:
        audit.record(
            actor=actor,
            action="trustdesk.self_assessment_action.proposed",
            target=assessment,
            data={
                "proposed": [a.question_id for a in made],
                "withdrawn": [a.question_id for a in stale],
            },
        )
    return made


def _check_fields(fields: ActionFields) -> None:
    if not fields.title.strip():
        raise SelfAssessmentError(NEEDS_TITLE)
    if not fields.owner.is_active or fields.owner.role == User.Role.AUDITOR:
        raise SelfAssessmentError(NOT_AN_OWNER)


@transaction.atomic
def action_update(*, actor: User, action: Action, fields: ActionFields) -> Action:
    """Changes a proposed or open action's title, owner or due date."""
    permissions.require_manage(actor)
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.status not in (Action.Status.PROPOSED, Action.Status.OPEN):
        raise SelfAssessmentError(CLOSED)
    _check_fields(fields)
    old = {
        "title": action.title,
        "owner": action.owner.get_username(),
        "due_date": action.due_date.isoformat(),
    }
    action.title, action.owner, action.due_date = (
        fields.title.strip(),
        fields.owner,
        fields.due_date,
    )
    new = {
        "title": action.title,
        "owner": action.owner.get_username(),
        "due_date": action.due_date.isoformat(),
    }
    if old != new:
        action.save(update_fields=["title", "owner", "due_date", "updated_at"])
        audit.record(
            actor=actor,
            action="trustdesk.self_assessment_action.updated",
            target=action,
            data={"old": old, "new": new},
        )
    return action


@transaction.atomic
def action_drop(*, actor: User, action: Action, reason: str) -> Action:
    """Drops a proposal the person completing the assessment decides not to pursue, with why."""
    permissions.require_manage(actor)
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.status != Action.Status.PROPOSED:
        raise SelfAssessmentError(NOT_PROPOSED)
    if not reason.strip():
        raise SelfAssessmentError(NEEDS_REASON)
    action.status, action.note = Action.Status.DROPPED, reason.strip()
    action.save(update_fields=["status", "note", "updated_at"])
    audit.record(
        actor=actor,
        action="trustdesk.self_assessment_action.dropped",
        target=action,
        data={"question": action.question_id},
        reason=action.note,
    )
    return action


@transaction.atomic
def assessment_complete(*, actor: User, assessment: Assessment) -> Assessment:
    """Completes a fully answered draft and confirms its proposed actions, as edited.

    Refused while a gap has no action (proposed, or dropped with a reason), so no gap is left
    without a decision.
    """
    permissions.require_manage(actor)
    assessment = _lock(assessment)
    _require_draft(assessment)
    result = selectors.assessment_result(assessment)
    if not result.complete:
        raise SelfAssessmentError(UNANSWERED.format(missing=result.total - result.answered))
    decided = set(assessment.actions.values_list("question_id", flat=True))
    if any(q.question.id not in decided for q in result.gaps):
        raise SelfAssessmentError(UNPROPOSED)
    confirmed = list(
        assessment.actions.filter(status=Action.Status.PROPOSED).values_list(
            "question_id", flat=True
        )
    )
    assessment.actions.filter(status=Action.Status.PROPOSED).update(
        status=Action.Status.OPEN, updated_at=timezone.now()
    )
    assessment.status = Assessment.Status.COMPLETED
    assessment.completed_by, assessment.completed_at = actor, timezone.now()
    assessment.save(update_fields=["status", "completed_by", "completed_at", "updated_at"])
    audit.record(
        actor=actor,
        action="trustdesk.self_assessment.completed",
        target=assessment,
        data={
            "averages": {s.section.id: s.average for s in result.sections},
            "previous": str(result.previous.public_id) if result.previous else None,
            "actions_confirmed": confirmed,
        },
    )
    return assessment


@transaction.atomic
def action_complete(*, actor: User, action: Action, note: str = "") -> Action:
    """Marks an open action done (its owner or a manager), saying what was done."""
    action = Action.objects.select_for_update().select_related("owner").get(pk=action.pk)
    permissions.require_complete_action(actor, action)
    if action.status != Action.Status.OPEN:
        raise SelfAssessmentError(NOT_OPEN)
    action.status, action.note, action.done_at = Action.Status.DONE, note.strip(), timezone.now()
    action.save(update_fields=["status", "note", "done_at", "updated_at"])
    audit.record(
        actor=actor,
        action="trustdesk.self_assessment_action.done",
        target=action,
        data={"question": action.question_id, "note": action.note},
    )
    return action
