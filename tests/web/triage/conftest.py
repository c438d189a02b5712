"""Triage fixtures: the engagement cast, a small test pack with every question kind, a custom
watch list that some partner names match, and helpers to answer and complete a session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.web.cases.conftest import Cast, advance, cast, fields  # noqa: F401  # shared fixtures
from trustdesk.web.accounts.models import User
from trustdesk.web.cases.models import Engagement
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.lists.screening import current_index
from trustdesk.web.lists.services import list_snapshot_import
from trustdesk.web.triage import services
from trustdesk.web.triage.models import TriageSession

PACK = Path(__file__).parent / "packs" / "web-test.yaml"
LIST_SOURCE = "custom:triage-test"
LISTED = "Example Institute of Applied Physics"  # on the test list
TYPICAL = {
    "activity": "research_collaboration",
    "partner_country": "FR",
    "sensitive_tech": False,
    "partner_name": "Université Exemple de Lyon",
    "funding": 120000,
    "data_types": ["personal"],
    "start_date": "2027-01-15",
}


@pytest.fixture(autouse=True)
def _test_pack(settings: Any) -> None:
    settings.TRUSTDESK_POLICY_PACK = str(PACK)
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


@pytest.fixture
def triage_answers() -> dict[str, object]:
    """The answers `advance` completes a triage with: this test pack's, not gb-base's."""
    return TYPICAL


@pytest.fixture
def watch_list(db: None, tmp_path: Path) -> str:
    path = tmp_path / "triage-test.csv"
    path.write_text(
        "id,name,aliases,type,countries,notes\n"
        f"TT-001,{LISTED},EIAP,organization,CN,Test entry\n"
        "TT-002,Example Aerospace Design Bureau,,organization,RU,Test entry\n",
        encoding="utf-8",
    )
    list_snapshot_import(paths=[path], source=LIST_SOURCE, actor="test:triage")
    current_index()  # built as the lists' worker task does after an import, not in a request
    return LIST_SOURCE


Answer = Callable[..., TriageSession]


@pytest.fixture
def answer() -> Answer:
    """Saves answers on a session as its owner would, one save per call."""

    def save(session: TriageSession, owner: User, **answers: object) -> TriageSession:
        return services.triage_answers_save(
            actor=owner, session=session, answers=answers, questions=list(answers)
        )

    return save


Completed = Callable[..., TriageSession]


@pytest.fixture
def completed(answer: Answer) -> Completed:
    """A completed triage of `owner`'s, stand-alone or for an engagement, from TYPICAL answers."""

    def make(owner: User, engagement: Engagement | None = None, **answers: object) -> TriageSession:
        session = services.triage_start(actor=owner, engagement=engagement)
        session = answer(session, owner, **{**TYPICAL, **answers})
        return services.triage_complete(actor=owner, session=session)

    return make
