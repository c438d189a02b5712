"""Outcomes stored as schema 1 (sentences only, as every session completed before schema 2)
are upgraded by the triage app's data migration and then read back typed and redacted by kind."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.support import migrations_restored  # noqa: F401 (a fixture)
from tests.web.cases.conftest import Cast
from tests.web.triage.conftest import LISTED, Completed
from trustdesk.policy.reasons import REDACTED_HIT, FactKind
from trustdesk.policy.triage import Outcome
from trustdesk.web.triage import answers as answer_glue
from trustdesk.web.triage import selectors
from trustdesk.web.triage.models import TriageSession

migration = importlib.import_module("trustdesk.web.triage.migrations.0002_outcome_schema_2")


def _sentences(outcome: Outcome) -> list[tuple[str, ...]]:
    items = [outcome.tier, *outcome.processes, *outcome.verdicts, *outcome.mitigations]
    return [r.because for item in items for r in item.reasons]


def _schema_1(outcome: dict[str, Any]) -> dict[str, Any]:
    """What a session stored before schema 2: no mark, and each reason's facts as sentences."""
    old: dict[str, Any] = migration.downgrade_outcome(outcome)
    assert "schema" not in old
    assert "facts" not in old["processes"][0]["reasons"][0]
    return old


@pytest.fixture
def listed(cast: Cast, completed: Completed, watch_list: str) -> TriageSession:
    return completed(
        cast.rita, partner_name=LISTED, sensitive_tech=True, tech_areas=["quantum-sensing"]
    )


def test_a_schema_1_outcome_is_upgraded_with_its_screening_facts_typed(
    listed: TriageSession,
) -> None:
    typed = answer_glue.stored_outcome(listed)
    assert typed is not None
    old = _schema_1(listed.outcome)

    upgraded = Outcome.from_dict(migration.upgrade_outcome(old, listed.hits))

    assert _sentences(upgraded) == _sentences(typed)
    [found] = [
        f
        for p in upgraded.processes
        for r in p.reasons
        for f in r.facts
        if f.kind is FactKind.SCREENING_HIT
    ]
    assert found.refs.hit is not None
    assert (found.refs.hit.source, found.refs.hit.entry_id) == ("custom:triage-test", "TT-001")
    assert REDACTED_HIT in [b for s in _sentences(upgraded.redacted()) for b in s]
    assert not any(LISTED in b for s in _sentences(upgraded.redacted()) for b in s)
    items = [upgraded.tier, *upgraded.processes, *upgraded.verdicts, *upgraded.mitigations]
    kinds = {f.kind for item in items for r in item.reasons for f in r.facts}
    assert kinds == {FactKind.SCREENING_HIT, FactKind.RECORDED}


def test_a_sentence_that_names_no_stored_hit_stays_a_screening_fact() -> None:
    sentence = "screening found Somewhere Else on A List (Entity List), entry E-9, odd words"

    fact = migration.upgrade_fact(sentence, [])

    assert (fact["kind"], fact["refs"]["hit"]["entry_id"], fact["bound"]) == (
        "screening_hit",
        "E-9",
        "A List (Entity List)",
    )
    assert migration.upgrade_fact("screening found, cut short", [])["refs"] == {}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrations_restored")
def test_the_migration_upgrades_stored_rows(
    cast: Cast, completed: Completed, watch_list: str
) -> None:
    # given a completed session stored the way it was before schema 2
    session = completed(cast.rita, partner_name=LISTED)
    before = answer_glue.stored_outcome(session)
    assert before is not None
    executor = MigrationExecutor(connection)
    executor.migrate([("triage", "0001_initial")])
    TriageSession.objects.filter(pk=session.pk).update(outcome=_schema_1(session.outcome))

    # when the data migration runs
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    # (on to the app's newest, 0002 among them: later ones add columns the row is read with)
    executor.migrate(executor.loader.graph.leaf_nodes("triage"))

    # then the row reads back typed, and a researcher's copy names no listed entry
    session.refresh_from_db()
    assert session.outcome["schema"] == 2
    after = answer_glue.stored_outcome(session)
    assert after is not None
    assert _sentences(after) == _sentences(before)
    shown = selectors.outcome_for_user(session=session, user=cast.rita)
    assert shown is not None
    assert not any("TT-001" in b for s in _sentences(shown) for b in s)
