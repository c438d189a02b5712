"""Reviews and replay: what changed since the latest assessment, when a review falls due at once,
what a review records when it starts, and what would differ under today's lists and pack."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests import factories
from tests.web.assessments.conftest import PACK_2, Case
from tests.web.cases.conftest import REVIEW_DATE, Cast
from tests.web.triage.conftest import LIST_SOURCE, LISTED
from trustdesk.policy.review import Trigger
from trustdesk.web.assessments import selectors, services
from trustdesk.web.assessments.models import CaseReview, RiskAssessment
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement, EngagementPartner
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.core.tasks import record, run_here
from trustdesk.web.lists.screening import current_index
from trustdesk.web.lists.services import list_snapshot_import
from trustdesk.web.notify.models import Notification
from trustdesk.web.partners import services as partner_services
from trustdesk.web.partners.models import ScreeningHit, ScreeningRun
from trustdesk.web.schedule.table import job_get

pytestmark = pytest.mark.django_db
Status = Engagement.Status
TODAY = date(2026, 12, 1)  # before the review date: only a change can make a review due
HEADER = "id,name,aliases,type,countries,notes\n"
OTHER = "TT-002,Example Aerospace Design Bureau,,organization,RU,Test entry\n"


def _relist(tmp_path: Path, rows: str) -> None:
    """The test list published again with `rows`, imported and made current."""
    path = tmp_path / "triage-test.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    list_snapshot_import(paths=[path], source=LIST_SOURCE, actor="test:assess")
    current_index()


def _triggers(engagement: Engagement) -> list[tuple[Trigger, bool]]:
    check = selectors.review_triggers(engagement=engagement, today=TODAY)
    return [(c.trigger, c.makes_due) for c in check.changes]


def _assessed(cast: Cast, in_review: Case, **answers: Any) -> tuple[Engagement, ScreeningHit]:
    engagement, hit = in_review(**answers)
    services.assessment_run(actor=cast.olga, engagement=engagement)
    assert hit is not None
    return engagement, hit


def test_nothing_changed_means_no_review_is_due(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, _ = _assessed(cast, in_review)

    check = selectors.review_triggers(engagement=engagement, today=TODAY)

    assert (check.changes, check.due) == ((), False)


def test_a_confirmed_hit_makes_a_review_due(cast: Cast, in_review: Case, watch_list: str) -> None:
    engagement, hit = _assessed(cast, in_review)

    partner_services.hit_adjudicate(actor=cast.olga, hit=hit, verdict="confirmed", reason="Same")

    assert _triggers(engagement) == [
        (Trigger.HIT_CONFIRMED, True),
        (Trigger.RATING_CHANGED, False),
    ]


def test_a_matched_entry_that_changes_or_leaves_its_list_makes_a_review_due(
    cast: Cast, in_review: Case, watch_list: str, tmp_path: Path
) -> None:
    engagement, _ = _assessed(cast, in_review)

    _relist(tmp_path, f"TT-001,{LISTED},EIAP;EIAP Lyon,organization,CN,Test entry\n{OTHER}")
    changed = _triggers(engagement)
    _relist(tmp_path, OTHER)
    removed = _triggers(engagement)

    assert changed == [(Trigger.ENTRY_CHANGED, True)]
    # Today's list would not match it: the hit is gone, and with it the partnership's rating.
    assert removed == [(Trigger.ENTRY_REMOVED, True), (Trigger.RATING_CHANGED, False)]


def test_a_partner_added_makes_a_review_due(cast: Cast, in_review: Case, watch_list: str) -> None:
    engagement, _ = _assessed(cast, in_review)
    other = factories.make_organisation(cast.rita, "Université Exemple de Lille")

    case_services.engagement_partner_add(
        actor=cast.olga, engagement=engagement, partner=other, role=EngagementPartner.Role.HOST
    )

    assert _triggers(engagement) == [(Trigger.PARTNERS_CHANGED, True)]


def test_a_new_pack_version_that_changes_the_outcome_makes_a_review_due(
    cast: Cast, in_review: Case, watch_list: str, settings: Any
) -> None:
    engagement, _ = in_review(partner="Université Exemple de Lille")
    services.assessment_run(actor=cast.olga, engagement=engagement)

    settings.TRUSTDESK_POLICY_PACK = str(PACK_2)
    check = selectors.review_triggers(engagement=engagement, today=TODAY)

    [change] = check.changes
    assert (change.trigger, change.part, change.before, change.after) == (
        Trigger.OUTCOME_CHANGED,
        "tier",
        ("basic",),
        ("standard",),
    )
    assert check.due


def test_without_an_assessment_only_the_date_counts(cast: Cast, in_review: Case) -> None:
    engagement, _ = in_review(partner="Université Exemple de Lille")

    assert selectors.review_triggers(engagement=engagement, today=TODAY).changes == ()


def _decided(cast: Cast, engagement: Engagement) -> Engagement:
    factories.recommend_and_decide(
        engagement, cast.olga, what=factories.proposal(review_date=REVIEW_DATE)
    )
    return Engagement.objects.get(pk=engagement.pk)


def test_the_daily_sweep_brings_a_decided_case_forward_on_a_trigger_once(
    cast: Cast, in_review: Case, watch_list: str, django_capture_on_commit_callbacks: Any
) -> None:
    engagement, hit = _assessed(cast, in_review)
    engagement = _decided(cast, engagement)
    partner_services.hit_adjudicate(actor=cast.olga, hit=hit, verdict="confirmed", reason="Same")

    with django_capture_on_commit_callbacks(execute=True):
        moved = services.engagement_review_due_on_triggers(today=TODAY)
    again = services.engagement_review_due_on_triggers(today=TODAY)

    assert [e.pk for e in moved] == [engagement.pk]
    assert again == []
    assert Engagement.objects.get(pk=engagement.pk).status == Status.REVIEW_DUE
    event = AuditEvent.objects.get(action="trustdesk.assessment.review_triggered")
    assert (event.actor_label, event.data) == (
        services.REVIEW_TRIGGER_ACTOR,
        {"triggers": ["hit_confirmed"]},
    )
    due = AuditEvent.objects.get(action="trustdesk.engagement.review_due")
    assert (due.data["old"], due.data["new"]) == ("decided", "review_due")
    told = Notification.objects.filter(kind=Notification.Kind.REVIEW_DUE, engagement=engagement)
    assert {n.recipient.username for n in told} >= {"olga", "rita", "tom"}
    assert all("brought forward: hit confirmed" in n.text for n in told)


def test_the_sweep_leaves_a_case_without_a_due_trigger(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, hit = _assessed(cast, in_review)
    _decided(cast, engagement)
    # A dismissed hit lowers the risk: a change, but not one that brings the review forward.
    partner_services.hit_adjudicate(actor=cast.olga, hit=hit, verdict="false_positive", reason="No")

    assert services.engagement_review_due_on_triggers(today=TODAY) == []


def test_a_review_starts_from_the_previous_assessment_and_records_what_changed(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, hit = _assessed(cast, in_review)
    previous = RiskAssessment.objects.get()
    engagement = _decided(cast, engagement)
    partner_services.hit_adjudicate(actor=cast.olga, hit=hit, verdict="confirmed", reason="Same")
    [engagement] = services.engagement_review_due_on_triggers(today=TODAY)

    engagement = services.review_start(actor=cast.olga, engagement=engagement)

    assert engagement.status == Status.IN_REVIEW
    review = CaseReview.objects.get()
    assert (review.previous, review.started_by) == (previous, cast.olga)
    assert [c["trigger"] for c in review.changes] == ["hit_confirmed", "rating_changed"]
    assert review.changes[0]["hit"]["entry_id"] == "TT-001"
    event = AuditEvent.objects.get(action="trustdesk.assessment.review_opened")
    assert event.data["triggers"] == ["hit_confirmed", "rating_changed"]


def test_a_first_review_records_no_case_review(cast: Cast, advance: Any) -> None:
    engagement = advance(Status.SUBMITTED)

    services.review_start(actor=cast.olga, engagement=engagement)

    assert not CaseReview.objects.exists()
    assert Engagement.objects.get(pk=engagement.pk).status == Status.IN_REVIEW


def test_replay_says_nothing_differs_when_nothing_changed(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    _engagement, _ = _assessed(cast, in_review)

    replay = selectors.replay(user=cast.olga, assessment=RiskAssessment.objects.get())

    assert not replay.differs


def test_replay_shows_ratings_and_hits_that_would_change_under_todays_lists(
    cast: Cast, in_review: Case, watch_list: str, tmp_path: Path
) -> None:
    _assessed(cast, in_review)
    _relist(tmp_path, OTHER)
    record = RiskAssessment.objects.get()

    officer = selectors.replay(user=cast.olga, assessment=record)
    researcher = selectors.replay(user=cast.rita, assessment=record)

    assert [(c.area, c.before, c.after) for c in officer.ratings] == [
        ("partnerships", "High", "Low")
    ]
    assert [(h.subject, h.key) for h in officer.hits_lost] == [(LISTED, f"{LIST_SOURCE}:TT-001")]
    assert [c.text for c in officer.changes] == [
        f"the listed entry {LISTED} ({LIST_SOURCE}:TT-001) is no longer on its list"
    ]
    # The researcher learns the same counts and ratings, never which entry.
    assert (researcher.hits_lost, researcher.lost_count) == ((), 1)
    assert [c.text for c in researcher.changes] == [
        "a listed entry a partner matched is no longer listed"
    ]
    assert researcher.ratings == officer.ratings


def test_replay_shows_the_tier_a_new_pack_version_would_give(
    cast: Cast, in_review: Case, watch_list: str, settings: Any
) -> None:
    engagement, _ = in_review(partner="Université Exemple de Lille")
    record = services.assessment_run(actor=cast.olga, engagement=engagement)

    settings.TRUSTDESK_POLICY_PACK = str(PACK_2)
    replay = selectors.replay(user=cast.rita, assessment=record)

    assert (replay.pack_then, replay.pack_now) == ("assess-test 1.0", "assess-test 2.0")
    assert replay.tier == ("Basic", "Standard due diligence")
    assert replay.differs


def test_the_scheduled_review_job_runs_both_sweeps(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, hit = _assessed(cast, in_review)
    _decided(cast, engagement)
    partner_services.hit_adjudicate(actor=cast.olga, hit=hit, verdict="confirmed", reason="Same")
    job = job_get("engagements.review-due")

    run = run_here(record(job.task, "cli:test"))

    assert (job.task, run.status) == ("assessments.review_due", "succeeded")
    assert run.result == {"marked": [], "triggered": [str(engagement.public_id)]}
    assert Engagement.objects.get(pk=engagement.pk).status == Status.REVIEW_DUE


def test_changes_a_review_has_seen_do_not_make_the_case_due_again(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, hit = _assessed(cast, in_review)
    engagement = _decided(cast, engagement)
    partner_services.hit_adjudicate(actor=cast.olga, hit=hit, verdict="confirmed", reason="Same")
    [engagement] = services.engagement_review_due_on_triggers(today=TODAY)
    engagement = services.review_start(actor=cast.olga, engagement=engagement)
    # Decided again without assessing again: the confirmed hit was seen by the review.
    engagement = _decided(cast, engagement)

    again = services.engagement_review_due_on_triggers(today=TODAY)

    assert again == []
    assert selectors.review_triggers(engagement=engagement, today=TODAY).changes == ()


def test_a_decided_case_past_its_review_date_is_left_to_the_date_sweep(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, _ = _assessed(cast, in_review)
    _decided(cast, engagement)

    assert services.engagement_review_due_on_triggers(today=REVIEW_DATE) == []


NEW_ENTRY = "TT-003,Wessex Rotorcraft Works,,organization,RU,Test entry\n"
ORIGINAL = f"TT-001,{LISTED},EIAP,organization,CN,Test entry\n{OTHER}"


def _with_clean_partner(cast: Cast, in_review: Case) -> Engagement:
    """An assessed case with a second partner that today's lists do not name yet (no hits)."""
    engagement, _ = in_review()
    org = factories.make_organisation(cast.olga, "Wessex Rotorcraft Works")
    run = ScreeningRun.objects.get(organisation=org)
    partner_services.screening_run(run_id=str(run.public_id), actor="test:assess")
    case_services.engagement_partner_add(
        actor=cast.olga, engagement=engagement, partner=org, role=EngagementPartner.Role.FUNDER
    )
    services.assessment_run(actor=cast.olga, engagement=Engagement.objects.get(pk=engagement.pk))
    return engagement


