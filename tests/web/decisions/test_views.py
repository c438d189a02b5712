"""The decision section on the engagement page, its POSTs, and the committee seats page."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.web.cases.conftest import Cast
from tests.web.decisions.conftest import Committee, InReview
from trustdesk.web.cases.models import Engagement
from trustdesk.web.decisions import services
from trustdesk.web.decisions.models import CommitteeSeat, Decision, Outcome

pytestmark = pytest.mark.django_db
Status = Engagement.Status
APPROVE = {"outcome": "approve", "reason": "Low risk", "review_date": "2099-03-01"}


def _as(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _page(response: object) -> str:
    return " ".join(response.content.decode().split())  # type: ignore[attr-defined]


def _url(name: str, e: Engagement) -> str:
    return reverse(f"decisions:{name}", kwargs={"public_id": e.public_id})


def _open_forms(page: str) -> list[str]:
    """The summaries of the decision section's forms that are unfolded."""
    return re.findall(r'<details class="decision-form" open> <summary>([^<]+)</summary>', page)


def test_the_page_says_who_decides_and_why(
    cast: Cast, committee: Committee, in_review: InReview
) -> None:
    standard, escalated = in_review(), in_review("escalated")

    one = _page(_as(cast.rita).get(standard.get_absolute_url()))
    other = _page(_as(cast.rita).get(escalated.get_absolute_url()))

    assert "that tier is decided by <strong>an officer</strong>." in one
    assert (
        "that tier is decided by <strong>the research security committee</strong>, by vote: 3 of "
        "its 4 seats make a quorum, and a tie goes to the more cautious option." in other
    )
    assert "<li>Chair (Pro-Vice-Chancellor for Research): Bea Tester</li>" in other
    assert "No recommendation yet" in one
    assert 'class="decision-form"' not in one  # the researcher acts on none of it


def test_the_officer_recommends_then_decides_through_the_section(
    cast: Cast, in_review: InReview
) -> None:
    e = in_review()
    olga = _as(cast.olga)
    assert _open_forms(_page(olga.get(e.get_absolute_url()))) == ["Recommend a decision"]

    recommended = olga.post(
        _url("recommendation-make", e),
        {
            "outcome": "approve_with_conditions",
            "reason": "Manageable",
            "condition_text": ["Annual report", ""],
            "condition_due": ["2099-01-31", ""],
            "review_date": "2099-03-01",
        },
    )
    page = _page(olga.get(e.get_absolute_url()))
    decided = olga.post(
        _url("decision-make", e),
        {
            "outcome": "approve_with_conditions",
            "reason": "As recommended",
            "condition_text": ["Annual report"],
            "condition_due": ["2099-01-31"],
            "review_date": "2099-03-01",
        },
    )

    assert recommended["Location"] == e.get_absolute_url() + "#decision-heading"
    assert _open_forms(page) == ["Record the decision"]
    assert "<li>Annual report (due 2099-01-31)</li>" in page
    assert 'value="Annual report"' in page  # the decision form starts from the recommendation
    assert decided.status_code == 302
    decision = Decision.objects.get()
    assert decision.conditions == [{"text": "Annual report", "due": "2099-01-31"}]
    final = _page(olga.get(e.get_absolute_url()))
    assert "<dt>Route</dt><dd>An officer (tier standard, pack gb-base" in final
    assert "<dt>Conditions</dt><dd>Annual report (due 2099-01-31)</dd>" in final


def test_a_refusal_by_rule_comes_back_as_a_message(cast: Cast, in_review: InReview) -> None:
    e = in_review()

    response = _as(cast.olga).post(_url("decision-make", e), APPROVE, follow=True)

    assert [str(m) for m in response.context["messages"]] == [services.NO_RECOMMENDATION]
    assert not Decision.objects.exists()


def test_a_condition_without_its_date_is_refused_before_the_service(
    cast: Cast, in_review: InReview
) -> None:
    e = in_review()

    response = _as(cast.olga).post(
        _url("recommendation-make", e),
        {**APPROVE, "outcome": "approve_with_conditions", "condition_text": ["Report"]},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Give each condition both its text and its due date (YYYY-MM-DD)."
    ]


