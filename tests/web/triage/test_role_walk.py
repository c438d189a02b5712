"""Roles that may not read the watch lists (researcher, champion: no `lists.view`) walk every page,
API response, print view and export that shows a triage outcome resting on a screening hit, and
never meet the listed entry's name or id; an officer, walking the same, does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from tests.web.api.conftest import api_client
from tests.web.cases.conftest import Cast, fields
from tests.web.triage.conftest import TYPICAL, Answer, Completed
from trustdesk.policy.reasons import REDACTED_HIT, FactKind
from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.roles import ROLES
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement, EngagementPartner
from trustdesk.web.partners import services as partner_services
from trustdesk.web.partners.models import ScreeningRun
from trustdesk.web.triage import answers as answer_glue
from trustdesk.web.triage import services
from trustdesk.web.triage.models import TriageSession

ENTRY_NAME = "Example Institute of Applied Physics"  # TT-001 on the test list
ENTRY_ID = "TT-001"
PARTNER = "EIAP"  # the entry's listed alias: the partner's own name is not the entry's


@pytest.fixture
def case(cast: Cast, completed: Completed, answer: Answer, watch_list: str) -> TriageSession:
    """Rita's engagement with a listed partner, and a completed triage that rests on its hit."""
    engagement = case_services.engagement_create(actor=cast.rita, fields=fields())
    org = partner_services.organisation_create(
        actor=cast.rita, data=partner_services.OrganisationInput(name=PARTNER, kind="university")
    )
    run = ScreeningRun.objects.get(organisation=org)
    partner_services.screening_run(run_id=str(run.public_id), actor="test:walk")
    assert [h.entry_id for h in run.hits.all()] == [ENTRY_ID]
    role = EngagementPartner.Role.COLLABORATOR
    case_services.engagement_partner_add(
        actor=cast.rita, engagement=engagement, partner=org, role=role
    )
    session = completed(cast.rita, engagement, sensitive_tech=True, tech_areas=["propulsion"])
    outcome = answer_glue.stored_outcome(session)
    assert outcome is not None
    rests_on_hit = [
        r for v in outcome.verdicts for r in v.reasons if FactKind.SCREENING_HIT in r.kinds
    ]
    assert rests_on_hit  # the outcome rests on the hit, so there is something to redact
    # a draft naming the listed entry in an answer, screened on the questionnaire
    draft = services.triage_start(actor=cast.rita, engagement=engagement)
    answer(draft, cast.rita, **{**TYPICAL, "partner_name": PARTNER})
    return session


def _pages(session: TriageSession, engagement: Engagement) -> Iterator[str]:
    yield reverse("triage:session-list")
    yield session.get_absolute_url()  # the result page, which is also the print view
    yield reverse("triage:session-questionnaire", kwargs={"public_id": session.public_id})
    for draft in TriageSession.objects.filter(status=TriageSession.Status.DRAFT):
        yield draft.get_absolute_url()
    yield engagement.get_absolute_url()
    # The partner's own page and its screening section, which group the hits by listed entry.
    for link in EngagementPartner.objects.filter(engagement=engagement, organisation__isnull=False):
        assert link.organisation is not None
        org_id = link.organisation.public_id
        yield reverse("partners:organisation-detail", args=[org_id])
        yield reverse("partners:organisation-screening", args=[org_id])
    yield reverse("cases:engagement-list")
    yield reverse("audit:export")  # the one export; refused to these roles
    yield reverse("audit:event_list")


def _api(session: TriageSession, engagement: Engagement) -> Iterator[str]:
    yield "/api/triage/sessions"
    yield f"/api/triage/sessions/{session.public_id}"
    yield f"/api/triage/sessions?engagement={engagement.public_id}"
    yield f"/api/engagements/{engagement.public_id}"
    yield "/api/engagements"
    for link in EngagementPartner.objects.filter(engagement=engagement, organisation__isnull=False):
        assert link.organisation is not None
        yield f"/api/organisations/{link.organisation.public_id}"
        yield f"/api/organisations/{link.organisation.public_id}/screenings"


def _walk(user: User, session: TriageSession) -> dict[str, str]:
    engagement = session.engagement
    assert engagement is not None
    client = Client()
    client.force_login(user)
    seen = {}
    for url in _pages(session, engagement):
        response = client.get(url, follow=True)
        assert response.status_code in (200, 403), url
        seen[url] = response.content.decode()
    token = api_client(user)
    for url in _api(session, engagement):
        response = token.get(url)
        assert response.status_code == 200, url
        seen[url] = response.content.decode()
    return seen


@pytest.mark.parametrize("role", ["rita", "cara"])
def test_roles_without_the_lists_never_see_a_listed_entry(
    cast: Cast, case: TriageSession, role: str
) -> None:
    user = cast.by_name(role)
    assert "lists.view" not in ROLES[User.Role(user.role)].permissions

    seen = _walk(user, case)

    leaks = {url: body for url, body in seen.items() if ENTRY_NAME in body or ENTRY_ID in body}
    assert list(leaks) == []
    assert REDACTED_HIT in seen[case.get_absolute_url()]
    assert REDACTED_HIT in seen[f"/api/triage/sessions/{case.public_id}"]


def test_the_owner_running_the_api_triage_sees_no_listed_entry(
    cast: Cast, case: TriageSession
) -> None:
    engagement = case.engagement
    assert engagement is not None

    response = api_client(cast.rita).post(
        f"/api/engagements/{engagement.public_id}/triage",
        {"answers": {"sensitive_tech": True, "tech_areas": ["propulsion"]}},
    )

    assert response.status_code == 201
    body = response.content.decode()
    assert REDACTED_HIT in body
    assert ENTRY_NAME not in body
    assert ENTRY_ID not in body


def test_only_the_kinds_may_see_it_and_an_officer_does(cast: Cast, case: TriageSession) -> None:
    # Of the roles that open cases, those without the lists: each walked above.
    without = sorted(
        r.value
        for r, d in ROLES.items()
        if "lists.view" not in d.permissions and "engagement.view" in d.permissions
    )
    assert without == ["champion", "researcher"]

    seen = _walk(cast.olga, case)

    assert f"{ENTRY_NAME} (custom:triage-test:{ENTRY_ID})" in seen[case.get_absolute_url()]
    assert '<td data-label="Status">Not yet reviewed</td>' in seen[case.get_absolute_url()]
    assert ENTRY_ID in seen[f"/api/triage/sessions/{case.public_id}"]
    partner_pages = [body for url, body in seen.items() if url.startswith("/partners/")]
    assert len(partner_pages) == 2
    assert all(ENTRY_NAME in body and ENTRY_ID in body for body in partner_pages)
    screenings = [body for url, body in seen.items() if url.endswith("/screenings")]
    assert len(screenings) == 1
    assert ENTRY_NAME in screenings[0]
    assert ENTRY_ID in screenings[0]
