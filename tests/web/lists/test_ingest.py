"""One ingest service: every way a list arrives ends in `list_snapshot_import`, which rebuilds
the match index (in a task run, after commit) whenever the current snapshot changed.

The upload page's path is in tests/web/ops/test_lists_pages.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.web.lists.httpserver import LocalHTTPServer, body
from tests.web.lists.test_reinstate import HEADER, R1, R2, UN_R1, _un
from trustdesk.cli import main
from trustdesk.web.conf import tasks as tasks_conf
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.lists import services
from trustdesk.web.lists.models import ListSource

pytestmark = pytest.mark.django_db

OnCommit = Callable[..., Any]


@pytest.fixture(autouse=True)
def _embedded(settings: Any) -> None:
    """The index rebuild runs in this process, whatever the environment's queue."""
    settings.TRUSTDESK_TASKS = replace(tasks_conf.TASKS, redis_url="")


def _rebuilt_for(source: str) -> dict[str, str]:
    """The snapshots the latest index rebuild covered, after checking it ran."""
    run = TaskRun.objects.filter(task="lists.rebuild_index").order_by("-id").first()
    assert run is not None, "no index rebuild was queued"
    assert run.status == "succeeded", run.error
    snapshots: dict[str, str] = run.result["snapshots"]
    current = ListSource.objects.get(key=source).current
    assert current is not None
    assert snapshots[source] == str(current.public_id)
    return snapshots


def test_cli_import_rebuilds_the_index(
    tmp_path: Path, django_capture_on_commit_callbacks: OnCommit
) -> None:
    path = tmp_path / "watch.csv"
    path.write_text(HEADER + R1 + R2, encoding="utf-8")

    with django_capture_on_commit_callbacks(execute=True):
        result = CliRunner().invoke(
            main, ["lists", "import", "--source", "custom:watch", str(path)]
        )

    assert result.exit_code == 0, result.output
    _rebuilt_for("custom:watch")


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as srv:
        yield srv


def test_update_rebuilds_the_index(
    server: LocalHTTPServer, django_capture_on_commit_callbacks: OnCommit
) -> None:
    url = server.route("/consolidated.xml", body(_un("2026-01-02", UN_R1)))

    with django_capture_on_commit_callbacks(execute=True):
        services.list_source_update(sources=["un-sc"], actor="test", overrides={"un-sc": url})

    _rebuilt_for("un-sc")


def test_an_import_that_changes_nothing_rebuilds_nothing(
    tmp_path: Path, django_capture_on_commit_callbacks: OnCommit
) -> None:
    path = tmp_path / "watch.csv"
    path.write_text(HEADER + R1, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        services.list_snapshot_import(paths=[path], source="custom:watch", actor="test")
    assert TaskRun.objects.filter(task="lists.rebuild_index").count() == 1

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.list_snapshot_import(paths=[path], source="custom:watch", actor="test")

    assert callbacks == []
    assert TaskRun.objects.filter(task="lists.rebuild_index").count() == 1


def test_several_lists_arriving_together_rebuild_the_index_once(
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = services.shipped_lists_ensure()  # a new home's first start

    assert len(outcomes) == 3
    [run] = TaskRun.objects.filter(task="lists.rebuild_index")
    assert sorted(run.result["snapshots"]) == sorted(o.source for o in outcomes)
