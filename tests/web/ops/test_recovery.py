"""Work a stopped process left behind: abandoned runs fail with a reason, pending uploads import.

A killed process is modelled by what it leaves in the database: a run started (its lease taken)
and never finished, or a task run queued and never sent. The clock is moved past the lease with
time-machine; recovery is then called as `trustdesk serve`, `trustdesk worker` and
`trustdesk jobs reap` call it.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from click.testing import CliRunner
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.web.ops.conftest import HEADER, ROWS, ClientAs, import_list, page_text, write_list
from trustdesk.cli import main
from trustdesk.web.accounts.models import User
from trustdesk.web.conf import tasks as tasks_conf
from trustdesk.web.core import runs
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.lists import services
from trustdesk.web.lists import tasks as list_tasks
from trustdesk.web.lists.models import ImportRun, ListSource
from trustdesk.web.recovery import work_recover
from trustdesk.web.reference.models import RefreshRun

pytestmark = pytest.mark.django_db

OnCommit = Callable[..., Any]
LEASE = timedelta(seconds=tasks_conf.TASKS.lease)


def _expired_at(run: ImportRun | RefreshRun) -> str:
    assert run.lease_expires_at is not None
    return f"{run.lease_expires_at:%Y-%m-%d %H:%M:%S}"


def test_an_import_left_running_fails_when_the_next_import_starts(tmp_path: Path) -> None:
    with time_machine.travel("2026-12-06 10:00:00Z", tick=False):
        killed = runs.run_start(ImportRun, source_key="custom:declined", actor="test")
    path = write_list(tmp_path / "declined.csv", ROWS)

    with time_machine.travel("2026-12-06 10:00:30Z", tick=False):
        services.list_snapshot_import(paths=[path], source="custom:declined", actor="test")
        killed.refresh_from_db()
        assert killed.status == ImportRun.Status.RUNNING  # its lease still holds

    with time_machine.travel("2026-12-06 10:01:01Z", tick=False):
        services.list_snapshot_import(paths=[path], source="custom:declined", actor="test")

    killed.refresh_from_db()
    assert killed.status == ImportRun.Status.FAILED
    assert killed.error == (
        "the process running it stopped; lease expired at 2026-12-06 10:01:00 UTC"
    )
    event = AuditEvent.objects.get(action="trustdesk.run.reaped")
    assert event.data["error"] == killed.error
    assert event.target_id == f"lists.ImportRun:{killed.pk}"


def test_a_finished_import_keeps_no_lease(tmp_path: Path) -> None:
    path = write_list(tmp_path / "declined.csv", ROWS)

    services.list_snapshot_import(paths=[path], source="custom:declined", actor="test")

    run = ImportRun.objects.get()
    assert (run.status, run.lease_expires_at, run.error) == ("imported", None, "")
    assert run.finished_at is not None


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


def test_jobs_reap_fails_every_kind_of_abandoned_work() -> None:
    with time_machine.travel("2026-12-06 10:00:00Z", tick=False):
        refresh = runs.run_start(RefreshRun, kind="fcdo-travel-advice", actor="test")
        task = TaskRun.objects.create(
            task="lists.update",
            actor="test",
            status=TaskRun.Status.RUNNING,
            attempts=1,
            worker="web-1:4242",
            started_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        fresh = runs.run_start(ImportRun, source_key="un-sc", actor="test")

    with time_machine.travel("2026-12-06 10:00:59Z", tick=False):
        assert _cli("jobs", "reap") == (0, "Nothing abandoned or waiting.\n")
        fresh.lease_expires_at = timezone.now() + LEASE  # its process renews the lease
        fresh.save(update_fields=["lease_expires_at"])

    with time_machine.travel("2026-12-06 10:01:01Z", tick=False):
        code, out = _cli("jobs", "reap", "--json")

    assert code == 0
    refresh.refresh_from_db()
    task.refresh_from_db()
    fresh.refresh_from_db()
    reason = "the process running it stopped; lease expired at 2026-12-06 10:01:00 UTC"
    assert (refresh.status, refresh.error) == ("failed", reason)
    assert (task.status, task.error) == ("failed", f"{reason} (attempt 1 on web-1:4242)")
    assert fresh.status == "running"
    assert json.loads(out) == {
        "reaped": [
            f"reference.RefreshRun #{refresh.pk} (fcdo-travel-advice refresh running): {reason}",
            f"lists.update {task.public_id}: {reason} (attempt 1 on web-1:4242)",
        ],
        "resumed": [],
        "files_removed": 0,
    }


def test_with_redis_a_dead_workers_run_is_left_for_redelivery_first(
    settings: SettingsWrapper,
) -> None:
    conf = replace(tasks_conf.TASKS, redis_url="redis://127.0.0.1:1/0")
    settings.TRUSTDESK_TASKS = conf
    with time_machine.travel("2026-12-06 10:00:00Z", tick=False):
        task = TaskRun.objects.create(
            task="lists.update",
            actor="test",
            status=TaskRun.Status.RUNNING,
            attempts=1,
            heartbeat_at=timezone.now(),
        )
    redelivered_by = timedelta(seconds=conf.lease + conf.visibility_timeout + conf.restore_interval)
    start = datetime(2026, 12, 6, 10, tzinfo=UTC)

    with time_machine.travel(start + redelivered_by - timedelta(seconds=1), tick=False):
        work_recover()
        task.refresh_from_db()
        assert task.status == "running"  # another worker may still take it over

    with time_machine.travel(start + redelivered_by + timedelta(seconds=1), tick=False):
        work_recover()
    task.refresh_from_db()
    assert task.status == "failed"
    assert task.error.startswith("the process running it stopped; lease expired at 2026-12-06")


def _uploaded_files() -> list[Path]:
    root = Path(settings.HOME) / "uploads"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _upload(client: Client, content: bytes) -> Any:
    upload = SimpleUploadedFile("Declined partners.csv", content)
    return client.post(
        "/lists/upload/", {"file": upload, "source": "custom", "custom_name": "declined"}
    )


def test_an_upload_accepted_before_a_restart_is_imported_on_start(client_as: ClientAs) -> None:
    admin = client_as(User.Role.ADMIN)
    content = (HEADER + "".join(ROWS)).encode()
    with time_machine.travel("2026-12-06 10:00:00Z", tick=False):
        # The queue never runs it: in a test the request's on-commit send is dropped, as a
        # server stopped between the commit and the send would drop it.
        assert _upload(admin, content).status_code == 302
    run = TaskRun.objects.get(task="lists.import_file")
    assert run.status == "queued"
    [saved] = _uploaded_files()
    assert saved.read_bytes() == content
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert stat.S_IMODE(saved.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(saved.parent.parent.stat().st_mode) == 0o700

    with time_machine.travel("2026-12-06 10:00:30Z", tick=False):
        assert work_recover().resumed == ()  # may still be on its way to a worker

    with time_machine.travel("2026-12-06 10:05:00Z", tick=False):
        recovery = work_recover()  # what `trustdesk serve` runs before it listens

    run.refresh_from_db()
    assert recovery.resumed == (f"lists.import_file {run.public_id}: succeeded",)
    assert run.status == "succeeded"
    assert run.result[0]["message"] == "imported 3 entries; now current"
    assert ListSource.objects.get(key="custom:declined").current.total == 3
    assert _uploaded_files() == []


def test_a_pending_upload_whose_file_is_gone_fails_with_the_reason(client_as: ClientAs) -> None:
    admin = client_as(User.Role.ADMIN)
    with time_machine.travel("2026-12-06 10:00:00Z", tick=False):
        _upload(admin, (HEADER + "".join(ROWS)).encode())
    [saved] = _uploaded_files()
    saved.unlink()

    with time_machine.travel("2026-12-06 10:05:00Z", tick=False):
        work_recover()

    run = TaskRun.objects.get(task="lists.import_file")
    assert run.status == "failed"
    assert "declined-partners.csv" in run.error
    assert not saved.parent.exists()  # failed beyond retry: its folder is removed


def test_an_upload_identical_to_an_earlier_snapshot_makes_it_current(
    client_as: ClientAs, django_capture_on_commit_callbacks: OnCommit
) -> None:
    admin = client_as(User.Role.ADMIN)
    versions = [HEADER + "".join(ROWS), HEADER + "".join(ROWS[1:]), HEADER + "".join(ROWS)]
    for content in versions:
        with django_capture_on_commit_callbacks(execute=True):
            _upload(admin, content.encode())

    source = ListSource.objects.get(key="custom:declined")
    first = source.snapshots.order_by("id").first()
    assert source.current == first
    latest = TaskRun.objects.filter(task="lists.import_file").order_by("-id").first()
    assert latest.result[0]["message"] == (
        f"identical to the earlier snapshot {first.short_id}: made current again "
        "(3 entries; nothing new stored)"
    )
    assert AuditEvent.objects.filter(action="trustdesk.list.reinstated").count() == 1


def test_a_task_run_left_running_fails_when_the_same_task_is_queued_again() -> None:
    with time_machine.travel("2026-12-06 10:00:00Z", tick=False):
        killed = TaskRun.objects.create(
            task="lists.rebuild_index",
            actor="test",
            status=TaskRun.Status.RUNNING,
            attempts=1,
            heartbeat_at=timezone.now(),
        )
        other = TaskRun.objects.create(
            task="lists.update",
            actor="test",
            status=TaskRun.Status.RUNNING,
            attempts=1,
            heartbeat_at=timezone.now(),
        )

    with time_machine.travel("2026-12-06 10:01:01Z", tick=False):
        list_tasks.rebuild_index.enqueue("test")

    killed.refresh_from_db()
    other.refresh_from_db()
    assert (killed.status, killed.error) == (
        "failed",
        "the process running it stopped; lease expired at 2026-12-06 10:01:00 UTC",
    )
    assert other.status == "running"  # another task's runs wait for their own next start


def test_an_abandoned_import_shows_as_failed_on_listing(
    tmp_path: Path, client_as: ClientAs
) -> None:
    with time_machine.travel("2026-12-06 10:00:00Z", tick=False):
        import_list(tmp_path, ROWS)
    with time_machine.travel("2026-12-06 10:10:00Z", tick=False):
        killed = runs.run_start(ImportRun, source_key="custom:declined", actor="test")
    admin = client_as(User.Role.ADMIN)
    reason = "the process running it stopped; lease expired at 2026-12-06 10:11:00 UTC"

    with time_machine.travel("2026-12-06 10:10:30Z", tick=False):
        assert reason not in page_text(admin.get("/lists/").content)
    with time_machine.travel("2026-12-06 10:12:00Z", tick=False):
        page = page_text(admin.get("/lists/").content)
        killed.refresh_from_db()
        assert killed.status == "running"  # the page only reads
        listed = {r["source"]: r for r in json.loads(_cli("lists", "--json")[1])}

    assert f"2026-12-06 10:10: {reason}" in page
    assert listed["custom:declined"]["last_failure"]["error"] == reason
