"""The brief that opens an engagement's page: per stage, per role, its queries and the folding."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.web.cases.conftest import NOW, Cast
from tests.web.decisions.conftest import (  # noqa: F401  # fixtures
    Committee,
    committee,
)
from trustdesk.web.accounts.models import User
from trustdesk.web.assessments import services as assessment_services
from trustdesk.web.cases import services
from trustdesk.web.cases.brief import Brief
from trustdesk.web.cases.models import Engagement
from trustdesk.web.decisions import services as decision_services
from trustdesk.web.decisions.models import Outcome
from trustdesk.web.partners.models import ScreeningHit, ScreeningRun
from trustdesk.web.triage import selectors as triage_selectors

pytestmark = pytest.mark.django_db
Status = Engagement.Status
# The listed institution the partner resembles: a name the researcher must never be shown.
LISTED = "Harbin Listed Institute of Defence Technology"


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(client: Client, e: Engagement) -> tuple[Brief, str]:
    response = client.get(e.get_absolute_url())
    assert response.status_code == 200
    return response.context["brief"], " ".join(response.content.decode().split())


def _partner(
    e: Engagement, actor: User, name: str, verdicts: list[str], *, listed: str = LISTED
) -> None:
    """An organisation on the draft engagement whose current screening matched `listed`."""
    org = factories.make_organisation(actor, name)
    run = ScreeningRun.objects.filter(organisation=org).order_by("pk").last()
    if run is None:
        run = ScreeningRun.objects.create(organisation=org, trigger="created", requested_by="t")
    run.status, run.completed_at = ScreeningRun.Status.COMPLETED, timezone.now()
    run.save(update_fields=["status", "completed_at"])
    run.hits.all().delete()
    for i, verdict in enumerate(verdicts):
        ScreeningHit.objects.create(
            run=run,
            source=f"custom:list-{i}",
            entry_id=f"{name}-{i}",
            entry_name=listed,
            matched_name=name,
            query_name=name,
            score=0.9,
            explanation="Every word matched.",
            verdict=verdict,
        )
    services.engagement_partner_add(
        actor=actor, engagement=e, partner=org, role="partner_institution", note=""
    )


def _case(
    cast: Cast, *, tier: str = "standard", hits: int = 2, partners: int = 1, to: str = "in_review"
) -> Engagement:
    """Rita's engagement (Tom on the team) with partners and their open hits, brought to `to`."""
    e = services.engagement_create(
        actor=cast.rita, fields=factories.engagement_fields(team=[cast.tom])
    )
    for n in range(partners):
        _partner(e, cast.rita, f"Example University {n}", ["unresolved"] * hits)
    if to == "draft":
        return e
    factories.complete_triage(e, cast.rita, tier)
    e = services.engagement_submit(actor=cast.rita, engagement=e)
    if to == "submitted":
        return e
    return services.engagement_review_start(actor=cast.olga, engagement=e)


def _clear_hits(e: Engagement) -> None:
    ScreeningHit.objects.filter(run__organisation__engagement_links__engagement=e).update(
        verdict="false_positive"
    )


def _tier_label(tier: str) -> str:
    return next(t.label for t in triage_selectors.pack().tiers if t.id == tier)


def _open_folds(page: str) -> list[str]:
    """The summaries of every folded form on the page that is shown open."""
    return re.findall(r"<details class=\"[^\"]*\" open> <summary>([^<]+)</summary>", page)


def test_a_draft_tells_the_researcher_to_triage_then_submit(cast: Cast) -> None:
    e = _case(cast, to="draft", hits=0)

    brief, page = _page(_as(cast.rita), e)

    assert brief.tier == ""
    assert brief.blockers == ("no triage completed yet", "not submitted yet")
    assert brief.next_step == "triage"
    assert 'Your next step:</strong> <a href="#triage-heading">Check what applies' in page
    assert [p.badge_label for p in brief.partners] == ["no hits"]


def test_a_triaged_draft_is_submitted_next(cast: Cast) -> None:
    e = _case(cast, to="draft", hits=0)
    factories.complete_triage(e, cast.rita)

    brief, _ = _page(_as(cast.rita), e)

    assert brief.tier == _tier_label("standard")
    assert brief.blockers == ("not submitted yet",)
    assert (brief.next_step, brief.next_text) == ("submit", "Submit the engagement for review.")
    _, page = _page(_as(cast.rita), e)
    submit = reverse("cases:engagement-submit", args=[e.public_id])
    assert page.count(f'action="{submit}"') == 1