def test_replay_screens_the_partners_again_and_shows_hits_gained_without_storing_them(
    cast: Cast, in_review: Case, watch_list: str, tmp_path: Path
) -> None:
    _with_clean_partner(cast, in_review)
    _relist(tmp_path, ORIGINAL + NEW_ENTRY)  # the partner is listed from today
    stored = (ScreeningRun.objects.count(), ScreeningHit.objects.count())

    officer = selectors.replay(user=cast.olga, assessment=RiskAssessment.objects.get())
    researcher = selectors.replay(user=cast.rita, assessment=RiskAssessment.objects.get())

    assert [(h.subject, h.key, h.status.value) for h in officer.hits_gained] == [
        ("Wessex Rotorcraft Works", f"{LIST_SOURCE}:TT-003", "unresolved")
    ]
    assert officer.hits_lost == ()
    assert officer.not_screened == ()
    assert officer.differs
    assert (researcher.hits_gained, researcher.gained_count) == ((), 1)
    # Worked out in memory: no screening run or hit was written.
    assert (ScreeningRun.objects.count(), ScreeningHit.objects.count()) == stored


def test_replay_keeps_an_officers_verdict_on_a_hit_found_again(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, hit = _assessed(cast, in_review)
    partner_services.hit_adjudicate(actor=cast.olga, hit=hit, verdict="confirmed", reason="Same")
    services.assessment_run(actor=cast.olga, engagement=Engagement.objects.get(pk=engagement.pk))

    replay = selectors.replay(user=cast.olga, assessment=RiskAssessment.objects.latest("pk"))

    assert not replay.differs  # found again today, still confirmed: nothing gained or lost


def test_without_an_index_of_todays_lists_the_stored_hits_stand_in(
    cast: Cast, in_review: Case, watch_list: str, tmp_path: Path, settings: Any
) -> None:
    _with_clean_partner(cast, in_review)
    settings.HOME = tmp_path / "elsewhere"  # a process whose data directory holds no index

    replay = selectors.replay(user=cast.olga, assessment=RiskAssessment.objects.get())

    assert sorted(replay.not_screened) == sorted([LISTED, "Wessex Rotorcraft Works"])
    assert not replay.differs
