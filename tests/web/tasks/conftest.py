"""Real Redis and real worker processes for the queue tests.

Each test session uses its own key prefix in a dedicated Redis database
(TRUSTDESK_TEST_REDIS_URL, default redis://127.0.0.1:6379/15), so concurrent runs on one Redis
never see each other's messages; the keys are deleted at the end. Workers run `trustdesk.web.worker`
in their own process group against the test database of this session.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import redis
from django.db import connection

from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.jobs.models import TaskRun

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("TRUSTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# Short enough for a test to watch a dead worker's task come back within seconds.
QUEUE_SETTINGS = TaskSettings(
    redis_url=REDIS_URL,
    key_prefix=f"trustdesk-test-{uuid.uuid4().hex[:12]}:",
    visibility_timeout=3,
    restore_interval=1,
    lease=2,
    max_attempts=5,
    backoff=1,
    backoff_max=2,
).check()


@pytest.fixture(scope="session")
def redis_settings() -> Iterator[TaskSettings]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
    yield QUEUE_SETTINGS
    keys = list(client.scan_iter(match=f"{QUEUE_SETTINGS.key_prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def _database_url() -> str:
    """The URL of this session's test database, for a worker in another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        if "memory" in str(db["NAME"]):  # ":memory:" or Django's shared-cache memory URI
            pytest.skip("the SQLite test database is in memory; worker processes need a file")
        return f"sqlite:///{db['NAME']}"
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}"


class Worker:
    """A `trustdesk worker` subprocess in its own process group, logging to a file."""

    def __init__(self, *, env: dict[str, str], log: Path) -> None:
        self.log = log
        self._fh = log.open("wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "trustdesk.web.worker",
                "--concurrency=1",
                "--include=tests.web.tasks.sample_tasks",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if b" ready." in self.log.read_bytes():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        pytest.fail(f"worker did not start:\n{self.log.read_text(errors='replace')[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the whole group: the worker and its pool child die with no chance to ack."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self._fh.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._fh.close()


class Workers:
    def __init__(self, settings: TaskSettings, tmp: Path, database_url: str) -> None:
        self.tmp = tmp
        self.started: list[Worker] = []
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "trustdesk.web.settings",
            "TRUSTDESK_HOME": str(tmp / "home"),
            "TRUSTDESK_SECRET_KEY": "test-only-secret",
            "TRUSTDESK_DATABASE_URL": database_url,
            "TRUSTDESK_REDIS_URL": settings.redis_url,
            "TRUSTDESK_TASK_KEY_PREFIX": settings.key_prefix,
            "TRUSTDESK_TASK_VISIBILITY_TIMEOUT": str(settings.visibility_timeout),
            "TRUSTDESK_TASK_RESTORE_INTERVAL": str(settings.restore_interval),
            "TRUSTDESK_TASK_LEASE": str(settings.lease),
            "TRUSTDESK_TASK_MAX_ATTEMPTS": str(settings.max_attempts),
            "TRUSTDESK_TASK_BACKOFF": str(settings.backoff),
            "TRUSTDESK_TASK_BACKOFF_MAX": str(settings.backoff_max),
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        }

    def start(self) -> Worker:
        worker = Worker(env=self.env, log=self.tmp / f"worker-{len(self.started)}.log")
        self.started.append(worker)
        worker.wait_ready()
        return worker

    def stop_all(self) -> None:
        for worker in self.started:
            worker.stop()


@pytest.fixture(scope="module")
def workers(
    redis_settings: TaskSettings,
    django_db_setup: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Workers]:
    """Starts workers on request; stops them before the test database is dropped."""
    pool = Workers(redis_settings, tmp_path_factory.mktemp("workers"), _database_url())
    yield pool
    pool.stop_all()


@pytest.fixture
def redis_mode(redis_settings: TaskSettings, settings: Any) -> TaskSettings:
    """Queue through Redis from this test process, as a production web process does."""
    settings.TRUSTDESK_TASKS = redis_settings
    return redis_settings


@pytest.fixture
def embedded_mode(settings: Any) -> TaskSettings:
    """The embedded default: tasks run in the process that queues them."""
    settings.TRUSTDESK_TASKS = replace(QUEUE_SETTINGS, redis_url="")
    return settings.TRUSTDESK_TASKS  # type: ignore[no-any-return]


def wait_finished(run: TaskRun, timeout: float = 30) -> TaskRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.finished:
            return run
        time.sleep(0.1)
    pytest.fail(f"run {run.public_id} still {run.status} after {timeout} s")
