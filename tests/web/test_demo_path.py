"""The demo holds a case at every stage of the path from triage to a defensible decision.

Each test names a stage a new user should be able to open in the demo and see: assessed risk
with an officer's override, a mitigation plan from the pack, the officer and a researcher's
evidence, a decision on each route (officer, approver, committee with votes and conditions), a
referral back, a committee still voting, an overdue mitigation, questions waiting and a review
brought forward by a change. All of it made by the services, so a rule change breaks it here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db.models import F
from django.test import Client, override_settings

from trustdesk.web import demo, demo_data
from trustdesk.web.accounts.models import User
from trustdesk.web.assessments.models import AreaRating, RatingOverride, RiskAssessment
from trustdesk.web.cases.models import Engagement
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.core.audit import verify_chain
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.decisions.models import CommitteeSeat, Decision, Recommendation, Vote
from trustdesk.web.mitigations import files
from trustdesk.web.mitigations import selectors as mitigation_selectors
from trustdesk.web.mitigations.models import EvidenceFile, MitigationItem

pytestmark = pytest.mark.django_db
ACTOR = "cli:tester@host"
COMMITTEE_CASE = "Icing of civil airliner wings"
VOTING_CASE = "Thermal-control coatings for small satellites"


@pytest.fixture(scope="module", autouse=True)
def _loaded(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """The demo, loaded and committed once for the module: each test only reads it, inside its
    own rolled-back transaction. The tables are emptied after the module, as after a
    transactional test, so the tests after it start from an empty database.
    """
    home = tmp_path_factory.mktemp("demo-home")  # the demo's evidence file is written there
    tasks = replace(TaskSettings(), redis_url="")
    with override_settings(HOME=home, TRUSTDESK_TASKS=tasks), django_db_blocker.unblock():
        try:
            demo.demo_load(actor=ACTOR, force=not django_settings.EMBEDDED)
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)


def _case(title: str) -> Engagement:
    return Engagement.objects.get(title__startswith=title)


def test_every_case_ends_in_the_status_its_data_names() -> None:
    ended = dict(Engagement.objects.values_list("title", "status"))

    assert ended == {e.title: e.expected_status for e in demo_data.ENGAGEMENTS}


def test_a_risk_assessment_keeps_the_computed_and_the_officers_rating() -> None:
    changed = AreaRating.objects.exclude(chosen=F("computed")).get()
    override = RatingOverride.objects.get()

    assert changed.assessment.engagement == _case(COMMITTEE_CASE)
    assert (changed.area, changed.chosen, changed.chosen_by.username) == (
        "reputation-and-values",
        "medium",
        "hkowalczyk",
    )
    assert changed.computed != changed.chosen
    assert override.justification.startswith("Icing data for civil certification")
    assert RiskAssessment.objects.values("engagement").distinct().count() >= 3


def test_a_plan_has_pack_officer_and_condition_items_and_evidence_of_one_done() -> None:
    case = _case(COMMITTEE_CASE)
    items = MitigationItem.objects.filter(engagement=case)
    done = items.get(status=MitigationItem.Status.DONE)
    evidence = EvidenceFile.objects.get(item=done)

    assert set(items.values_list("source", flat=True)) == set(MitigationItem.Source.values)
    assert (done.source, done.owner.username) == ("officer", "aokafor")
    assert (evidence.original_name, evidence.content_type) == (
        "data-sharing-list.txt",
        "text/plain",
    )
    assert evidence.uploaded_by == case.owner
    assert files.path_of(evidence.stored_path).read_bytes().startswith(b"Data to be shared")


def test_each_route_has_a_decision() -> None:
    routes = {(d.route, d.tier) for d in Decision.objects.all()}

    assert {
        ("officer", "standard"),
        ("approver", "enhanced"),
        ("committee", "escalated"),
    } <= routes


def test_the_committee_decided_with_votes_reasons_and_conditions() -> None:
    case = _case(COMMITTEE_CASE)
    decision = Decision.objects.get(engagement=case)
    votes = list(Vote.objects.filter(recommendation__engagement=case).order_by("cast_at", "pk"))

    assert (case.status, decision.route, decision.outcome) == (
        "decided",
        "committee",
        "approve_with_conditions",
    )
    assert [(v.voter.username, v.outcome) for v in votes] == [
        ("mthornbury", "approve_with_conditions"),
        ("rvance", "refer_back"),
        ("lfairbairn", "approve_with_conditions"),
    ]
    assert all(v.reason for v in votes)
    assert decision.decided_by.username == "lfairbairn"  # the vote that met the quorum
    assert [c["text"] for c in decision.conditions] == [
        "Export-control check of the simulation code before any copy goes to Beihang.",
        "Six-monthly note to the research-security office of what was shared.",
    ]
    tracked = MitigationItem.objects.filter(engagement=case, source="condition")
    assert tracked.count() == 2


def test_the_committee_has_four_approvers_in_its_seats() -> None:
    seats = dict(CommitteeSeat.objects.values_list("seat", "holder__username"))

    assert seats == dict(demo_data.COMMITTEE_SEATS)
    assert set(User.objects.filter(username__in=seats.values()).values_list("role", flat=True)) == {
        "approver"
    }


def test_a_case_waits_for_the_third_committee_vote() -> None:
    case = _case(VOTING_CASE)
    round_ = Recommendation.objects.get(engagement=case, decision__isnull=True)

    assert case.status == "in_review"
    assert round_.votes.count() == 2
    assert not Decision.objects.filter(engagement=case).exists()


def test_a_case_was_referred_back_to_its_researcher() -> None:
    referred = Decision.objects.get(outcome="refer_back")

    assert referred.engagement.status == "draft"
    assert referred.route == "officer"


def test_a_mitigation_is_overdue_and_on_the_officers_queue() -> None:
    officer = User.objects.get(username="oadeyemi")
    overdue = list(mitigation_selectors.overdue_items(officer))

    assert [i.title for i in overdue] == [
        "Send the first staff-exchange report (who visited, which systems they used)"
    ]
    assert mitigation_selectors.has_overdue(engagement=overdue[0].engagement)
    assert overdue[0].engagement.status == "active"


def test_questions_wait_on_one_case_and_were_answered_on_another() -> None:
    waiting = Engagement.objects.get(status="awaiting_information")
    answered = _case(COMMITTEE_CASE)

    assert waiting.information_requests.filter(answered_at__isnull=True).count() == 2
    assert [r.answered_by.username for r in answered.information_requests.all()] == ["aokafor"]


def test_a_change_after_the_decision_brought_a_review_forward() -> None:
    event = AuditEvent.objects.get(action="trustdesk.assessment.review_triggered")
    case = Engagement.objects.get(pk=int(event.target_id))

    assert case.title.startswith("Licence of the low-temperature ammonia catalyst patent")
    assert case.status == "review_due"
    assert event.data == {"triggers": ["partners_changed"]}


def test_the_audit_chain_holds_the_whole_path() -> None:
    actions = set(AuditEvent.objects.values_list("action", flat=True))

    assert verify_chain().intact
    assert {
        "trustdesk.assessment.computed",
        "trustdesk.assessment.overridden",
        "trustdesk.mitigation.proposed",
        "trustdesk.mitigation.added",
        "trustdesk.mitigation.evidence_added",
        "trustdesk.mitigation.completed",
        "trustdesk.mitigation.conditions_recorded",
        "trustdesk.decision.recommended",
        "trustdesk.decision.voted",
        "trustdesk.decision.seat_assigned",
        "trustdesk.information.answered",
    } <= actions


def test_the_senior_owner_reads_the_demos_figures_across_departments() -> None:
    """Gillian Brathwaite, the senior responsible owner, sees every case counted and none named."""
    owner = User.objects.get(role=User.Role.SENIOR_OWNER)
    client = Client()
    client.force_login(owner)

    response = client.get("/leadership/", {"start": "2000-01-01"})

    board = response.context["board"]
    assert board.engagements == Engagement.objects.count()
    assert board.decisions_by_outcome.total == Decision.objects.count()
    assert len(board.by_department.rows) >= 4
    assert sum(board.heat.counts.values()) > 0
    assert _case(COMMITTEE_CASE).title.encode() not in response.content