def test_a_submitted_case_waits_for_an_officer_to_start_the_review(cast: Cast) -> None:
    e = _case(cast, to="submitted", hits=0)

    officer, _ = _page(_as(cast.olga), e)
    researcher, _ = _page(_as(cast.rita), e)

    assert officer.blockers == ("waiting for an officer to start the review",)
    assert officer.next_step == "start_review"
    assert researcher.next_step == ""


def test_in_review_with_open_hits_the_officer_sees_them_by_name_with_a_link(cast: Cast) -> None:
    e = _case(cast, hits=2)

    brief, page = _page(_as(cast.olga), e)

    assert brief.blockers == (
        "2 hits await a verdict",
        "no risk assessment yet",
        "no recommendation yet",
    )
    assert (brief.next_step, brief.next_text) == ("hits", "Give a verdict on the 2 open hits.")
    (partner,) = brief.partners
    assert (partner.badge, partner.badge_label) == ("open", "2 open")
    # The same institution on two lists is one line, with both lists.
    assert [(h.name, len(h.lists)) for h in partner.open_hits] == [(LISTED, 2)]
    org = e.partners.get().organisation
    assert org is not None
    url = reverse("partners:organisation-detail", args=[org.public_id]) + "#screening"
    assert f'<a href="{url}">{LISTED}</a>' in page


def test_the_researcher_sees_counts_never_the_listed_entry(cast: Cast) -> None:
    e = _case(cast, hits=2)

    brief, page = _page(_as(cast.rita), e)

    (partner,) = brief.partners
    assert partner.badge_label == "2 open"
    assert partner.open_hits == ()
    assert LISTED not in page
    assert "custom:list" not in page
    assert brief.next_step == ""  # nothing for the researcher to do while the office reviews
    assert "Nothing for you to do now. <strong>Waiting on:</strong> 2 hits await" in page


def test_hits_decided_the_officer_is_told_to_assess_then_recommend(cast: Cast) -> None:
    e = _case(cast, hits=1)
    _clear_hits(e)

    brief, _ = _page(_as(cast.olga), e)

    assert [p.badge_label for p in brief.partners] == ["1 dismissed"]
    assert "hits await a verdict" not in " ".join(brief.blockers)
    assert brief.next_step == "assess"


def test_awaiting_information_names_the_questions_unanswered(cast: Cast) -> None:
    e = _case(cast, hits=0)
    services.information_request(
        actor=cast.olga, engagement=e, questions=["Who funds the lab?", "Which sites?"]
    )

    officer, _ = _page(_as(cast.olga), e)
    researcher, page = _page(_as(cast.rita), e)

    assert officer.blockers == ("2 questions unanswered",)
    assert researcher.next_step == "answer"
    assert "Answer the 2 questions from the research security office:" in page


def test_assessed_then_recommended_the_brief_names_the_recommendation(cast: Cast) -> None:
    e = _case(cast, hits=0)
    assessment_services.assessment_run(actor=cast.olga, engagement=e)
    assessed, _ = _page(_as(cast.olga), e)
    decision_services.recommendation_make(
        actor=cast.olga, engagement=e, proposal=factories.proposal()
    )
    e.refresh_from_db()
    recommended, page = _page(_as(cast.alan), e)

    assert assessed.blockers == ("no recommendation yet",)
    assert assessed.next_step == "recommend"
    assert recommended.recommendation == "Approve, by Olga Tester"
    assert recommended.blockers == ("awaiting an officer's decision",)
    assert "Recommended</dt><dd>Approve, by Olga Tester" in page


def test_awaiting_committee_votes_counts_them(cast: Cast, committee: Committee) -> None:  # noqa: F811
    e = _case(cast, tier="escalated", hits=0)
    decision_services.recommendation_make(
        actor=cast.olga, engagement=e, proposal=factories.proposal()
    )
    decision_services.vote_cast(
        actor=committee.bea, engagement=e, outcome=Outcome.APPROVE, reason="Sound"
    )

    officer, _ = _page(_as(cast.olga), e)
    cem, page = _page(_as(committee.cem), e)
    bea, _ = _page(_as(committee.bea), e)

    assert officer.blockers == ("1 of 3 committee votes",)
    assert officer.next_step == ""  # recommended: not sent back to assess or recommend
    assert (cem.next_step, cem.next_text) == ("vote", "Cast your vote.")
    assert _open_folds(page) == ["Cast your vote"]  # the next step's form, and no other
    assert bea.next_step == ""  # voted already


