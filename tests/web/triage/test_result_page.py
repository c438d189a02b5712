"""The result page reads in a minute: summary first, each reason once, hits merged, and the
researcher proposes an engagement from the triage with the form filled in from the answers."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tests.web.cases.conftest import Cast
from trustdesk.screening.matching.model import HitStatus
from trustdesk.web.accounts.models import User
from trustdesk.web.cases.models import Engagement
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.lists.screening import current_index
from trustdesk.web.lists.services import list_snapshot_import
from trustdesk.web.mitigations import services as mitigation_services
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
    "other_organisations": ["co-funder", "intermediary"],
    "cofunder_name": "Northern Star Foundation",
    "intermediary_name": "Maria Kovalenko",  # an agent trading under her own name
    "external_appointments": ["partner-post", "talent-programme"],
    "appointments_declared": "not-declared",
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


def test_a_name_found_in_two_roles_is_one_row_naming_both() -> None:
    def hit(role: str) -> HitView:
        return HitView("Acme", "UK sanctions list", "ACME (UK-1)", 0.9, HitStatus.UNRESOLVED, role)

    rows = merged_hits([hit("Partner organisation"), hit("Funder or co-funder")])

    assert [(r.hit.subject_text, r.times) for r in rows] == [
        ("Acme (Partner organisation, Funder or co-funder)", 2)
    ]


INTERMEDIARY = "Eastern Gate Trading Company"
OTHERS: dict[str, object] = {
    "other_organisations": ["co-funder", "intermediary"],
    "cofunder_name": "Northern Star Foundation",
    "intermediary_name": INTERMEDIARY,
}


@pytest.fixture
def intermediary_listed(db: None, tmp_path: Path) -> None:
    path = tmp_path / "roles.csv"
    path.write_text(
        f"id,name,aliases,type,countries,notes\nRL-1,{INTERMEDIARY},,organization,AE,Test entry\n",
        encoding="utf-8",
    )
    list_snapshot_import(paths=[path], source="custom:roles", actor="test:triage")
    current_index()


def test_each_organisation_carries_its_role_wherever_it_is_shown(
    cast: Cast, intermediary_listed: None
) -> None:
    session = rich(cast.rita, **OTHERS)

    researcher = page(cast.rita, session.get_absolute_url())
    officer = page(cast.olga, session.get_absolute_url())
    form = page(cast.rita, reverse("cases:engagement-create") + f"?triage={session.public_id}")

    # the summary names each organisation with its role
    summary = researcher[researcher.index("Organisations named:") : researcher.index("Processes")]
    for name, role in (
        ("Moscow Institute of Applied Photonics", "partner organisation"),
        ("Northern Star Foundation", "funder or co-funder"),
        (INTERMEDIARY, "intermediary"),
    ):
        assert f'{name} <span class="role">({role})</span>' in summary
    # each hit row says which organisation it concerns, for researchers and officers alike
    assert f"{INTERMEDIARY} (Intermediary): possible match on a watch list" in researcher
    assert f'<td data-label="Name screened">{INTERMEDIARY} (Intermediary)</td>' in officer
    # and the engagement proposed from the triage starts with them
    assert (
        "Organisations named in triage: Moscow Institute of Applied Photonics (partner "
        f"organisation); Northern Star Foundation (funder or co-funder); {INTERMEDIARY} "
        "(intermediary)"
    ) in form


def test_a_pep_found_for_the_partner_never_raises_the_tier_under_gb_base(
    cast: Cast, tmp_path: Path
) -> None:
    # given an OpenSanctions PEP dataset's target (a company whose only topic is a role)
    name = "Western Harbour Holdings"
    path = tmp_path / "entities.ftm.json"
    entity = {
        "id": "os-pep-2",
        "caption": name,
        "schema": "Company",
        "properties": {"name": [name], "topics": ["role.pep"]},
        "datasets": ["test_peps"],
        "target": True,
    }
    path.write_text(json.dumps(entity) + "\n", encoding="utf-8")
    list_snapshot_import(paths=[path], source="opensanctions", actor="test:triage")
    current_index()
    quiet = {
        "engagement_kind": ["research-collaboration"],
        "partner_kind": "company",
        "partner_country": "FR",
        "research_areas": ["history"],
        "transfer_abroad": False,
        "military_end_use": "none",
        "partner_military_links": False,
        "other_organisations": [],
        "payment_to_partner": False,
        "personal_data": "none",
        "human_participants": False,
        "publication_restrictions": False,
        "ip_transfer": False,
    }

    # when the partner is named like it
    session = services.triage_start(actor=cast.rita, engagement=None)
    answers = {**quiet, "partner_name": name}
    session = services.triage_answers_save(
        actor=cast.rita, session=session, answers=answers, questions=list(answers)
    )
    session = services.triage_complete(actor=cast.rita, session=session)

    # then the tier stays standard, no sanctions process comes in, and only officers see it
    assert session.outcome is not None
    assert session.outcome["tier"]["id"] == "standard"
    assert "sanctions-check" not in [p["id"] for p in session.outcome["processes"]]
    assert "os-pep-2" in page(cast.olga, session.get_absolute_url())
    assert "os-pep-2" not in page(cast.rita, session.get_absolute_url())


def test_the_checklist_on_the_result_carries_over_into_the_case_plan(cast: Cast) -> None:
    # given a researcher's triage whose result shows a checklist
    session = rich(cast.rita)
    shown = [m["description"] for m in session.outcome["mitigations"]]  # type: ignore[index]
    html = page(cast.rita, session.get_absolute_url())
    assert all(escape(text) in html for text in shown)

    # when they propose the engagement from it and an officer proposes the plan
    client = Client()
    client.force_login(cast.rita)
    client.post(
        reverse("cases:engagement-create") + f"?triage={session.public_id}",
        {"title": "Photonics collaboration", "kind": "research_collaboration"},
    )
    engagement = Engagement.objects.get(title="Photonics collaboration")
    made = mitigation_services.mitigation_propose(actor=cast.olga, engagement=engagement)

    # then every checklist item is on the case's plan, once, with the reasons it applies
    assert sorted(i.title for i in made) == sorted(shown)
    assert len({i.checklist_item for i in made}) == len(shown)
    assert all(i.description for i in made)
