"""Policy and triage through the API: the pack, stateless triage, sessions, engagement triage."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests import factories
from tests.support import GB_QUIET_COLLABORATION
from tests.web.api.conftest import ApiClient
from tests.web.cases.conftest import Advance, Cast
from trustdesk.policy.registry import load
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement, EngagementPartner
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.lists.services import list_snapshot_import
from trustdesk.web.partners import services as partner_services
from trustdesk.web.partners.models import ScreeningHit, ScreeningRun
from trustdesk.web.triage import selectors, services
from trustdesk.web.triage.models import TriageSession

pytestmark = pytest.mark.django_db
Api = dict[str, ApiClient]

LISTED = "Example Institute of Applied Physics"
LIST_SOURCE = "custom:triage-api"

# A research collaboration's answers beyond what the engagement's record prefills (kind,
# partner country, research areas and the partner's name).
COLLABORATION = {"partner_kind": "university", **GB_QUIET_COLLABORATION}
# A visiting researcher in quantum sensing from a country outside the ATAS exemptions.
VISITOR = {
    "engagement_kind": ["visitor"],
    "partner_name": "Example Quantum Institute",
    "partner_kind": "research-institute",
    "partner_country": "CN",
    "research_areas": ["quantum-sensing"],
    "transfer_abroad": False,
    "military_end_use": "none",
    "partner_military_links": False,
    "other_organisations": [],
    "payment_to_partner": False,
    "visitor_nationality": "CN",
    "visitor_level": "researcher",
}


@pytest.fixture(autouse=True)
def _uk_pack(settings: Any) -> None:
    settings.TRUSTDESK_POLICY_PACK = "gb-base"


@pytest.fixture
def listed(tmp_path: Path) -> None:
    """A custom watch list naming one institute, so a partner of that name has a hit."""
    path = tmp_path / "triage-api.csv"
    path.write_text(
        f"id,name,aliases,type,countries,notes\nTA-001,{LISTED},EIAP,organization,CN,\n",
        encoding="utf-8",
    )
    list_snapshot_import(paths=[path], source=LIST_SOURCE, actor="test:triage-api")


def _draft(advance: Advance, cast: Cast, partner: str = "Example University") -> Engagement:
    """Rita's draft (Tom on the team) with a partner institution whose screening has run."""
    engagement = advance()
    org = factories.make_organisation(cast.rita, partner)
    # The screening queued on creation runs after commit, which a test never reaches.
    partner_services.screening_run(
        run_id=str(ScreeningRun.objects.get(organisation=org).public_id), actor="test:triage-api"
    )
    case_services.engagement_partner_add(
        actor=cast.rita,
        engagement=engagement,
        partner=org,
        role=EngagementPartner.Role.PARTNER_INSTITUTION,
    )
    return engagement


def _url(engagement: Engagement) -> str:
    return f"/api/engagements/{engagement.public_id}/triage"


# --- the pack ------------------------------------------------------------------------------


def test_pack_gives_questions_in_order_with_when_each_is_asked(api: Api) -> None:
    response = api["rita"].get("/api/policy/pack")

    assert response.status_code == 200
    body = response.json()
    pack = load("gb-base")
    assert (body["id"], body["version"], body["jurisdiction"]) == ("gb-base", "2026.1", "GB")
    assert (body["publication_date"], body["lineage"], body["currency"]) == (
        "2026-11-22",
        [],
        "GBP",
    )
    assert [q["id"] for q in body["questions"]] == [q.id for q in pack.questions]
    first, country = body["questions"][0], body["questions"][3]
    assert first["kind"] == "multiple_choice"
    assert first["ask_when"] is None
    assert first["options"][0] == {
        "id": "research-collaboration",
        "label": "Research collaboration with an organisation outside the UK",
    }
    assert country["id"] == "partner_country"
    assert country["ask_when"]["any"][0] == {
        "answer": "engagement_kind",
        "contains": "research-collaboration",
    }
    atas = next(q for q in body["questions"] if q["id"] == "visitor_level")
    assert atas["ask_when"] == {
        "any": [
            {"answer": "engagement_kind", "contains": "visitor"},
            {"answer": "engagement_kind", "contains": "incoming-student"},
        ]
    }