def test_decided_with_conditions_the_researcher_is_sent_to_the_mitigations(cast: Cast) -> None:
    e = _case(cast, hits=0)
    what = factories.proposal(
        Outcome.APPROVE_WITH_CONDITIONS, conditions=(("Export licence checked", date(2099, 1, 1)),)
    )
    factories.recommend_and_decide(e, cast.olga, what=what)
    e.refresh_from_db()

    researcher, page = _page(_as(cast.rita), e)
    officer, officer_page = _page(_as(cast.olga), e)

    assert researcher.decision.startswith("Approve with conditions, by Olga Tester on ")
    assert researcher.next_step == "mitigations"
    assert researcher.blockers == ("1 mitigation not yet done before the engagement starts",)
    assert officer.next_step == ""  # not activated while a condition is open
    assert researcher.letter
    assert not researcher.report
    assert reverse("documents:letter", args=[e.public_id]) in page
    assert reverse("documents:report", args=[e.public_id]) not in page
    assert officer.letter
    assert officer.report
    assert reverse("documents:report-pdf", args=[e.public_id]) in officer_page


def test_a_decided_case_without_tasks_sends_the_owner_to_the_letter(cast: Cast) -> None:
    e = _case(cast, hits=0)
    factories.recommend_and_decide(e, cast.olga)
    e.refresh_from_db()

    brief, _ = _page(_as(cast.rita), e)
    tom, _ = _page(_as(cast.tom), e)
    officer, page = _page(_as(cast.olga), e)

    assert brief.next_step == "letter"
    assert officer.next_step == "activate"
    activate = reverse("cases:engagement-activate", args=[e.public_id])
    assert page.count(f'action="{activate}"') == 1  # in the brief, not again further down
    assert page.index(f'action="{activate}"') < page.index('id="details-heading"')
    assert tom.letter
    assert tom.next_step == ""


def test_an_overdue_mitigation_blocks(cast: Cast) -> None:
    e = _case(cast, hits=0)
    what = factories.proposal(
        Outcome.APPROVE_WITH_CONDITIONS, conditions=(("Export licence checked", date(2026, 4, 1)),)
    )
    factories.recommend_and_decide(e, cast.olga, what=what, now=NOW)
    e.refresh_from_db()

    brief, page = _page(_as(cast.olga), e)

    assert brief.blockers == (
        "1 mitigation not yet done before the engagement starts",
        "1 mitigation is overdue",
    )
    assert "1 mitigation is overdue.</p>" in page


def test_links_follow_permissions(cast: Cast) -> None:
    e = _case(cast, hits=0)

    undecided, page = _page(_as(cast.olga), e)

    assert not undecided.letter  # no letter before a decision
    assert undecided.report
    assert reverse("documents:letter", args=[e.public_id]) not in page
    seats = f'href="{reverse("decisions:committee-seats")}"'
    assert seats in _as(cast.olga).get(e.get_absolute_url()).content.decode()
    assert seats in _as(cast.ada).get(e.get_absolute_url()).content.decode()
    for reader in (cast.rita, cast.alan, cast.aude):  # without committee.manage
        assert seats not in _as(reader).get(e.get_absolute_url()).content.decode()


def test_folding_opens_only_the_next_steps_form(cast: Cast) -> None:
    e = _case(cast, hits=0)

    _, before = _page(_as(cast.olga), e)  # next: assess the risk
    assessment_services.assessment_run(actor=cast.olga, engagement=e)
    _, after = _page(_as(cast.olga), e)  # next: recommend

    assert _open_folds(before) == ["Assess the risk"]
    assert "<summary>Ask the researchers</summary>" in before  # folded, not gone
    assert _open_folds(after) == ["Recommend a decision"]


def test_the_brief_reads_a_fixed_number_of_queries_whatever_the_partners_and_hits(
    cast: Cast,
) -> None:
    small = _case(cast, hits=1, partners=1)
    large = _case(cast, hits=4, partners=4)
    client = _as(cast.olga)
    client.get(small.get_absolute_url())  # warm the caches (pack, sessions)

    counts = []
    for e in (small, large):
        with CaptureQueriesContext(connection) as queries:
            brief, _ = _page(client, e)
        counts.append(len(queries))
    assert sum(p.counts.open for p in brief.partners) == 16
    assert counts[0] == counts[1], counts


def test_out_of_scope_is_the_same_404(cast: Cast) -> None:
    e = _case(cast, hits=0)
    assert _as(cast.otto).get(e.get_absolute_url()).status_code == 404
