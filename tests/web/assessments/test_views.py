"""The assessment section of the engagement page, its POSTs, and the JSON API."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.web.api.conftest import api_client
from tests.web.assessments.conftest import Case
from tests.web.assessments.test_reviews import OTHER, TODAY, _decided, _relist
from tests.web.cases.conftest import Cast
from tests.web.triage.conftest import LIST_SOURCE, LISTED
from trustdesk.policy.assessment import OVERRIDE_NO_JUSTIFICATION
from trustdesk.policy.reasons import REDACTED_HIT
from trustdesk.web.assessments import services
from trustdesk.web.assessments.models import RiskAssessment
from trustdesk.web.cases.models import Engagement
from trustdesk.web.partners import services as partner_services

pytestmark = pytest.mark.django_db
ENTRY = f"{LIST_SOURCE}:TT-001"


def _as(cast: Cast, who: str) -> Client:
    client = Client()
    client.force_login(cast.by_name(who))
    return client


def _section(client: Client, engagement: Engagement) -> str:
    """The assessment section of the engagement page, whitespace collapsed."""
    page = client.get(engagement.get_absolute_url())
    assert page.status_code == 200
    html = " ".join(page.content.decode().split())
    start = html.index('<section aria-labelledby="assessment-heading"')
    return html[start : html.index("</section>", start)]


def _assessed(cast: Cast, in_review: Case) -> tuple[Engagement, RiskAssessment]:
    engagement, _ = in_review()
    return engagement, services.assessment_run(actor=cast.olga, engagement=engagement)


def test_an_officer_sees_each_rating_with_its_reasons_and_the_forms(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, record = _assessed(cast, in_review)

    section = _section(_as(cast, "olga"), engagement)

    assert '<tr data-area="partnerships"> <th scope="row">Partnerships</th>' in section
    assert '<strong class="risk-rating risk-high">High</strong>' in section
    assert "The partner may be listed." in section
    assert LISTED in section  # the reason names the entry for a reader of the lists
    assert reverse("assessments:assessment-override", args=[engagement.public_id]) in section
    assert f'name="assessment" value="{record.public_id}"' in section
    assert "<summary>Change a rating</summary>" in section
    assert "Assess again" in section
    assert "Nothing would differ" in section


def test_a_researcher_sees_the_ratings_but_no_entry_and_no_forms(
    cast: Cast, in_review: Case, watch_list: str, tmp_path: Path
) -> None:
    engagement, record = _assessed(cast, in_review)
    services.assessment_override(
        actor=cast.olga,
        assessment=record,
        area="people",
        rating="medium",
        justification=f"Staff of {LISTED} visit the lab.",
    )
    _relist(tmp_path, OTHER)  # the entry leaves its list: replay has a hit lost

    section = _section(_as(cast, "rita"), engagement)

    assert '<strong class="risk-rating risk-high">High</strong>' in section
    assert "The partner may be listed." in section
    assert LISTED not in section
    assert "TT-001" not in section
    assert LIST_SOURCE not in section
    assert "Change a rating" not in section
    assert "Assess again" not in section
    assert "Computed: Low" in section  # that it was changed, not the justification
    assert "1 possible match no longer found." in section
    assert "A listed entry a partner matched is no longer listed." in section


def test_an_officer_sees_the_replay_name_the_entry(
    cast: Cast, in_review: Case, watch_list: str, tmp_path: Path
) -> None:
    engagement, _ = _assessed(cast, in_review)
    _relist(tmp_path, OTHER)

    section = _section(_as(cast, "olga"), engagement)

    assert f"No longer matched: {LISTED} with {LISTED} ({ENTRY})." in section
    assert "Partnerships would be rated Low (was High)." in section


def test_the_page_says_what_is_missing_before_the_first_run(cast: Cast, advance: object) -> None:
    engagement = advance(Engagement.Status.IN_REVIEW, tier=None)  # type: ignore[operator]

    section = _section(_as(cast, "olga"), engagement)

    assert "The risk has not been assessed yet." in section
    assert "Complete the engagement&#x27;s triage first" in section


def test_posting_run_and_override_from_the_page(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, _ = in_review()
    client = _as(cast, "olga")

    ran = client.post(
        reverse("assessments:assessment-run", args=[engagement.public_id]),
        {"fact_mitigations_agreed": "on"},
    )
    record = RiskAssessment.objects.get()
    refused = client.post(
        reverse("assessments:assessment-override", args=[engagement.public_id]),
        {"assessment": record.public_id, "area": "people", "rating": "high", "justification": ""},
        follow=True,
    )
    changed = client.post(
        reverse("assessments:assessment-override", args=[engagement.public_id]),
        {"assessment": record.public_id, "area": "people", "rating": "high", "justification": "x"},
    )

    assert ran.status_code == 302
    assert ran.url.endswith("#assessment-heading")
    assert record.facts == {"mitigations_agreed": True}
    assert OVERRIDE_NO_JUSTIFICATION in refused.content.decode()
    assert changed.status_code == 302
    assert record.areas.get(area="people").chosen == "high"


def test_a_researcher_cannot_post_a_run(cast: Cast, in_review: Case, watch_list: str) -> None:
    engagement, _ = in_review()

    response = _as(cast, "rita").post(
        reverse("assessments:assessment-run", args=[engagement.public_id])
    )

    assert response.status_code == 403
    assert not RiskAssessment.objects.exists()


def _api(engagement: Engagement, tail: str = "") -> str:
    return f"/api/engagements/{engagement.public_id}/assessment{tail}"


def test_the_api_reads_runs_and_overrides(cast: Cast, in_review: Case, watch_list: str) -> None:
    engagement, _ = in_review()
    olga, rita = api_client(cast.olga), api_client(cast.rita)

    before = olga.get(_api(engagement))
    ran = olga.post(_api(engagement, "/run"), {"facts": {"mitigations_agreed": False}})
    refused = olga.post(_api(engagement, "/override"), {"area": "people", "rating": "high"})
    changed = olga.post(
        _api(engagement, "/override"),
        {"area": "people", "rating": "high", "justification": "Lab access"},
    )
    read = rita.get(_api(engagement))

    assert (before.status_code, before.json()["assessment"], before.json()["can_run"]) == (
        200,
        None,
        True,
    )
    assert ran.status_code == 201
    assert [(a["area"], a["chosen"]) for a in ran.json()["areas"]][3] == ("partnerships", "high")
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"loc": ["body", "justification"], "message": OVERRIDE_NO_JUSTIFICATION, "type": "invalid"}
    ]
    assert changed.status_code == 200
    assert changed.json()["computed"] == "low"
    assert changed.json()["chosen"] == "high"
    body = read.json()
    people = body["assessment"]["areas"][1]
    assert (people["chosen"], people["justification"]) == ("high", None)
    # No entry in any reason for the researcher (the partner is named as the entry is).
    assert "TT-001" not in read.content.decode()
    [reason] = body["assessment"]["areas"][3]["reasons"]
    assert LISTED not in str(reason)
    assert [f["text"] for f in reason["facts"]] == [REDACTED_HIT]
    assert body["replay"]["differs"] is False
    assert body["can_run"] is False


def test_the_api_hides_an_engagement_outside_the_scope(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, _ = in_review()
    otto = api_client(cast.otto)

    hidden = otto.get(_api(engagement))
    missing = otto.get(f"/api/engagements/{uuid.uuid4()}/assessment")
    run = otto.post(_api(engagement, "/run"))

    assert hidden.status_code == missing.status_code == run.status_code == 404
    assert hidden.content == missing.content


def test_the_api_refuses_a_run_outside_review(cast: Cast, advance: object) -> None:
    engagement = advance(Engagement.Status.SUBMITTED)  # type: ignore[operator]

    response = api_client(cast.olga).post(_api(engagement, "/run"))

    assert response.status_code == 409
    assert response.json()["code"] == "not_assessable"


def test_the_api_refuses_to_change_an_earlier_assessment(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, first = _assessed(cast, in_review)
    services.assessment_run(actor=cast.olga, engagement=engagement)

    response = api_client(cast.olga).post(
        _api(engagement, "/override"),
        {
            "assessment": str(first.public_id),
            "area": "people",
            "rating": "high",
            "justification": "x",
        },
    )

    assert (response.status_code, response.json()["code"]) == (409, "not_latest")


def test_a_review_shows_what_changed_to_each_reader_as_they_may_see_it(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, hit = in_review()
    services.assessment_run(actor=cast.olga, engagement=engagement)
    _decided(cast, engagement)
    assert hit is not None
    partner_services.hit_adjudicate(actor=cast.olga, hit=hit, verdict="confirmed", reason="Same")
    [engagement] = services.engagement_review_due_on_triggers(today=TODAY)
    _as(cast, "olga").post(reverse("cases:engagement-review-start", args=[engagement.public_id]))

    officer = _section(_as(cast, "olga"), engagement)
    researcher = _section(_as(cast, "rita"), engagement)

    assert "<h3>Reviews</h3>" in officer
    assert f"An officer confirmed the match with {LISTED} ({ENTRY})" in officer
    assert "An officer confirmed a possible match of a partner" in researcher
    assert ENTRY not in researcher
    assert researcher.count('<span class="tag">makes a review due</span>') == 1


def test_earlier_assessments_are_listed_with_their_ratings(
    cast: Cast, in_review: Case, watch_list: str
) -> None:
    engagement, record = _assessed(cast, in_review)
    services.assessment_override(
        actor=cast.olga, assessment=record, area="people", rating="medium", justification="Lab"
    )
    services.assessment_run(actor=cast.olga, engagement=engagement)

    section = _section(_as(cast, "rita"), engagement)

    assert "<summary>Earlier assessments (1)</summary>" in section
    assert (
        "Reputation and values Low; People Medium (computed Low); Campuses Low; "
        "Partnerships High</li>"
    ) in section