def test_pack_gives_taxonomies_as_trees(api: Api) -> None:
    body = api["aude"].get("/api/policy/pack").json()

    areas = next(t for t in body["taxonomies"] if t["id"] == "uk-research-areas")
    physical = areas["nodes"][0]
    assert physical["id"] == "physical-sciences-and-mathematics"
    assert physical["children"][1] == {
        "id": "quantum-sensing",
        "label": "Quantum sensing and metrology",
        "code": None,
        "note": physical["children"][1]["note"],
        "children": [],
    }
    assert [t["id"] for t in body["taxonomies"]] == [
        "nsi",
        "uk-export-control",
        "atas-subjects",
        "uk-research-areas",
    ]


def test_pack_of_an_institution_names_its_base(api: Api, settings: Any) -> None:
    settings.TRUSTDESK_POLICY_PACK = "example-uk-university"

    body = api["rita"].get("/api/policy/pack").json()

    assert (body["id"], body["lineage"]) == ("example-uk-university", ["gb-base@2026.1"])
    assert body["questions"][-1]["id"] == "wessex_containment_lab"


def test_triage_needs_a_valid_token() -> None:
    anonymous = Client(enforce_csrf_checks=True)
    for response in [
        anonymous.get("/api/policy/pack"),
        anonymous.post("/api/triage", {"answers": {}}, content_type="application/json"),
        anonymous.get("/api/triage/sessions"),
    ]:
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"
    bad = anonymous.post(
        "/api/triage",
        {"answers": {}},
        content_type="application/json",
        headers={"Authorization": "Bearer tdk_nothing"},
    )
    assert (bad.status_code, bad.json()["code"]) == (401, "invalid_token")


def test_a_pack_that_cannot_be_loaded_is_503(api: Api, settings: Any) -> None:
    settings.TRUSTDESK_POLICY_PACK = "no-such-pack"

    responses = [
        api["rita"].get("/api/policy/pack"),
        api["rita"].post("/api/triage", {"answers": {}}),
    ]

    for response in responses:
        assert response.status_code == 503
        body = response.json()
        assert body["code"] == "pack_unavailable"
        assert body["message"].startswith(
            "The policy pack 'no-such-pack' (TRUSTDESK_POLICY_PACK) cannot be loaded: "
        )


# --- stateless triage ----------------------------------------------------------------------


def test_triage_gives_the_outcome_and_stores_nothing(api: Api) -> None:
    events = AuditEvent.objects.count()

    response = api["rita"].post("/api/triage", {"answers": VISITOR})

    assert response.status_code == 200
    body = response.json()
    assert (body["pack_id"], body["pack_version"], body["pack_lineage"]) == (
        "gb-base",
        "2026.1",
        [],
    )
    assert body["tier"]["id"] == "enhanced"
    assert [p["id"] for p in body["processes"]] == [
        "export-control",
        "atas-certificate",
        # no academic-freedom due diligence: a visitor's home country alone is no reason
        "visitor-check",
        "trusted-research-briefing",
    ]
    atas = body["processes"][1]
    assert atas["contact"] == {
        "name": "International student and visa team",
        "role": "Advises on visas, sponsorship and ATAS certificates for students, staff and "
        "visitors",
        "email": None,
        "url": None,
    }
    assert atas["guidance_url"] == "https://www.gov.uk/guidance/academic-technology-approval-scheme"
    assert atas["notice"]
    assert atas["legal_basis"]
    assert atas["reasons"][0]["rule"] == "atas"
    assert (
        "Visitor's level is 'Research at PhD level or above (postdoc or visiting academic)'"
        in (atas["reasons"][0]["because"])
    )
    assert body["verdicts"] == []
    assert "atas-before-start" in [m["id"] for m in body["mitigations"]]
    assert body["asked"][:2] == ["engagement_kind", "partner_name"]
    assert body["ignored_answers"] == []
    assert TriageSession.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_triage_counts_the_screening_hits_sent(api: Api) -> None:
    hit = {"source": "us-csl", "entry_id": "E-1", "name": "Example Quantum Institute"}
    answers = {**VISITOR, "research_areas": ["history"], "partner_country": "FR"}
    answers["visitor_nationality"] = "FR"

    unresolved = api["olga"].post("/api/triage", {"answers": answers, "screening": [hit]})
    dismissed = api["olga"].post(
        "/api/triage", {"answers": answers, "screening": [{**hit, "status": "false_positive"}]}
    )

    assert unresolved.status_code == 200
    assert unresolved.json()["tier"]["id"] == "enhanced"
    reasons = unresolved.json()["tier"]["reasons"]
    assert [r["rule"] for r in reasons] == ["screening-export-or-research-security-list"]
    assert dismissed.json()["tier"]["id"] == "standard"


