"""Triage services: starting, answering, completing, reopening, attaching and re-running."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from tests import factories
from tests.web.cases.conftest import Cast, fields
from tests.web.triage.conftest import LISTED, PACK, Answer, Completed
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement, EngagementPartner
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.partners import services as partner_services
from trustdesk.web.partners.models import ScreeningHit, ScreeningRun
from trustdesk.web.triage import selectors, services
from trustdesk.web.triage.answers import evaluate
from trustdesk.web.triage.models import TriageSession

pytestmark = pytest.mark.django_db


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def test_a_stand_alone_triage_starts_as_a_draft_under_the_configured_pack(cast: Cast) -> None:
    session = services.triage_start(actor=cast.rita)

    assert (session.status, session.pack_id, session.pack_version) == ("draft", "web-test", "1.0")
    assert session.answers == {}
    assert len(session.pack_digest) == 64
    [event] = _events("trustdesk.triage.started")
    assert (event.target_type, event.data["pack"]) == ("triage.triagesession", "web-test@1.0")


def test_starting_from_an_engagement_prefills_what_its_record_says(cast: Cast) -> None:
    engagement = case_services.engagement_create(
        actor=cast.rita,
        fields=fields(
            countries=["FR"], funding_amount=Decimal("250000.00"), funding_currency="gbp"
        ),
    )
    org = factories.make_organisation(cast.rita, "Université Exemple")
    case_services.engagement_partner_add(
        actor=cast.rita, engagement=engagement, partner=org, role="partner_institution"
    )

    session = services.triage_start(actor=cast.rita, engagement=engagement)

    assert session.answers == {
        "activity": "research_collaboration",
        "partner_country": "FR",
        "tech_areas": ["quantum-sensing"],  # "quantum sensing"; "metrology" is no area
        "partner_name": "Université Exemple",
        "funding": 250000,
        "start_date": "2026-05-01",
    }
    [event] = _events("trustdesk.triage.started")
    assert (event.target_type, event.target_id) == ("cases.engagement", str(engagement.pk))


def test_an_amount_in_another_currency_is_not_prefilled(cast: Cast) -> None:
    engagement = case_services.engagement_create(
        actor=cast.rita, fields=fields(funding_amount=Decimal("10.00"), funding_currency="eur")
    )

    session = services.triage_start(actor=cast.rita, engagement=engagement)

    assert "funding" not in session.answers


def test_nobody_starts_a_triage_for_an_engagement_they_are_not_on(cast: Cast) -> None:
    engagement = case_services.engagement_create(actor=cast.otto, fields=fields())

    with pytest.raises(PermissionDenied, match="engagements you own or are on the team of"):
        services.triage_start(actor=cast.rita, engagement=engagement)
    with pytest.raises(
        PermissionDenied, match=r"^Your role does not allow you to propose engagements\.$"
    ):
        services.triage_start(actor=cast.alan)


def test_a_follow_up_question_is_asked_only_after_the_answer_that_needs_it(
    cast: Cast, answer: Answer
) -> None:
    session = services.triage_start(actor=cast.rita)
    current = selectors.pack()
    assert "tech_areas" not in evaluate(current, session.answers).asked

    session = answer(session, cast.rita, sensitive_tech=True)
    assert "tech_areas" in evaluate(current, session.answers).asked

    session = answer(session, cast.rita, sensitive_tech=False)
    assert "tech_areas" not in evaluate(current, session.answers).asked


def test_saving_clears_answers_given_as_none_and_keeps_the_others(
    cast: Cast, answer: Answer
) -> None:
    session = services.triage_start(actor=cast.rita)
    session = answer(session, cast.rita, sensitive_tech=True, tech_areas=["quantum-sensing"])

    session = services.triage_answers_save(
        actor=cast.rita,
        session=session,
        answers={"sensitive_tech": None},
        questions=["sensitive_tech"],
    )

    assert TriageSession.objects.get(pk=session.pk).answers == {"tech_areas": ["quantum-sensing"]}


def test_only_the_owner_saves_answers(cast: Cast, answer: Answer) -> None:
    session = services.triage_start(actor=cast.rita)

    with pytest.raises(PermissionDenied, match="Only the person who started this triage"):
        answer(session, cast.olga, sensitive_tech=True)


def test_completing_needs_an_answer_to_every_question_asked(cast: Cast, answer: Answer) -> None:
    session = services.triage_start(actor=cast.rita)
    session = answer(session, cast.rita, sensitive_tech=True, funding="lots")

    with pytest.raises(services.AnswersIncomplete) as caught:
        services.triage_complete(actor=cast.rita, session=session)

    errors = caught.value.errors
    assert errors["tech_areas"] == services.NEEDS_ANSWER
    assert errors["funding"] == "amount question expects a number, zero or more"
    assert "data_types" not in errors  # a multiple choice may be left empty
    assert set(errors) == {
        "activity", "partner_country", "tech_areas", "partner_name", "funding", "start_date"
    }  # fmt: skip
    assert TriageSession.objects.get(pk=session.pk).status == "draft"


def test_a_typical_case_completes_with_its_outcome_and_an_audit_event(
    cast: Cast, completed: Completed
) -> None:
    session = completed(cast.rita)

    assert session.status == "completed"
    assert session.completed_at is not None
    outcome = session.outcome
    assert outcome is not None
    assert (outcome["pack_id"], outcome["tier"]["id"], outcome["processes"]) == (
        "web-test", "basic", []
    )  # fmt: skip
    [event] = _events("trustdesk.triage.completed")
    assert event.data["tier"] == "basic"
    assert event.data["triage"] == str(session.public_id)


def test_sensitive_work_with_a_sanctioned_country_gives_enhanced_due_diligence_with_reasons(
    cast: Cast, completed: Completed
) -> None:
    session = completed(
        cast.rita,
        activity="visiting_researcher",
        partner_country="RU",
        sensitive_tech=True,
        tech_areas=["quantum-sensing"],
    )

    outcome = session.outcome
    assert outcome is not None
    assert outcome["tier"]["id"] == "enhanced"
    assert [p["id"] for p in outcome["processes"]] == ["export-licence", "atas", "due-diligence"]
    atas = outcome["processes"][1]
    assert atas["notice"].startswith("The legal basis of ATAS changed in 2026")
    [reason] = outcome["tier"]["reasons"]
    # The test pack has no country profiles, so the country is named by its code.
    assert reason["because"] == [
        "Partner country RU has a UK sanctions regime",
        "Sensitive technology is yes",
    ]


def test_an_organisation_answer_is_screened_and_its_hit_goes_into_the_outcome(
    cast: Cast, completed: Completed, watch_list: str
) -> None:
    session = completed(cast.rita, partner_name=LISTED)

    [hit] = session.hits
    assert (hit["source"], hit["entry_id"], hit["status"]) == (watch_list, "TT-001", "unresolved")
    assert session.answer_screening["partner_name"]["name"] == LISTED
    outcome = session.outcome
    assert outcome is not None
    assert [p["id"] for p in outcome["processes"]] == ["due-diligence"]
    because = outcome["processes"][0]["reasons"][0]["because"]
    assert any("Triage test list" in b and "TT-001" in b for b in because)


def test_an_overlong_name_is_not_screened_and_is_reported_on_its_question(
    cast: Cast, answer: Answer, watch_list: str
) -> None:
    # given a pasted "name" far longer than any legal name
    session = services.triage_start(actor=cast.rita)

    session = answer(session, cast.rita, partner_name=LISTED + " x" * 5000)

    # then it costs no screening, and the engine's reason is shown next to the question
    assert session.answer_screening == {}
    errors = evaluate(selectors.pack(), session.answers).errors
    assert errors["partner_name"].endswith("at most 300 characters")


def test_a_name_on_no_list_gives_no_hit(cast: Cast, completed: Completed, watch_list: str) -> None:
    session = completed(cast.rita)

    assert session.hits == []
    assert session.answer_screening["partner_name"]["hits"] == []


def _engagement_with_listed_partner(cast: Cast) -> tuple[Engagement, ScreeningHit]:
    engagement = case_services.engagement_create(actor=cast.rita, fields=fields())
    org = factories.make_organisation(cast.rita, LISTED)
    run = ScreeningRun.objects.get(organisation=org)
    partner_services.screening_run(run_id=str(run.public_id), actor="test:triage")
    case_services.engagement_partner_add(
        actor=cast.rita,
        engagement=engagement,
        partner=org,
        role=EngagementPartner.Role.COLLABORATOR,
    )
    return engagement, ScreeningHit.objects.get(run__organisation=org)


def test_partner_hits_flow_in_and_an_officers_dismissal_changes_the_outcome_on_re_run(
    cast: Cast, completed: Completed, watch_list: str
) -> None:
    engagement, hit = _engagement_with_listed_partner(cast)
    session = completed(cast.rita, engagement, sensitive_tech=True, tech_areas=["propulsion"])
    assert session.outcome is not None
    assert [v["id"] for v in session.outcome["verdicts"]] == ["cannot-proceed"]
    assert [(h["origin"], h["status"]) for h in session.hits] == [("partner", "unresolved")]
    assert selectors.staleness(session=session, current=selectors.pack()) == []

    partner_services.hit_adjudicate(
        actor=cast.olga, hit=hit, verdict="false_positive", reason="Different institute"
    )
    stale = selectors.staleness(session=session, current=selectors.pack())
    session = services.triage_rerun(actor=cast.olga, session=session)

    assert stale == [
        "The screening of the engagement's partners changed (new hits or adjudications)."
    ]
    assert session.outcome is not None
    assert session.outcome["verdicts"] == []
    assert session.outcome["tier"]["id"] == "standard"
    assert [h["status"] for h in session.hits] == ["false_positive"]
    assert session.completed_by == cast.olga
    [event] = _events("trustdesk.triage.rerun")
    assert (event.data["old_tier"], event.data["tier"]) == ("enhanced", "standard")
    assert selectors.staleness(session=session, current=selectors.pack()) == []


def test_a_new_pack_version_makes_the_outcome_stale(
    cast: Cast, completed: Completed, settings: Any, tmp_path: Path
) -> None:
    session = completed(cast.rita)
    newer = tmp_path / "web-test.yaml"
    newer.write_text(PACK.read_text().replace('version: "1.0"', 'version: "1.1"'))
    settings.TRUSTDESK_POLICY_PACK = str(newer)

    stale = selectors.staleness(session=session, current=selectors.pack())

    assert stale == ["The policy pack changed: triaged under web-test 1.0, now web-test 1.1."]


def test_only_officers_re_run_and_only_completed_triage(cast: Cast, completed: Completed) -> None:
    session = completed(cast.rita)
    draft = services.triage_start(actor=cast.rita)

    with pytest.raises(PermissionDenied, match=r"^Your role does not allow you to review cases\.$"):
        services.triage_rerun(actor=cast.rita, session=session)
    with pytest.raises(services.NotCompleted):
        services.triage_rerun(actor=cast.olga, session=draft)


def test_reopening_returns_a_draft_and_is_audited(cast: Cast, completed: Completed) -> None:
    session = completed(cast.rita)

    session = services.triage_reopen(actor=cast.rita, session=session)

    assert (session.status, session.outcome, session.completed_at) == ("draft", None, None)
    [event] = _events("trustdesk.triage.reopened")
    assert event.data["old_tier"] == "basic"
    with pytest.raises(services.NotCompleted):
        services.triage_reopen(actor=cast.rita, session=session)


def test_a_completed_triage_is_not_answered_again_without_reopening(
    cast: Cast, completed: Completed, answer: Answer
) -> None:
    session = completed(cast.rita)

    with pytest.raises(services.NotADraft, match="reopen it to change the answers"):
        answer(session, cast.rita, funding=1)


def test_attaching_puts_a_stand_alone_triage_on_the_owners_engagement_audited(
    cast: Cast, completed: Completed
) -> None:
    session = completed(cast.rita)
    engagement = case_services.engagement_create(actor=cast.rita, fields=fields())

    session = services.triage_attach(actor=cast.rita, session=session, engagement=engagement)

    assert session.engagement == engagement
    [event] = _events("trustdesk.triage.attached")
    assert (event.target_type, event.target_id) == ("cases.engagement", str(engagement.pk))
    with pytest.raises(services.AlreadyAttached):
        services.triage_attach(actor=cast.rita, session=session, engagement=engagement)


def test_nobody_attaches_to_an_engagement_they_are_not_on(cast: Cast, completed: Completed) -> None:
    session = completed(cast.rita)
    theirs = case_services.engagement_create(actor=cast.otto, fields=fields())

    with pytest.raises(PermissionDenied, match="engagements you own or are on the team of"):
        services.triage_attach(actor=cast.rita, session=session, engagement=theirs)


def test_the_engagement_page_summary_shows_the_latest_completed_triage(
    cast: Cast, completed: Completed
) -> None:
    engagement = case_services.engagement_create(
        actor=cast.rita, fields=fields(team=[cast.tom], start_date=date(2027, 1, 1))
    )
    first = completed(cast.rita, engagement)
    second = completed(cast.rita, engagement, funding=2_000_000)

    for_tom = selectors.engagement_triage(user=cast.tom, engagement=engagement)
    for_olga = selectors.engagement_triage(user=cast.olga, engagement=engagement)

    assert for_tom.latest == second != first
    assert (for_tom.can_start, for_tom.can_rerun) == (True, False)
    assert (for_olga.can_start, for_olga.can_rerun) == (False, True)


def test_the_uk_pack_is_prefilled_from_an_engagement_but_never_with_a_nationality(
    cast: Cast, settings: Any
) -> None:
    settings.TRUSTDESK_POLICY_PACK = "gb-base"
    engagement = case_services.engagement_create(
        actor=cast.rita,
        fields=fields(
            kind=Engagement.Kind.VISITING_RESEARCHER,
            countries=["CN", "DE"],
            research_areas=["Quantum sensing", "history"],
            funding_amount=Decimal("80000.00"),
            funding_currency="gbp",
        ),
    )

    session = services.triage_start(actor=cast.rita, engagement=engagement)

    assert session.answers == {
        "engagement_kind": ["visitor"],
        "partner_country": "CN",
        "travel_country": "CN",
        "research_areas": ["quantum-sensing", "history"],
        "funding_amount": 80000,
    }
    assert session.pack_id == "gb-base"


def test_an_answer_screening_records_its_coverage(
    cast: Cast, completed: Completed, watch_list: str
) -> None:
    session = completed(cast.rita, partner_name=LISTED)

    coverage = session.answer_screening["partner_name"]["coverage"]
    assert [c["source"] for c in coverage["consulted"]] == [watch_list]
    assert coverage["sanctions_checked"] is False
    assert "un-sc" in {m["source"] for m in coverage["missing"]}


def test_a_wordless_name_is_not_screened_and_is_reported_on_its_question(
    cast: Cast, answer: Answer, watch_list: str
) -> None:
    session = services.triage_start(actor=cast.rita)

    session = answer(session, cast.rita, partner_name="---")

    assert session.answer_screening == {}
    errors = evaluate(selectors.pack(), session.answers).errors
    assert errors["partner_name"].endswith("with a word in it, not only punctuation")
