"""The result page reads in a minute: summary first, each reason once, hits merged, and the
researcher proposes an engagement from the triage with the form filled in from the answers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.web.cases.conftest import Cast
from trustdesk.screening.matching.model import HitStatus
from trustdesk.web.accounts.models import User
from trustdesk.web.cases.models import Engagement
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.triage import services
from trustdesk.web.triage.forms import HitView
from trustdesk.web.triage.models import TriageSession
from trustdesk.web.triage.presentation import merged_hits

pytestmark = pytest.mark.django_db

#: A case that fires most of gb-base's rules; the browser test measures its page too.
RICH: dict[str, object] = {
    "engagement_kind": [
        "research-collaboration",
        "visitor",
        "staff-travel",
        "funding-gift",
        "licensing-spinout",
    ],
    "partner_name": "Moscow Institute of Applied Photonics",
    "partner_kind": "university",
    "partner_country": "RU",
    "research_areas": ["quantum-computing", "sensors-imaging-radar", "computer-vision"],
    "transfer_abroad": True,
    "goods_rating": "not-rated",
    "publication_status": "unpublished",
    "other_organisations": [],
    "payment_to_partner": True,
    "personal_data_kinds": ["biometric"],
    "ip_terms": ["exclusive-licence", "know-how"],
    "funding_conditions": ["naming"],
    "military_end_use": "other-military",
    "partner_military_links": True,
    "visitor_nationality": "RU",
    "visitor_level": "researcher",
    "travel_country": "UA",
    "travel_carrying": ["devices", "unpublished-research"],
    "funding_amount": 2_000_000,
    "funder_kind": "foreign-state",
    "personal_data": "shared-abroad",
    "human_participants": True,
    "publication_restrictions": True,
    "ip_transfer": True,
}
SANCTIONS_REASON = "The UK has a sanctions regime for the partner"


@pytest.fixture(autouse=True)
def _test_pack(settings: Any) -> None:  # replaces the triage tests' own small pack
    settings.TRUSTDESK_POLICY_PACK = "gb-base"
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


def rich(owner: User, **changes: object) -> TriageSession:
    session = services.triage_start(actor=owner, engagement=None)
    answers = {**RICH, **changes}
    session = services.triage_answers_save(
        actor=owner, session=session, answers=answers, questions=list(answers)
    )
    return services.triage_complete(actor=owner, session=session)


def page(user: User, url: str) -> str:
    client = Client()
    client.force_login(user)
    return client.get(url).content.decode()


def test_a_reason_several_processes_share_is_stated_once_and_referred_to(cast: Cast) -> None:
    session = rich(cast.rita)
    outcome = session.outcome
    assert outcome is not None
    places = sum(
        1
        for item in (*outcome["processes"], *outcome["mitigations"])
        for r in item["reasons"]
        if r["text"].startswith(SANCTIONS_REASON)
    )
    assert places >= 4  # the outcome keeps every place it applies…

    html = page(cast.rita, session.get_absolute_url())

    assert html.count(SANCTIONS_REASON) == 1  # …the page says it once
    assert 'href="#reason-' in html


def test_the_summary_comes_first_with_the_tier_its_main_reason_and_each_contact(
    cast: Cast,
) -> None:
    session = rich(cast.rita)

    html = page(cast.rita, session.get_absolute_url())

    summary = html.index('id="summary-heading"')
    assert summary < html.index("Main reason:") < html.index("Processes that apply (")
    assert html.index("Propose an engagement from this triage") < html.index("Each process and why")
    table = html[html.index('class="process-table"') : html.index("</table>")]
    assert "Export control officer" in table
    assert "working days" in table
    # Legal text is folded away, under each process.
    assert html.index('<details class="legal">') < html.index("Legal basis</dt>")
    assert "proposes them into the engagement" in html


def test_the_researcher_proposes_an_engagement_prefilled_from_the_triage(cast: Cast) -> None:
    session = rich(cast.rita)
    url = reverse("cases:engagement-create") + f"?triage={session.public_id}"
    client = Client()
    client.force_login(cast.rita)

    form = client.get(url).content.decode()

    assert 'value="Engagement with Moscow Institute of Applied Photonics"' in form
    assert "RU, UA" in form
    assert "Quantum computing and simulation" in form
    assert 'value="2000000"' in form

    response = client.post(
        url,
        {"title": "Photonics collaboration", "kind": "research_collaboration", "countries": "RU"},
    )

    engagement = Engagement.objects.get(title="Photonics collaboration")
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.engagement == engagement


def test_someone_elses_triage_neither_fills_the_form_nor_is_attached(cast: Cast) -> None:
    session = rich(cast.rita)
    url = reverse("cases:engagement-create") + f"?triage={session.public_id}"
    client = Client()
    client.force_login(cast.tom)

    form = client.get(url).content.decode()
    client.post(url, {"title": "Not Rita's", "kind": "research_collaboration"})

    assert "Moscow Institute" not in form
    session.refresh_from_db()
    assert session.engagement is None


def test_identical_hit_rows_merge_keeping_the_best_score_and_the_open_review() -> None:
    def hit(subject: str, score: float, status: HitStatus) -> HitView:
        return HitView(subject, "UK sanctions list", "ACME (UK-1)", score, status)

    rows = merged_hits(
        [
            hit("Acme", 0.91, HitStatus.FALSE_POSITIVE),
            hit("Acme", 0.95, HitStatus.UNRESOLVED),
            hit("Acme", 0.90, HitStatus.CONFIRMED),
            hit("Acme Ltd", 0.88, HitStatus.UNRESOLVED),
        ]
    )

    assert [(r.hit.subject, r.times, r.hit.score, r.hit.status) for r in rows] == [
        ("Acme", 3, 0.95, HitStatus.CONFIRMED),
        ("Acme Ltd", 1, 0.88, HitStatus.UNRESOLVED),
    ]
