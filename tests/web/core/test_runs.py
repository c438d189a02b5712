"""The one mechanism for snapshot runs: a run is never left "running" by work that raised, a
build that raises leaves nothing, and the sweep covers every kind of run.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from trustdesk.web.core import audit, runs
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.lists import services as _registers_list_actions  # noqa: F401
from trustdesk.web.lists.models import ImportRun, ListSource
from trustdesk.web.reference.models import RefreshRun

pytestmark = pytest.mark.django_db


def test_the_sweep_covers_list_imports_and_reference_refreshes() -> None:
    assert set(runs.leased_run_models()) == {ImportRun, RefreshRun}


def test_work_that_raises_fails_its_run_with_the_reason_and_its_audit_event() -> None:
    run = runs.run_start(ImportRun, source_key="custom:x", actor="test")

    def audit_failure(reason: str) -> None:
        audit.record(
            actor="test",
            action="trustdesk.list.import_failed",
            target=audit.AuditTarget("list_source", "custom:x", "custom:x"),
            data={"kind": "import", "error": reason},
        )

    def build() -> tuple[runs.Switched, None]:
        ListSource.objects.create(key="custom:x")  # a write the failure must take back
        raise LookupError("no such column")

    with (
        pytest.raises(LookupError),
        runs.run_held(run, describe=lambda e: f"it broke: {e}", on_fail=audit_failure),
    ):
        runs.snapshot_switch(run, build)

    run.refresh_from_db()
    assert (run.status, run.error, run.lease_expires_at) == (
        "failed",
        "it broke: no such column",
        None,
    )
    assert not ListSource.objects.exists()
    assert AuditEvent.objects.get(action="trustdesk.list.import_failed").data["error"] == run.error


def test_a_run_holds_a_lease_of_the_task_queue_length_from_its_start() -> None:
    with time_machine.travel("2026-12-06 10:00:00Z", tick=False):
        run = runs.run_start(RefreshRun, kind="fcdo-travel-advice", actor="test")

    assert run.lease_expires_at == datetime(2026, 12, 6, 10, tzinfo=UTC) + runs.run_lease()
    assert run.worker.endswith(f":{os.getpid()}")
    assert runs.run_lease() == timedelta(seconds=60)


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_the_diff_base_and_expires_old_running_runs() -> None:
    """Data of the first release: the diff base moves to the source; old running runs expire."""
    executor = MigrationExecutor(connection)
    executor.migrate([("lists", "0001_initial")])
    old = executor.loader.project_state([("lists", "0001_initial")]).apps
    source = old.get_model("lists", "ListSource").objects.create(key="un-sc")
    snapshot = old.get_model("lists", "Snapshot")
    first = snapshot.objects.create(
        source=source, content_hash="a", format="f", parser_version="1", total=1, imported_by="t"
    )
    second = snapshot.objects.create(
        source=source,
        content_hash="b",
        format="f",
        parser_version="1",
        total=1,
        imported_by="t",
        previous=first,
    )
    source.current = second
    source.save()
    stuck = old.get_model("lists", "ImportRun").objects.create(source_key="un-sc", actor="t")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert ListSource.objects.get(key="un-sc").previous_id == first.pk
    migrated = ImportRun.objects.get(pk=stuck.pk)
    assert migrated.lease_expires_at == migrated.started_at
    [reaped] = runs.runs_reap(kinds=[ImportRun])
    assert reaped.reason.startswith("the process running it stopped; lease expired at ")
