"""Organisation answers are screened through partner screening's own service, with the loaded
index only (never built in a request: "not checked" until it is), and never while a row is
locked or inside any transaction."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.web.api.conftest import api_client
from tests.web.cases.conftest import Cast, fields
from tests.web.triage.conftest import LISTED, TYPICAL, Answer
from trustdesk.web.cases import services as case_services
from trustdesk.web.lists.screening import current_index, index_dir
from trustdesk.web.lists.services import list_snapshot_import
from trustdesk.web.partners import services as partner_services
from trustdesk.web.partners.models import ScreeningRun
from trustdesk.web.triage import answers as answer_glue
from trustdesk.web.triage import selectors, services

UNCHECKED = "Not yet checked against the watch lists:"


@pytest.fixture
def unindexed(db: None, tmp_path: Path) -> str:
    """A list imported just now, whose index no worker has built yet."""
    path = tmp_path / "fresh.csv"
    path.write_text(
        f"id,name,aliases,type,countries,notes\nFR-1,{LISTED},,organization,CN,Test entry\n",
        encoding="utf-8",
    )
    list_snapshot_import(paths=[path], source="custom:fresh", actor="test:triage")
    return "custom:fresh"


def _indexes() -> set[str]:
    return {p.name for p in index_dir().glob("*.idx")} if index_dir().exists() else set()


def test_a_name_is_not_checked_while_the_index_is_not_built_and_no_request_builds_it(
    cast: Cast, unindexed: str
) -> None:
    # given a draft, and lists whose index is not built
    session = services.triage_start(actor=cast.rita)
    before = _indexes()
    client = Client()
    client.force_login(cast.rita)
    url = reverse("triage:session-questionnaire", kwargs={"public_id": session.public_id})

    # when the researcher names the listed organisation
    response = client.post(url, {"shown": ["partner_name"], "q-partner_name": LISTED}, follow=True)

    # then the page says it was not checked, and no index was built for it
    assert UNCHECKED in response.content.decode()
    assert "No match on the loaded watch lists." not in response.content.decode()
    assert _indexes() == before
    session.refresh_from_db()
    [screened] = answer_glue.answer_screening(session).values()
    assert (screened.name, screened.screened, screened.hits) == (LISTED, False, ())

    # and once a worker has built it, the next save checks the name
    current_index()
    response = client.post(url, {"shown": ["partner_name"], "q-partner_name": LISTED}, follow=True)
    assert UNCHECKED not in response.content.decode()
    session.refresh_from_db()
    [screened] = answer_glue.answer_screening(session).values()
    assert [(h.source, h.entry_id) for h in screened.hits] == [(unindexed, "FR-1")]


def test_a_result_worked_out_before_the_index_was_ready_says_the_name_was_not_checked(
    cast: Cast, unindexed: str, answer: Answer
) -> None:
    session = services.triage_start(actor=cast.rita)
    session = answer(session, cast.rita, **{**TYPICAL, "partner_name": LISTED})
    session = services.triage_complete(actor=cast.rita, session=session)
    client = Client()
    client.force_login(cast.rita)

    html = client.get(session.get_absolute_url()).content.decode()

    assert f"Not checked against the watch lists:</strong> {LISTED}." in html
    api = api_client(cast.rita).get(f"/api/triage/sessions/{session.public_id}").json()
    assert (api["unchecked"], api["hits"]) == ([LISTED], [])


def test_an_answer_and_a_partner_of_the_same_name_get_the_same_hits(
    cast: Cast, watch_list: str, answer: Answer
) -> None:
    org = partner_services.organisation_create(
        actor=cast.rita, data=partner_services.OrganisationInput(name=LISTED, kind="university")
    )
    run = ScreeningRun.objects.get(organisation=org)
    partner_services.screening_run(run_id=str(run.public_id), actor="test:triage")

    session = answer(services.triage_start(actor=cast.rita), cast.rita, partner_name=LISTED)

    [screened] = answer_glue.answer_screening(session).values()
    as_answer = {(h.source, h.entry_id, h.matched_name, h.score) for h in screened.hits}
    as_partner = {(h.source, h.entry_id, h.matched_name, h.score) for h in run.hits.all()}
    assert as_answer == as_partner != set()


@pytest.mark.django_db(transaction=True)
def test_answers_are_screened_outside_any_transaction(
    cast: Cast, watch_list: str, answer: Answer
) -> None:
    # given a record of every read of the current lists, and whether a transaction was open
    reads: list[bool] = []

    def observe(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        if "lists_listsource" in sql:
            reads.append(connection.in_atomic_block)
        return execute(sql, *args)

    engagement = case_services.engagement_create(actor=cast.rita, fields=fields())

    # when a draft is started, answered, completed and re-run, and the API's one-call triage runs
    with connection.execute_wrapper(observe):
        session = services.triage_start(actor=cast.rita)
        session = answer(session, cast.rita, **{**TYPICAL, "partner_name": LISTED})
        session = services.triage_complete(actor=cast.rita, session=session)
        services.triage_rerun(actor=cast.olga, session=session)
        ran = services.triage_run(
            actor=cast.rita, engagement=engagement, answers={**TYPICAL, "partner_name": LISTED}
        )

    # then the lists were read (screened) each time, and never inside a transaction
    assert len(reads) >= 3
    assert not any(reads)
    assert [h.entry_id for h in answer_glue.used_hits(ran)] == ["TT-001"]


def test_the_api_gives_each_answers_screening_with_the_lists_it_consulted(
    cast: Cast, watch_list: str, answer: Answer
) -> None:
    # given a finished triage whose partner answer was screened against the loaded lists
    session = services.triage_start(actor=cast.rita)
    session = answer(session, cast.rita, **{**TYPICAL, "partner_name": LISTED})
    session = services.triage_complete(actor=cast.rita, session=session)

    # when its owner reads it through the API
    body = api_client(cast.rita).get(f"/api/triage/sessions/{session.public_id}").json()

    # then the answer's screening names the list consulted and says what was not checked
    [screened] = body["screening"]
    assert (screened["question"], screened["name"], screened["screened"]) == (
        "partner_name",
        LISTED,
        True,
    )
    coverage = screened["coverage"]
    assert watch_list in {c["source"] for c in coverage["consulted"]}
    assert coverage["sanctions_checked"] is False
    assert "un-sc" in {m["source"] for m in coverage["missing"]}


def test_the_api_gives_no_coverage_for_a_name_that_was_not_checked(
    cast: Cast, unindexed: str, answer: Answer
) -> None:
    session = answer(services.triage_start(actor=cast.rita), cast.rita, partner_name=LISTED)

    body = api_client(cast.rita).get(f"/api/triage/sessions/{session.public_id}").json()

    assert [(s["name"], s["screened"], s["coverage"]) for s in body["screening"]] == [
        (LISTED, False, None)
    ]


def test_a_person_record_is_never_a_hit_on_an_organisation_answer(
    cast: Cast, tmp_path: Path, answer: Answer
) -> None:
    # given a list holding a person and an organisation, each named like an answer
    path = tmp_path / "people.csv"
    path.write_text(
        "id,name,aliases,type,countries,notes\n"
        "PP-1,Northern Lights Trading Company,,person,RU,A person of the same name\n"
        "PP-2,Southern Cross Precision Instruments,,organization,RU,Listed organisation\n",
        encoding="utf-8",
    )
    list_snapshot_import(paths=[path], source="custom:people", actor="test:triage")
    current_index()

    # when each name is answered as the partner
    hits = {}
    for name in ("Northern Lights Trading Company", "Southern Cross Precision Instruments"):
        session = services.triage_start(actor=cast.rita)
        session = answer(session, cast.rita, **{**TYPICAL, "partner_name": name})
        session = services.triage_complete(actor=cast.rita, session=session)
        hits[name] = [h.entry_id for h in answer_glue.used_hits(session)]

    # then the person record is not a hit; the listed organisation is
    assert hits == {
        "Northern Lights Trading Company": [],
        "Southern Cross Precision Instruments": ["PP-2"],
    }


PERSON_NAME = "Maria Kovalenko"  # a consultancy trading under its owner's name
PEP_NAME = "Western Harbour Holdings"
QUIET_NAME = "Southern Meadow Research Institute"


@pytest.fixture
def people_lists(db: None, tmp_path: Path) -> None:
    """A person record and a PEP-only entry, each named like an organisation."""
    people = tmp_path / "people.csv"
    people.write_text(
        "id,name,aliases,type,countries,notes\n"
        f"PP-1,{PERSON_NAME},,person,RU,A person of the same name\n",
        encoding="utf-8",
    )
    list_snapshot_import(paths=[people], source="custom:people", actor="test:triage")
    # A target of an OpenSanctions PEP dataset whose only topic is a role: context, not a hit.
    peps = tmp_path / "entities.ftm.json"
    pep = {
        "id": "os-pep-1",
        "caption": PEP_NAME,
        "schema": "Company",
        "properties": {"name": [PEP_NAME], "topics": ["role.pep"]},
        "referents": [],
        "datasets": ["test_peps"],
        "first_seen": "2026-12-01T00:00:00",
        "last_seen": "2026-12-01T00:00:00",
        "last_change": "2026-12-01T00:00:00",
        "target": True,
    }
    peps.write_text(json.dumps(pep) + "\n", encoding="utf-8")
    list_snapshot_import(paths=[peps], source="opensanctions", actor="test:triage")
    current_index()


def _completed(cast: Cast, answer: Answer, name: str) -> Any:
    session = services.triage_start(actor=cast.rita)
    session = answer(session, cast.rita, **{**TYPICAL, "partner_name": name})
    return services.triage_complete(actor=cast.rita, session=session)


@pytest.mark.parametrize(
    ("name", "entry", "why"),
    [
        (PERSON_NAME, "PP-1", "A person's record, not an organisation's"),
        (PEP_NAME, "os-pep-1", "A politically exposed person"),
    ],
)
def test_a_person_or_pep_record_is_kept_as_context_and_never_raises_the_tier(
    cast: Cast, answer: Answer, people_lists: None, name: str, entry: str, why: str
) -> None:
    # given the same answers naming an organisation that matches nothing
    quiet = _completed(cast, answer, QUIET_NAME)

    # when the partner's name matches a person or PEP record instead
    session = _completed(cast, answer, name)

    # then it is context, typed as such, and the outcome is the quiet one
    context = answer_glue.context_matches(session)
    assert [(c.hit.entry_id, c.hit.subject, c.hit.role) for c in context] == [
        (entry, name, "Partner")
    ]
    assert why in context[0].why_text
    assert answer_glue.used_hits(session) == []
    assert session.outcome["tier"] == quiet.outcome["tier"]
    assert session.outcome["processes"] == quiet.outcome["processes"]


def test_person_and_pep_context_is_shown_to_officers_and_hidden_from_researchers(
    cast: Cast, answer: Answer, people_lists: None
) -> None:
    session = _completed(cast, answer, PEP_NAME)
    pages = {}
    for user in (cast.olga, cast.rita):
        client = Client()
        client.force_login(user)
        pages[user.username] = client.get(session.get_absolute_url()).content.decode()

    officer, researcher = pages["olga"], pages["rita"]
    assert "Context for officers: 1 person or PEP record, not list hits" in officer
    assert f"{PEP_NAME} (Partner)" in officer
    assert "os-pep-1" in officer
    assert "A politically exposed person" in officer
    assert "No watch-list hits were considered." in officer
    assert "Context for officers" not in researcher
    assert "os-pep-1" not in researcher
    assert "politically exposed" not in researcher
    assert "No watch-list hits were considered." in researcher


def test_the_case_brief_shows_the_context_to_officers_only(
    cast: Cast, answer: Answer, people_lists: None
) -> None:
    # given a submitted engagement whose triage named a person's record as the partner
    engagement = case_services.engagement_create(actor=cast.rita, fields=fields())
    session = services.triage_start(actor=cast.rita, engagement=engagement)
    session = answer(session, cast.rita, **{**TYPICAL, "partner_name": PERSON_NAME})
    services.triage_complete(actor=cast.rita, session=session)
    engagement = case_services.engagement_submit(actor=cast.rita, engagement=engagement)

    pages = {}
    for user in (cast.olga, cast.rita):
        client = Client()
        client.force_login(user)
        pages[user.username] = client.get(engagement.get_absolute_url()).content.decode()

    assert "Context, not hits:" in pages["olga"]
    assert f"{PERSON_NAME} (Partner): {PERSON_NAME} (custom:people:PP-1)" in pages["olga"]
    assert "Context, not hits:" not in pages["rita"]
    assert "PP-1" not in pages["rita"]


def _engagement_triage(cast: Cast, answer: Answer, *partners: str) -> Any:
    """A completed triage of an engagement whose organisation partners were screened."""
    engagement = case_services.engagement_create(actor=cast.rita, fields=fields())
    for name in partners:
        org = partner_services.organisation_create(
            actor=cast.rita, data=partner_services.OrganisationInput(name=name, kind="company")
        )
        run = ScreeningRun.objects.get(organisation=org)
        partner_services.screening_run(run_id=str(run.public_id), actor="test:triage")
        case_services.engagement_partner_add(
            actor=cast.rita, engagement=engagement, partner=org, role="partner_institution"
        )
    session = services.triage_start(actor=cast.rita, engagement=engagement)
    session = answer(session, cast.rita, **{**TYPICAL, "partner_name": QUIET_NAME})
    return services.triage_complete(actor=cast.rita, session=session)


def test_a_partners_person_or_pep_record_is_context_and_never_raises_the_tier(
    cast: Cast, answer: Answer, people_lists: None
) -> None:
    # given an engagement whose organisation partners match nothing
    quiet = _engagement_triage(cast, answer, QUIET_NAME)

    # when its partners' stored screenings found a person record and a PEP instead
    session = _engagement_triage(cast, answer, PERSON_NAME, PEP_NAME)

    # then neither is a hit: both are context, and the outcome is the quiet one
    context = answer_glue.context_matches(session)
    assert sorted((c.hit.entry_id, c.hit.subject, c.hit.origin, c.why) for c in context) == [
        ("PP-1", PERSON_NAME, "partner", "person"),
        ("os-pep-1", PEP_NAME, "partner", "pep"),
    ]
    assert answer_glue.used_hits(session) == []
    assert session.outcome["tier"] == quiet.outcome["tier"]
    assert session.outcome["processes"] == quiet.outcome["processes"]
    # and the outcome stays current: context is no change in the partners' screening
    assert selectors.staleness(session=session, current=selectors.pack()) == []


def test_a_partners_pep_context_is_shown_to_officers_and_hidden_from_researchers(
    cast: Cast, answer: Answer, people_lists: None
) -> None:
    session = _engagement_triage(cast, answer, PEP_NAME)
    pages = {}
    for user in (cast.olga, cast.rita):
        client = Client()
        client.force_login(user)
        pages[user.username] = client.get(session.get_absolute_url()).content.decode()

    officer, researcher = pages["olga"], pages["rita"]
    assert "Context for officers: 1 person or PEP record, not list hits" in officer
    assert "os-pep-1" in officer
    assert "A politically exposed person" in officer
    assert "Context for officers" not in researcher
    assert "os-pep-1" not in researcher
    assert "politically exposed" not in researcher


def test_a_partners_sanctions_entry_still_counts_beside_its_context(
    cast: Cast, answer: Answer, people_lists: None, watch_list: str
) -> None:
    current_index()  # both lists in one index
    quiet = _engagement_triage(cast, answer, QUIET_NAME)

    session = _engagement_triage(cast, answer, LISTED, PEP_NAME)

    assert [(h.entry_id, h.origin) for h in answer_glue.used_hits(session)] == [
        ("TT-001", "partner")
    ]
    assert [c.hit.entry_id for c in answer_glue.context_matches(session)] == ["os-pep-1"]
    assert session.outcome["tier"] != quiet.outcome["tier"]
