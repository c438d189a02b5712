"""Assessment services: running, overriding, who may, and what each run records."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from tests.web.assessments.conftest import Case
from tests.web.cases.conftest import Advance, Cast
from tests.web.triage.conftest import LIST_SOURCE, LISTED
from trustdesk.policy.assessment import (
    NOTHING_RAISED,
    OVERRIDE_NO_JUSTIFICATION,
    OVERRIDE_UNCHANGED,
    OVERRIDE_UNKNOWN_AREA,
)
from trustdesk.web.assessments import selectors, services
from trustdesk.web.assessments.models import AreaRating, RatingOverride, RiskAssessment
from trustdesk.web.cases.models import Engagement
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.lists.models import ListEntry, ListSource
from trustdesk.web.partners import services as partner_services
from trustdesk.web.partners.models import ScreeningRun

pytestmark = pytest.mark.django_db
Status = Engagement.Status


def _ratings(record: RiskAssessment) -> dict[str, tuple[str, str]]:
    return {a.area: (a.computed, a.chosen) for a in record.areas.all()}


def test_a_run_rates_every_area_and_records_what_it_rested_on(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, hit = in_review()
    assert hit is not None

    record = services.assessment_run(actor=cast.olga, engagement=engagement)

    assert _ratings(record) == {
        "reputation-and-values": ("low", "low"),
        "people": ("low", "low"),
        "campuses": ("low", "low"),
        "partnerships": ("high", "high"),
    }
    partnerships = record.typed.areas[3]
    assert [r.rule for r in partnerships.reasons] == ["partner-possible"]
    assert [r.text for r in record.typed.areas[0].reasons] == [NOTHING_RAISED]
    assert (record.pack_id, record.pack_version) == ("assess-test", "1.0")
    assert record.triage_session.engagement_id == engagement.pk
    run = ScreeningRun.objects.get(hits=hit)
    answer, screening = record.screenings
    assert (answer["origin"], answer["question"], answer["subject"]) == (
        "answer",
        "partner_name",
        "Université Exemple de Lyon",
    )
    assert answer["snapshots"] == run.snapshots
    assert screening == {
        "subject": LISTED,
        "origin": "partner",
        "run": str(run.public_id),
        "snapshots": run.snapshots,
        "matcher_version": run.matcher_version,
    }
    snapshot = ListSource.objects.get(key=LIST_SOURCE).current
    entry = ListEntry.objects.get(snapshot=snapshot, entry_id="TT-001")
    assert record.state["entries"] == {f"{LIST_SOURCE}:TT-001": entry.fingerprint}
    assert record.facts == {}
    event = AuditEvent.objects.get(action="trustdesk.assessment.computed")
    assert (event.target_id, event.actor_id) == (str(engagement.pk), cast.olga.pk)
    assert event.data["ratings"]["partnerships"] == "high"


def test_each_run_is_a_new_record_and_the_earlier_ones_are_kept(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, hit = in_review()
    first = services.assessment_run(actor=cast.olga, engagement=engagement)
    assert hit is not None
    partner_services.hit_adjudicate(actor=cast.olga, hit=hit, verdict="confirmed", reason="Same")

    second = services.assessment_run(actor=cast.olga, engagement=engagement)

    assert selectors.assessment_history(engagement=engagement) == [second, first]
    assert _ratings(first)["partnerships"] == ("high", "high")
    assert _ratings(second)["partnerships"] == ("very-high", "very-high")


def test_case_facts_go_in_and_are_kept_for_the_next_run(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, _ = in_review(sensitive_tech=True, tech_areas=["quantum-sensing"])
    before = services.assessment_run(actor=cast.olga, engagement=engagement)

    agreed = services.assessment_run(
        actor=cast.olga, engagement=engagement, facts={"mitigations_agreed": True}
    )
    again = services.assessment_run(actor=cast.olga, engagement=engagement)

    assert _ratings(before)["campuses"] == ("high", "high")
    assert _ratings(agreed)["campuses"] == ("medium", "medium")
    assert again.facts == {"mitigations_agreed": True}


def test_a_fact_the_pack_does_not_declare_is_refused(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, _ = in_review()

    with pytest.raises(services.AssessmentInvalid) as refused:
        services.assessment_run(actor=cast.olga, engagement=engagement, facts={"made_up": True})

    assert refused.value.errors == {"facts": ["made_up: no such fact in this pack"]}
    assert not RiskAssessment.objects.exists()


@pytest.mark.parametrize("name", ["rita", "cara", "alan", "aude", "ada"])
def test_only_officers_run_an_assessment(
    cast: Cast, in_review: Case, watch_list: str, name: str
) -> None:
    engagement, _ = in_review()

    with pytest.raises(PermissionDenied, match="does not allow you to review cases"):
        services.assessment_run(actor=cast.by_name(name), engagement=engagement)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.DECIDED, Status.CLOSED])
def test_a_run_is_refused_outside_review(cast: Cast, advance: Advance, status: Status) -> None:
    engagement = advance(status)

    with pytest.raises(services.NotAssessable, match=f'not while it is "{status.label}"'):
        services.assessment_run(actor=cast.olga, engagement=engagement)


def test_a_run_needs_a_completed_triage(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.IN_REVIEW, tier=None)

    with pytest.raises(services.AssessmentUnavailable, match="Complete the engagement's triage"):
        services.assessment_run(actor=cast.olga, engagement=engagement)


def test_an_override_needs_a_justification_and_changes_nothing_without(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, _ = in_review()
    record = services.assessment_run(actor=cast.olga, engagement=engagement)

    with pytest.raises(services.AssessmentInvalid) as refused:
        services.assessment_override(
            actor=cast.olga, assessment=record, area="people", rating="high", justification=" "
        )

    assert refused.value.errors == {"justification": [OVERRIDE_NO_JUSTIFICATION]}
    assert _ratings(record)["people"] == ("low", "low")
    assert not RatingOverride.objects.exists()


def test_an_override_keeps_the_computed_rating_beside_the_chosen_one(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, _ = in_review()
    record = services.assessment_run(actor=cast.olga, engagement=engagement)

    row = services.assessment_override(
        actor=cast.olga,
        assessment=record,
        area="people",
        rating="medium",
        justification="The visiting student works in the partner's lab.",
    )

    assert (row.computed, row.chosen, row.chosen_by) == ("low", "medium", cast.olga)
    assert selectors.effective_ratings(record)["people"] == "medium"
    [kept] = RatingOverride.objects.all()
    assert (kept.computed, kept.previous, kept.chosen) == ("low", "low", "medium")
    event = AuditEvent.objects.get(action="trustdesk.assessment.overridden")
    assert event.data["reason"] == "The visiting student works in the partner's lab."
    assert (event.data["computed"], event.data["old"], event.data["new"]) == (
        "low",
        "low",
        "medium",
    )


def test_an_override_back_to_the_computed_rating_is_a_justified_change_too(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, _ = in_review()
    record = services.assessment_run(actor=cast.olga, engagement=engagement)
    services.assessment_override(
        actor=cast.olga, assessment=record, area="people", rating="high", justification="Lab"
    )

    row = services.assessment_override(
        actor=cast.olga, assessment=record, area="people", rating="low", justification="Remote"
    )

    assert (row.computed, row.chosen, row.overridden) == ("low", "low", False)
    assert [o.chosen for o in RatingOverride.objects.all()] == ["high", "low"]


def test_an_override_to_the_standing_rating_or_an_unknown_area_is_refused(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, _ = in_review()
    record = services.assessment_run(actor=cast.olga, engagement=engagement)

    with pytest.raises(services.AssessmentInvalid) as unchanged:
        services.assessment_override(
            actor=cast.olga, assessment=record, area="people", rating="low", justification="x"
        )
    with pytest.raises(services.AssessmentInvalid) as unknown:
        services.assessment_override(
            actor=cast.olga, assessment=record, area="moon", rating="low", justification="x"
        )

    assert unchanged.value.errors == {"rating": [OVERRIDE_UNCHANGED]}
    assert unknown.value.errors == {"area": [OVERRIDE_UNKNOWN_AREA.format(area="moon")]}


@pytest.mark.parametrize("name", ["rita", "alan", "aude"])
def test_only_officers_override(cast: Cast, in_review: Case, watch_list: str, name: str) -> None:
    engagement, _ = in_review()
    record = services.assessment_run(actor=cast.olga, engagement=engagement)

    with pytest.raises(PermissionDenied):
        services.assessment_override(
            actor=cast.by_name(name),
            assessment=record,
            area="people",
            rating="high",
            justification="Because",
        )

    assert _ratings(record)["people"] == ("low", "low")


def test_only_the_latest_assessment_is_overridden(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, _ = in_review()
    first = services.assessment_run(actor=cast.olga, engagement=engagement)
    services.assessment_run(actor=cast.olga, engagement=engagement)

    with pytest.raises(services.NotLatest):
        services.assessment_override(
            actor=cast.olga, assessment=first, area="people", rating="high", justification="x"
        )


def test_an_override_is_carried_to_the_next_run_while_the_computed_rating_stands(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, hit = in_review()
    record = services.assessment_run(actor=cast.olga, engagement=engagement)
    for area in ("people", "partnerships"):
        services.assessment_override(
            actor=cast.olga, assessment=record, area=area, rating="medium", justification="Seen"
        )
    assert hit is not None
    partner_services.hit_adjudicate(actor=cast.olga, hit=hit, verdict="confirmed", reason="Same")

    again = services.assessment_run(actor=cast.olga, engagement=engagement)

    rows = {a.area: a for a in AreaRating.objects.filter(assessment=again)}
    assert (rows["people"].chosen, rows["people"].justification) == ("medium", "Seen")
    # The partnership's computed rating moved (confirmed hit): the officer looks again.
    assert (rows["partnerships"].computed, rows["partnerships"].chosen) == (
        "very-high",
        "very-high",
    )