def test_triage_lists_answers_to_questions_not_asked(api: Api) -> None:
    answers = {"engagement_kind": ["staff-travel"], "travel_country": "FR", "visitor_level": "x"}

    response = api["tom"].post("/api/triage", {"answers": answers})

    assert response.status_code == 422  # "x" is no option, even for a question not asked
    fixed = (
        api["tom"]
        .post("/api/triage", {"answers": {**answers, "visitor_level": "researcher"}})
        .json()
    )
    assert fixed["ignored_answers"] == ["visitor_level"]
    assert fixed["asked"] == [
        "engagement_kind",
        "research_areas",
        "travel_country",
        "travel_carrying",
    ]


def test_bad_answers_are_422_with_every_problem(api: Api) -> None:
    answers = {
        "engagement_kind": "visitor",
        "partner_country": "Germany",
        "funding_amount": -5,
        "no_such_question": True,
    }

    response = api["rita"].post("/api/triage", {"answers": answers})

    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid_answers",
        "message": "Some answers do not fit the policy pack's questions.",
        "errors": [
            {
                "loc": ["body", "answers", "no_such_question"],
                "message": "no such question in this pack",
                "type": "invalid_answer",
            },
            {
                "loc": ["body", "answers", "engagement_kind"],
                "message": "multiple_choice question expects a list drawn from "
                "['research-collaboration', 'partnership-mou', 'visitor', 'staff-travel', "
                "'funding-gift', 'contract-research', 'licensing-spinout', 'incoming-student']",
                "type": "invalid_answer",
            },
            {
                "loc": ["body", "answers", "partner_country"],
                "message": "country question expects an ISO 3166-1 alpha-2 code such as CA or GB",
                "type": "invalid_answer",
            },
            {
                "loc": ["body", "answers", "funding_amount"],
                "message": "amount question expects a number, zero or more",
                "type": "invalid_answer",
            },
        ],
    }


def test_a_malformed_body_is_the_apis_usual_422(api: Api) -> None:
    response = api["rita"].post("/api/triage", {"answers": [], "screening": [{"source": ""}]})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert ["body", "payload", "answers"] in [e["loc"] for e in body["errors"]]


# --- sessions ------------------------------------------------------------------------------


def _stand_alone(cast: Cast, username: str) -> TriageSession:
    owner = cast.by_name(username)
    session = services.triage_start(actor=owner)
    answers = {
        "engagement_kind": ["staff-travel"],
        "research_areas": ["history"],
        "travel_country": "FR",
        "travel_carrying": ["nothing"],
    }
    session = services.triage_answers_save(
        actor=owner, session=session, answers=answers, questions=list(answers)
    )
    return services.triage_complete(actor=owner, session=session)


@pytest.mark.parametrize("who", ["rita", "tom", "cara", "chad", "olga", "aude", "otto"])
def test_sessions_are_listed_exactly_as_the_triage_page_scopes_them(
    cast: Cast, api: Api, advance: Advance, who: str
) -> None:
    _stand_alone(cast, "rita")
    _stand_alone(cast, "otto")
    services.triage_start(actor=cast.rita, engagement=advance())  # a draft on Rita's case

    listed = api[who].get("/api/triage/sessions").json()

    scoped = selectors.triage_list_for_user(user=cast.by_name(who))
    assert [item["id"] for item in listed["items"]] == [str(s.public_id) for s in scoped]
    assert listed["count"] == scoped.count()


