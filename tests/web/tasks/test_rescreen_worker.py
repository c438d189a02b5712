"""A re-screen's chunk survives its worker being killed mid-chunk, on real Redis and workers.

The first worker is SIGKILLed once the chunk has screened its first partners; Redis hands the
message to a second worker after the visibility timeout, which takes the run over (its lease is
stale) and finishes the chunk: every partner screened once, none twice.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests import factories
from tests.web.tasks.conftest import Workers
from trustdesk.web.accounts.models import User
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.lists.services import list_snapshot_import
from trustdesk.web.partners.models import Organisation, ScreeningRun
from trustdesk.web.watch import services
from trustdesk.web.watch.models import Rescreen

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
PARTNERS = 600  # three batches of 200 in one chunk: the kill falls between two


def test_a_rescreen_chunk_of_a_killed_worker_completes_without_duplicates(
    workers: Workers, redis_settings: TaskSettings, settings: Any, tmp_path: Path
) -> None:
    workers.stop_all()  # only the worker about to die may take the chunk
    settings.HOME = workers.tmp / "home"  # the workers' home: one match index for all
    # given a list and partners on file, never screened (the list imported in-process)
    settings.TRUSTDESK_TASKS = replace(redis_settings, redis_url="")
    path = tmp_path / "watch.csv"
    path.write_text(
        "id,name,aliases,type,countries,notes\nW-1,Northern Example Polytechnic,,,CN,x\n",
        encoding="utf-8",
    )
    list_snapshot_import(paths=[path], source="custom:watch", actor="test")
    owner = factories.make_user("olga", User.Role.OFFICER)
    Organisation.objects.bulk_create(
        Organisation(name=f"Example Institute {n}", kind="university", owner=owner)
        for n in range(PARTNERS)
    )
    settings.TRUSTDESK_TASKS = redis_settings
    first = workers.start()

    # when a full re-screen starts and its worker dies mid-chunk
    rescreen = services.rescreen_full(actor="test")
    chunk = _wait_for_chunk_progress()
    first.kill()
    workers.start()

    # then another worker completes it, each partner screened once
    deadline = time.monotonic() + 120
    # (the last chunk completes the re-screen inside its task; its run is marked a moment later)
    while (
        Rescreen.objects.get(pk=rescreen.pk).status == "running"
        or TaskRun.objects.get(pk=chunk.pk).status == "running"
    ):
        assert time.monotonic() < deadline, "the re-screen did not complete"
        time.sleep(0.2)
    chunk.refresh_from_db()
    assert (chunk.status, chunk.attempts) == ("succeeded", 2)
    runs = ScreeningRun.objects.filter(batch=str(rescreen.public_id))
    assert runs.count() == PARTNERS
    assert runs.values("organisation_id").distinct().count() == PARTNERS
    assert Rescreen.objects.get(pk=rescreen.pk).subjects_screened == PARTNERS


def _wait_for_chunk_progress() -> TaskRun:
    deadline = time.monotonic() + 180  # a loaded machine starts a worker slowly
    while time.monotonic() < deadline:
        run = TaskRun.objects.filter(task="watch.chunk", status="running").first()
        if run is not None and 0 < run.progress_done < PARTNERS:
            return run
        time.sleep(0.05)
    seen = list(TaskRun.objects.values_list("task", "status", "progress_done"))
    pytest.fail(f"the chunk never showed progress; runs: {seen}")
