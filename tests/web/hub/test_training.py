"""Training: quiz passes with expiry, reminders, completion by department, the submission gate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, override_settings

from tests import factories
from tests.web.hub.conftest import Cast
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.hub import forms, selectors, services
from trustdesk.web.hub.models import TrainingCompletion, TrainingModule
from trustdesk.web.notify.models import Notification
from trustdesk.web.triage import services as triage_services

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
RIGHT = [0, 1]
WESSEX = "example-uk-university"


def make_module(key: str = "hosting-visitors", **overrides: object) -> TrainingModule:
    values: dict[str, object] = {
        "key": key,
        "title": "Hosting international visitors",
        "body": "## Before the visit\n\nAnswer triage.",
        "questions": [
            ("Who answers triage?", ["The host", "The visitor"], 0),
            ("What does a visitor get access to?", ["Everything", "What was agreed"], 1),
        ],
        "pass_mark": 100,
        "valid_days": 365,
    }
    values.update(overrides)
    return services.module_save(actor="test", fields=services.ModuleFields(**values))  # type: ignore[arg-type]


def test_a_pass_is_recorded_with_its_expiry_and_audited(cast: Cast) -> None:
    module = make_module()

    result = services.module_attempt(actor=cast.rita, module=module, answers=RIGHT, now=NOW)

    assert (result.score, result.passed, result.wrong) == (100, True, [])
    completion = TrainingCompletion.objects.get()
    assert (completion.user, completion.expires_at) == (cast.rita, NOW + dt.timedelta(days=365))
    event = AuditEvent.objects.get(action="trustdesk.training.attempted")
    assert event.data == {"score": 100, "passed": True, "pass_mark": 100}


def test_a_fail_names_the_wrong_questions_and_records_no_pass(cast: Cast) -> None:
    module = make_module()

    result = services.module_attempt(actor=cast.rita, module=module, answers=[0, 0], now=NOW)

    assert (result.score, result.passed, result.wrong, result.completion) == (50, False, [2], None)
    assert TrainingCompletion.objects.count() == 0
    assert AuditEvent.objects.get(action="trustdesk.training.attempted").data["passed"] is False


def test_every_question_needs_an_answer(cast: Cast) -> None:
    with pytest.raises(services.GuidanceInvalid, match=services.ANSWER_EVERY_QUESTION):
        services.module_attempt(actor=cast.rita, module=make_module(), answers=[0, None])


def test_an_auditor_reads_modules_but_leaves_no_pass(cast: Cast) -> None:
    with pytest.raises(PermissionDenied, match="propose engagements"):
        services.module_attempt(actor=cast.aude, module=make_module(), answers=RIGHT)


def test_a_pass_about_to_lapse_is_reminded_once(cast: Cast) -> None:
    module = make_module()
    services.module_attempt(actor=cast.rita, module=module, answers=RIGHT, now=NOW)
    services.module_attempt(actor=cast.otto, module=module, answers=RIGHT, now=NOW)
    # Otto took it again later: his newer pass runs well past the warning window.
    services.module_attempt(
        actor=cast.otto, module=module, answers=RIGHT, now=NOW + dt.timedelta(days=200)
    )
    soon = NOW + dt.timedelta(days=340)

    reminded = services.training_reminders_send(now=soon)
    again = services.training_reminders_send(now=soon + dt.timedelta(days=1))

    assert ([c.user for c in reminded], again) == ([cast.rita], [])
    note = Notification.objects.get(kind=Notification.Kind.TRAINING_EXPIRING)
    assert note.text == (
        "Your pass of the training module “Hosting international visitors” expires on "
        "2027-03-02: take it again to keep it."
    )


def test_a_champion_sees_completion_for_their_department_only(cast: Cast) -> None:
    module = make_module()
    services.module_attempt(actor=cast.rita, module=module, answers=RIGHT, now=NOW)
    services.module_attempt(actor=cast.otto, module=module, answers=RIGHT, now=NOW)

    rows = selectors.completion_by_department(viewer=cast.cara, now=NOW)
    everyone = selectors.completion_by_department(viewer=cast.olga, now=NOW)

    assert [(r.department, r.people, [n for _, n in r.passed]) for r in rows] == [
        ("Physics", 2, [1])  # Rita and Cara; Rita passed
    ]
    assert [(r.department, r.people, [n for _, n in r.passed]) for r in everyone] == [
        ("Chemistry", 1, [1]),
        ("Physics", 2, [1]),
        ("No department", 2, [0]),  # Olga and Aude
    ]


def test_a_researcher_takes_the_quiz_through_the_page(cast: Cast) -> None:
    module = make_module()
    client = Client()
    client.force_login(cast.rita)

    failed = client.post(module.get_absolute_url(), {"q1": "0", "q2": "0"})
    passed = client.post(module.get_absolute_url(), {"q1": "0", "q2": "1"})

    assert failed.status_code == 200
    assert "Not passed: 50%." in failed.content.decode()
    assert passed.status_code == 302
    assert TrainingCompletion.objects.get().user == cast.rita


def _visit(owner: object) -> Engagement:
    return factories.make_engagement(
        owner, title="Visiting fellow", kind=Engagement.Kind.VISITING_RESEARCHER
    )


@override_settings(TRUSTDESK_POLICY_PACK=WESSEX)
def test_the_pack_gates_submission_until_the_module_is_passed(cast: Cast) -> None:
    module = make_module()
    engagement = _visit(cast.rita)

    with pytest.raises(case_services.NotReady) as refused:
        case_services.engagement_submit(actor=cast.rita, engagement=engagement)
    services.module_attempt(actor=cast.rita, module=module, answers=RIGHT)
    submitted = case_services.engagement_submit(actor=cast.rita, engagement=engagement)

    assert str(refused.value) == (
        "Pass the training this engagement needs before submitting it: "
        "“Hosting international visitors”."
    )
    assert submitted.status == Engagement.Status.SUBMITTED


@override_settings(TRUSTDESK_POLICY_PACK=WESSEX)
def test_a_lapsed_pass_no_longer_counts(cast: Cast) -> None:
    module = make_module()
    services.module_attempt(
        actor=cast.rita, module=module, answers=RIGHT, now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    engagement = _visit(cast.rita)

    with pytest.raises(case_services.NotReady, match="Hosting international visitors"):
        case_services.engagement_submit(actor=cast.rita, engagement=engagement)


def test_without_a_requirement_in_the_pack_nothing_is_gated(cast: Cast) -> None:
    make_module()
    engagement = _visit(cast.rita)

    submitted = case_services.engagement_submit(actor=cast.rita, engagement=engagement)

    assert submitted.status == Engagement.Status.SUBMITTED


@override_settings(TRUSTDESK_POLICY_PACK=WESSEX)
def test_triage_tells_the_researcher_which_training_the_submission_needs(cast: Cast) -> None:
    module = make_module()
    engagement = _visit(cast.rita)
    session = triage_services.triage_start(actor=cast.rita, engagement=engagement)
    session = triage_services.triage_answers_save(
        actor=cast.rita,
        session=session,
        answers={"engagement_kind": ["staff-travel"], "travel_country": "DE"},
        questions=["engagement_kind", "travel_country"],
    )
    session = triage_services.triage_answers_save(
        actor=cast.rita,
        session=session,
        answers={"research_areas": ["history"], "travel_carrying": ["nothing"]},
        questions=["research_areas", "travel_carrying"],
    )
    session = triage_services.triage_complete(actor=cast.rita, session=session)
    client = Client()
    client.force_login(cast.rita)

    html = client.get(session.get_absolute_url()).content.decode()

    assert "Training before you submit" in html
    assert (
        f'<a href="{module.get_absolute_url()}">Hosting international visitors</a>: '
        "<strong>not yet passed</strong>"
    ) in html


def test_the_pack_engine_knows_every_kind_an_engagement_can_have() -> None:
    from trustdesk.policy.models import ENGAGEMENT_KINDS

    assert list(ENGAGEMENT_KINDS) == list(Engagement.Kind.values)


QUIZ = """Who answers triage for a visit?
* The host
- The visitor