def test_sessions_list_pages_and_filters(cast: Cast, api: Api, advance: Advance) -> None:
    done = _stand_alone(cast, "rita")
    engagement = advance()
    draft = services.triage_start(actor=cast.rita, engagement=engagement)

    everything = api["olga"].get("/api/triage/sessions").json()
    drafts = api["olga"].get("/api/triage/sessions", status="draft").json()
    on_case = api["olga"].get("/api/triage/sessions", engagement=str(engagement.public_id)).json()
    second = api["olga"].get("/api/triage/sessions", limit=1, offset=1).json()

    assert [i["id"] for i in everything["items"]] == [str(draft.public_id), str(done.public_id)]
    assert [i["id"] for i in drafts["items"]] == [str(draft.public_id)]
    assert [i["id"] for i in on_case["items"]] == [str(draft.public_id)]
    assert (second["count"], [i["id"] for i in second["items"]]) == (2, [str(done.public_id)])
    assert everything["items"][0]["outcome"] is None
    assert everything["items"][1]["outcome"]["tier"]["id"] == "standard"
    assert api["olga"].get("/api/triage/sessions", status="done").status_code == 422


def test_session_detail_in_scope(cast: Cast, api: Api) -> None:
    session = _stand_alone(cast, "rita")

    body = api["cara"].get(f"/api/triage/sessions/{session.public_id}").json()

    assert body["id"] == str(session.public_id)
    assert (body["status"], body["owner"], body["engagement"]) == ("completed", "rita", None)
    assert (body["pack_id"], body["pack_version"]) == ("gb-base", "2026.1")
    assert body["answers"]["travel_country"] == "FR"
    assert body["outcome"]["tier"]["id"] == "standard"
    assert body["outcome"]["asked"] == [
        "engagement_kind",
        "research_areas",
        "travel_country",
        "travel_carrying",
    ]
    assert (body["completed_by"], body["stale"], body["hits"]) == ("rita", [], [])


@pytest.mark.parametrize("who", ["otto", "chad"])
def test_session_outside_the_scope_is_the_same_404_as_a_missing_one(
    cast: Cast, api: Api, who: str
) -> None:
    session = _stand_alone(cast, "rita")

    hidden = api[who].get(f"/api/triage/sessions/{session.public_id}")
    missing = api[who].get(f"/api/triage/sessions/{uuid.uuid4()}")

    assert (hidden.status_code, hidden.content) == (404, missing.content)
    assert missing.json() == {"code": "not_found", "message": "Not found."}


# --- an engagement's triage ----------------------------------------------------------------


def test_owner_triages_a_draft_engagement_prefilled_from_its_record(
    cast: Cast, api: Api, advance: Advance
) -> None:
    engagement = _draft(advance, cast)

    response = api["rita"].post(_url(engagement), {"answers": COLLABORATION})

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["owner"], body["engagement"]) == (
        "completed",
        "rita",
        str(engagement.public_id),
    )
    assert body["answers"] == {
        "engagement_kind": ["research-collaboration"],
        "partner_country": "DE",
        "research_areas": ["quantum-sensing"],
        "partner_name": "Example University",
        # Prefilled from the record too, though a collaboration does not ask them.
        "travel_country": "DE",
        "funding_amount": 125000,
        **COLLABORATION,
    }
    assert body["outcome"]["tier"]["id"] == "standard"
    assert [p["id"] for p in body["outcome"]["processes"]] == ["trusted-research-briefing"]
    assert body["stale"] == []
    session = TriageSession.objects.get(public_id=body["id"])
    events = AuditEvent.objects.filter(action__startswith="trustdesk.triage.").order_by("sequence")
    assert [(e.action, e.target_label, e.data["triage"]) for e in events] == [
        ("trustdesk.triage.started", engagement.title, body["id"]),
        ("trustdesk.triage.completed", engagement.title, body["id"]),
    ]
    assert session.completed_by == cast.rita


def test_team_member_triages_too(cast: Cast, api: Api, advance: Advance) -> None:
    engagement = _draft(advance, cast)

    response = api["tom"].post(_url(engagement), {"answers": COLLABORATION})

    assert (response.status_code, response.json()["owner"]) == (201, "tom")


