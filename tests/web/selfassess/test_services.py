"""The self-assessment's rules: start, answer, propose and confirm actions, complete, compare."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from tests.web.selfassess.conftest import Cast
from tests.web.selfassess.support import TODAY, answer_all, completed, pack
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.selfassess import selectors, services
from trustdesk.web.selfassess.models import Action, Answer, Assessment

pytestmark = pytest.mark.django_db


def _start(cast: Cast, as_of: date = TODAY) -> Assessment:
    return services.assessment_start(actor=cast.olga, pack=pack(), as_of=as_of)


def test_starting_keeps_the_packs_questionnaire_and_is_audited(cast: Cast) -> None:
    assessment = _start(cast)
    assert assessment.status == Assessment.Status.DRAFT
    assert (assessment.pack_id, assessment.pack_version) == (pack().id, pack().version)
    assert selectors.questionnaire_of(assessment) == pack().self_assessment
    assert assessment.title == "Self-assessment as at 30 November 2026"
    event = AuditEvent.objects.get(action="trustdesk.self_assessment.started")
    assert event.data["as_of"] == "2026-11-30"


def test_only_one_draft_at_a_time(cast: Cast) -> None:
    _start(cast)
    with pytest.raises(services.SelfAssessmentError, match="already in progress"):
        services.assessment_start(actor=cast.ada, pack=pack(), as_of=TODAY)


@pytest.mark.parametrize("who", ["rita", "alan", "aude"])
def test_who_does_not_manage_cannot_start(cast: Cast, who: str) -> None:
    with pytest.raises(PermissionDenied, match="complete the institution's self-assessment"):
        services.assessment_start(actor=cast.by_name(who), pack=pack(), as_of=TODAY)


def test_a_pack_without_a_questionnaire_is_refused(cast: Cast) -> None:
    bare = pack().model_copy(update={"self_assessment": None})
    with pytest.raises(services.SelfAssessmentError, match="has no self-assessment"):
        services.assessment_start(actor=cast.olga, pack=bare, as_of=TODAY)


def test_answers_are_saved_and_only_changes_are_audited(cast: Cast) -> None:
    assessment = _start(cast)
    given = [
        services.AnswerInput("gov-senior-owner", 2, "Named in the scheme of delegation"),
        services.AnswerInput("gov-board-report", None),
    ]
    services.answers_save(
        actor=cast.olga, assessment=assessment, section_id="governance", answers=given
    )
    services.answers_save(
        actor=cast.olga, assessment=assessment, section_id="governance", answers=given
    )
    answer = Answer.objects.get(assessment=assessment)
    assert (answer.question_id, answer.level, answer.section_id) == (
        "gov-senior-owner",
        2,
        "governance",
    )
    [event] = AuditEvent.objects.filter(action="trustdesk.self_assessment.answered")
    assert event.data["answers"]["gov-senior-owner"]["old"] is None
    assert event.data["answers"]["gov-senior-owner"]["new"]["level"] == 2


@pytest.mark.parametrize(
    ("section", "answer", "message"),
    [
        ("nowhere", services.AnswerInput("gov-policy", 1), "has no section 'nowhere'"),
        ("governance", services.AnswerInput("dd-partners", 1), "has no question 'dd-partners'"),
        ("governance", services.AnswerInput("gov-policy", 9), "9 is not a level"),
    ],
)
def test_answers_must_fit_the_questionnaire(
    cast: Cast, section: str, answer: services.AnswerInput, message: str
) -> None:
    assessment = _start(cast)
    with pytest.raises(services.SelfAssessmentError, match=message):
        services.answers_save(
            actor=cast.olga, assessment=assessment, section_id=section, answers=[answer]
        )
    assert not Answer.objects.exists()


def test_gaps_become_proposed_actions_owned_by_the_proposer(cast: Cast) -> None:
    # given every answer at target (3) except two
    assessment = _start(cast)
    answer_all(cast.olga, assessment, 3, {"gov-board-report": 1, "it-cyber": 2})
    # when the actions are proposed
    made = services.actions_propose(actor=cast.olga, assessment=assessment, today=TODAY)
    # then one per gap, owned by the proposer, due in 90 days, not yet on anyone's desk
    assert sorted(a.question_id for a in made) == ["gov-board-report", "it-cyber"]
    assert {(a.owner, a.status, a.due_date) for a in made} == {
        (cast.olga, Action.Status.PROPOSED, TODAY + timedelta(days=90))
    }
    board = Action.objects.get(question_id="gov-board-report")
    assert (board.level, board.target, board.section_id) == (1, 3, "governance")
    assert board.title.startswith("Bring to “3 Established”: Does the governing body")
    assert not selectors.open_actions_for_owner(user=cast.olga).exists()


def test_a_gap_closed_before_completion_withdraws_its_proposal(cast: Cast) -> None:
    assessment = _start(cast)
    answer_all(cast.olga, assessment, 3, {"gov-board-report": 1})
    services.actions_propose(actor=cast.olga, assessment=assessment, today=TODAY)
    services.answers_save(
        actor=cast.olga,
        assessment=assessment,
        section_id="governance",
        answers=[services.AnswerInput("gov-board-report", 3)],
    )
    assert services.actions_propose(actor=cast.olga, assessment=assessment, today=TODAY) == []
    assert not Action.objects.exists()
    event = (
        AuditEvent.objects.filter(action="trustdesk.self_assessment_action.proposed")
        .order_by("sequence")
        .last()
    )
    assert event is not None
    assert event.data["withdrawn"] == ["gov-board-report"]


def test_completion_needs_every_answer_and_a_decision_on_every_gap(cast: Cast) -> None:
    assessment = _start(cast)
    services.answers_save(
        actor=cast.olga,
        assessment=assessment,
        section_id="governance",
        answers=[services.AnswerInput("gov-policy", 4)],
    )
    with pytest.raises(services.SelfAssessmentError, match=r"Answer every question .*24 to go"):
        services.assessment_complete(actor=cast.olga, assessment=assessment)
    answer_all(cast.olga, assessment, 3, {"pa-tne": 0})
    with pytest.raises(services.SelfAssessmentError, match="have no action yet"):
        services.assessment_complete(actor=cast.olga, assessment=assessment)


def test_completing_confirms_the_proposals_as_edited(cast: Cast) -> None:
    # given two proposals: one handed to Rita with a new date, one dropped with a reason
    assessment = _start(cast)
    answer_all(cast.olga, assessment, 3, {"pa-tne": 0, "tc-training": 2})
    services.actions_propose(actor=cast.olga, assessment=assessment, today=TODAY)
    tne = Action.objects.get(question_id="pa-tne")
    services.action_update(
        actor=cast.olga,
        action=tne,
        fields=services.ActionFields("Review TNE approvals", cast.rita, date(2027, 1, 31)),
    )
    training = Action.objects.get(question_id="tc-training")
    services.action_drop(actor=cast.olga, action=training, reason="Covered by the HR plan")
    # when the assessment is completed
    services.assessment_complete(actor=cast.olga, assessment=assessment)
    # then the kept proposal is open on Rita's desk and the dropped one stays dropped
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.COMPLETED
    assert assessment.completed_by == cast.olga
    tne.refresh_from_db()
    training.refresh_from_db()
    assert (tne.status, tne.owner, tne.title) == (
        Action.Status.OPEN,
        cast.rita,
        "Review TNE approvals",
    )
    assert (training.status, training.note) == (Action.Status.DROPPED, "Covered by the HR plan")
    assert list(selectors.open_actions_for_owner(user=cast.rita)) == [tne]
    event = AuditEvent.objects.get(action="trustdesk.self_assessment.completed")
    assert event.data["actions_confirmed"] == ["pa-tne"]
    with pytest.raises(services.SelfAssessmentError, match="can no longer change"):
        answer_all(cast.olga, assessment, 4)


def test_an_action_owner_or_a_manager_marks_it_done_and_nobody_else(cast: Cast) -> None:
    assessment = _start(cast)
    answer_all(cast.olga, assessment, 3, {"pa-tne": 0})
    services.actions_propose(actor=cast.olga, assessment=assessment, today=TODAY)
    action = Action.objects.get()
    services.action_update(
        actor=cast.olga,
        action=action,
        fields=services.ActionFields(action.title, cast.rita, action.due_date),
    )
    services.assessment_complete(actor=cast.olga, assessment=assessment)
    with pytest.raises(PermissionDenied, match="Only the action's owner"):
        services.action_complete(actor=cast.otto, action=action)
    done = services.action_complete(actor=cast.rita, action=action, note="Approvals reviewed")
    assert done.status == Action.Status.DONE
    assert done.done_at is not None
    with pytest.raises(services.SelfAssessmentError, match="Only an open action"):
        services.action_complete(actor=cast.olga, action=action)


def test_dropping_needs_a_reason_and_an_auditor_owns_nothing(cast: Cast) -> None:
    assessment = _start(cast)
    answer_all(cast.olga, assessment, 3, {"pa-tne": 0})
    [action] = services.actions_propose(actor=cast.olga, assessment=assessment, today=TODAY)
    with pytest.raises(services.SelfAssessmentError, match="Say why"):
        services.action_drop(actor=cast.olga, action=action, reason=" ")
    with pytest.raises(services.SelfAssessmentError, match="An auditor"):
        services.action_update(
            actor=cast.olga,
            action=action,
            fields=services.ActionFields(action.title, cast.aude, action.due_date),
        )


def test_results_compare_each_question_and_section_with_the_previous_completed(
    cast: Cast,
) -> None:
    # given last year's assessment, and this year's with governance up, IT down, the rest same
    completed(cast.olga, date(2025, 11, 30), 2, {"it-cyber": 3})
    current = _start(cast)
    answer_all(cast.olga, current, 2, {"gov-board-report": 4, "it-cyber": 1})
    # when the results are read
    result = selectors.assessment_result(current)
    # then each question and section says which way it moved
    governance = result.section("governance")
    it = result.section("it-data")
    risk = result.section("risk")
    assert governance is not None
    assert it is not None
    assert risk is not None
    assert (governance.previous_average, governance.average, governance.change) == (2.0, 2.5, "up")
    assert (it.previous_average, it.average, it.change) == (2.3, 1.7, "down")
    assert risk.change == "same"
    changes = {q.question.id: q.change for s in result.sections for q in s.questions}
    assert changes["gov-board-report"] == "up"
    assert changes["it-cyber"] == "down"
    assert changes["risk-register"] == "same"
    assert result.previous is not None
    assert result.previous.as_of == date(2025, 11, 30)


def test_a_first_assessment_reads_as_new_everywhere(cast: Cast) -> None:
    current = _start(cast)
    answer_all(cast.olga, current, 1)
    result = selectors.assessment_result(current)
    assert result.previous is None
    assert {s.change for s in result.sections} == {"new"}


def test_the_governing_body_summary_reads_the_latest_completed_on_or_before_the_date(
    cast: Cast,
) -> None:
    assert selectors.self_assessment_summary(as_of=TODAY) is None
    with time_machine.travel(datetime(2025, 12, 1, 9, tzinfo=UTC), tick=False):
        completed(cast.olga, date(2025, 11, 30), 2, today=date(2025, 12, 1))
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=UTC), tick=False):
        latest = completed(cast.olga, TODAY, 3, {"pa-tne": 1}, today=date(2026, 12, 1))
    # as at mid-2026, the 2025 assessment: its 25 gaps (level 2 < 3) are open, 25 overdue
    mid = selectors.self_assessment_summary(as_of=date(2026, 6, 30))
    assert mid is not None
    assert mid.as_of == date(2025, 11, 30)
    assert (mid.average, mid.previous_average, mid.previous_as_of) == (2.0, None, None)
    assert (mid.open_actions, mid.overdue_actions) == (25, 25)
    # as at the end of 2026, the latest, against the 2025 one
    end = selectors.self_assessment_summary(as_of=date(2026, 12, 31))
    assert end is not None
    assert end.public_id == latest.public_id
    assert end.previous_as_of == date(2025, 11, 30)
    governance = next(s for s in end.sections if s.section_id == "governance")
    assert (governance.average, governance.previous_average, governance.change) == (3.0, 2.0, "up")
    assert end.open_actions == 26
    assert end.max_level == 4