def test_the_enhanced_tier_is_the_approvers_and_refused_to_the_officer(
    cast: Cast, in_review: InReview
) -> None:
    e = in_review("enhanced")
    factories.decision_services.recommendation_make(
        actor=cast.olga, engagement=e, proposal=factories.proposal()
    )

    refused = _as(cast.olga).post(_url("decision-make", e), APPROVE)
    olga_page = _page(_as(cast.olga).get(e.get_absolute_url()))
    alan_page = _page(_as(cast.alan).get(e.get_absolute_url()))
    done = _as(cast.alan).post(_url("decision-make", e), APPROVE)

    assert refused.status_code == 403
    assert (
        "You do not decide or vote on this case: cases of this tier are decided by the approver "
        "role, not by officer." in olga_page
    )
    assert _open_forms(alan_page) == ["Record the decision"]
    assert done.status_code == 302
    assert Decision.objects.get().decided_by == cast.alan


def test_committee_members_vote_and_see_the_votes(
    cast: Cast, committee: Committee, in_review: InReview
) -> None:
    e = in_review("escalated")
    factories.decision_services.recommendation_make(
        actor=cast.olga, engagement=e, proposal=factories.proposal()
    )

    before = _page(_as(committee.bea).get(e.get_absolute_url()))
    _as(committee.bea).post(_url("vote-cast", e), {"outcome": "approve", "reason": "Sound"})
    after = _page(_as(committee.bea).get(e.get_absolute_url()))
    cem = _page(_as(committee.cem).get(e.get_absolute_url()))

    assert _open_forms(before) == ["Cast your vote"]
    assert "Cast your vote" not in after  # voted: nothing left to do
    assert "<td>Chair (Pro-Vice-Chancellor for Research)</td><td>Bea Tester</td>" in after
    assert "<td>Approve</td><td>Sound</td>" in after
    assert "2 more votes needed to reach the quorum." in after
    assert _open_forms(cem) == ["Cast your vote"]


def test_out_of_scope_is_the_same_404_as_missing(cast: Cast, in_review: InReview) -> None:
    e = in_review()
    otto = _as(cast.otto)

    for name in ("recommendation-make", "decision-make", "vote-cast"):
        unseen = otto.post(_url(name, e), APPROVE)
        missing = otto.post(reverse(f"decisions:{name}", kwargs={"public_id": uuid.uuid4()}))
        assert (unseen.status_code, missing.status_code) == (404, 404)
        assert unseen.content == missing.content


def test_the_seats_page_assigns_seats(cast: Cast) -> None:
    approver = factories.make_user("bea", cast.alan.Role.APPROVER)
    page = _page(_as(cast.ada).get(reverse("decisions:committee-seats")))

    response = _as(cast.olga).post(
        reverse("decisions:committee-seats"),
        {"tier": "escalated", "seat": "chair", "holder": "bea"},
        follow=True,
    )

    assert "The research security committee (tier escalated, quorum 3)" in page
    assert '<option value="bea">Bea Tester (bea)</option>' in page
    assert [str(m) for m in response.context["messages"]] == ["Seat updated."]
    assert CommitteeSeat.objects.get().holder == approver
    assert _as(cast.alan).get(reverse("decisions:committee-seats")).status_code == 403


def test_a_whole_committee_path_through_the_pages(
    cast: Cast, committee: Committee, in_review: InReview
) -> None:
    e = in_review("escalated")
    _as(cast.olga).post(_url("recommendation-make", e), APPROVE)
    for member, vote in ((committee.bea, "decline"), (committee.cem, "refer_back")):
        _as(member).post(_url("vote-cast", e), {"outcome": vote, "reason": f"{member} says"})
    _as(committee.dov).post(_url("vote-cast", e), {"outcome": "approve", "reason": "fine"})

    e.refresh_from_db()
    # one vote each for decline, refer back and approve: the tie goes to caution
    assert (e.status, e.decision) == (Status.DECIDED, Outcome.DECLINE)
    assert Decision.objects.get().route == "committee"