@pytest.mark.parametrize("who", ["cara", "olga", "alan", "aude", "ada"])
def test_those_not_on_the_case_may_not_triage_it(
    cast: Cast, api: Api, advance: Advance, who: str
) -> None:
    engagement = _draft(advance, cast)

    response = api[who].post(_url(engagement), {"answers": COLLABORATION})

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert TriageSession.objects.count() == 0


@pytest.mark.parametrize("who", ["otto", "chad"])
def test_engagement_outside_the_scope_is_the_same_404_as_a_missing_one(
    cast: Cast, api: Api, advance: Advance, who: str
) -> None:
    engagement = _draft(advance, cast)

    hidden = api[who].post(_url(engagement), {"answers": COLLABORATION})
    missing = api[who].post(f"/api/engagements/{uuid.uuid4()}/triage", {"answers": COLLABORATION})

    assert (hidden.status_code, hidden.content) == (404, missing.content)


def test_missing_and_unknown_answers_are_422_and_leave_nothing_behind(
    cast: Cast, api: Api, advance: Advance
) -> None:
    engagement = _draft(advance, cast)
    events = AuditEvent.objects.count()
    answers = {**COLLABORATION, "no_such_question": True, "transfer_abroad": "perhaps"}
    del answers["ip_transfer"]

    response = api["rita"].post(_url(engagement), {"answers": answers})

    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["message"]) == (
        "invalid_answers",
        services.AnswersIncomplete.MESSAGE,
    )
    assert {tuple(e["loc"]): e["message"] for e in body["errors"]} == {
        ("body", "answers", "no_such_question"): "no such question in this pack",
        ("body", "answers", "transfer_abroad"): "yes_no question expects yes or no (true/false)",
        ("body", "answers", "ip_transfer"): services.NEEDS_ANSWER,
    }
    assert TriageSession.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_a_submitted_engagement_is_not_triaged_by_its_owner(
    cast: Cast, api: Api, advance: Advance
) -> None:
    engagement = _draft(advance, cast)
    case_services.engagement_submit(actor=cast.rita, engagement=engagement)

    response = api["rita"].post(_url(engagement), {"answers": COLLABORATION})

    assert response.status_code == 403
    assert response.json()["message"] == services.ENGAGEMENT_NOT_YOURS


def test_partners_adjudicated_hits_count_and_only_list_readers_see_the_entry(
    cast: Cast, api: Api, advance: Advance, listed: None
) -> None:
    engagement = _draft(advance, cast, partner=LISTED)
    hit = ScreeningHit.objects.get(run__organisation__name=LISTED)
    partner_services.hit_adjudicate(actor=cast.olga, hit=hit, verdict="confirmed", reason="Same")

    created = api["rita"].post(_url(engagement), {"answers": COLLABORATION}).json()
    as_officer = api["olga"].get(f"/api/triage/sessions/{created['id']}").json()

    partner_hits = [h for h in created["hits"] if h["origin"] == "partner"]
    assert partner_hits == [
        {
            "subject": LISTED,
            "origin": "partner",
            "role": "Partner institution",
            "score": partner_hits[0]["score"],
            "status": "confirmed",
            "source": None,
            "entry_id": None,
            "name": None,
            "programme": None,
        }
    ]
    officer_hit = next(h for h in as_officer["hits"] if h["origin"] == "partner")
    assert (officer_hit["source"], officer_hit["entry_id"], officer_hit["name"]) == (
        LIST_SOURCE,
        "TA-001",
        LISTED,
    )
    assert as_officer["stale"] == []


def test_an_adjudication_after_the_triage_makes_it_stale(
    cast: Cast, api: Api, advance: Advance, listed: None
) -> None:
    engagement = _draft(advance, cast, partner=LISTED)
    created = api["rita"].post(_url(engagement), {"answers": COLLABORATION}).json()
    hit = ScreeningHit.objects.get(run__organisation__name=LISTED)

    partner_services.hit_adjudicate(
        actor=cast.olga, hit=hit, verdict="false_positive", reason="Another institute"
    )

    body = api["rita"].get(f"/api/triage/sessions/{created['id']}").json()
    assert body["stale"] == [
        "The screening of the engagement's partners changed (new hits or adjudications)."
    ]