What may a visitor use?
- Everything
* What was agreed
"""


def test_an_officer_writes_a_module_with_its_quiz_through_the_form(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.olga)
    form = {
        "key": "hosting",
        "title": "Hosting",
        "summary": "",
        "body": "Text.",
        "quiz": QUIZ,
        "pass_mark": "100",
        "valid_days": "365",
    }

    response = client.post("/guidance/training/new/", form)

    assert response.status_code == 302
    module = TrainingModule.objects.get(key="hosting")
    assert [(q.text, q.options, q.answer) for q in module.quiz()] == [
        ("Who answers triage for a visit?", ("The host", "The visitor"), 0),
        ("What may a visitor use?", ("Everything", "What was agreed"), 1),
    ]
    assert forms.quiz_text(module) == QUIZ.strip()


def test_a_quiz_block_without_one_right_answer_is_refused() -> None:
    with pytest.raises(ValidationError, match="Question 2 needs two or more options"):
        forms.parse_quiz("Q1\n* a\n- b\n\nQ2\n- a\n- b")


@override_settings(TRUSTDESK_POLICY_PACK=WESSEX)
def test_a_requirement_whose_module_is_not_loaded_holds_nothing_up(cast: Cast) -> None:
    engagement = _visit(cast.rita)  # the pack names "hosting-visitors"; the hub has no such module

    submitted = case_services.engagement_submit(actor=cast.rita, engagement=engagement)

    assert submitted.status == Engagement.Status.SUBMITTED


@override_settings(TRUSTDESK_POLICY_PACK=WESSEX)
def test_the_case_page_shows_the_training_its_submission_needs(cast: Cast) -> None:
    module = make_module()
    engagement = _visit(cast.rita)
    client = Client()
    client.force_login(cast.cara)  # the department's champion, helping Rita

    before = client.get(engagement.get_absolute_url()).content.decode()
    services.module_attempt(actor=cast.rita, module=module, answers=RIGHT)
    after = client.get(engagement.get_absolute_url()).content.decode()

    link = f'<a href="{module.get_absolute_url()}">Hosting international visitors</a>'
    assert f"{link}: not yet passed by Rita Tester" in before
    assert f"{link}: passed" in after
