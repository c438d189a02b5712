"""Readiness: whether this process can serve requests, and whether what it serves is current.

What fails readiness (503) is only what makes this instance unable to answer: the database out
of reach, or a schema older than the code. What every instance shares and the site survives
without degrades it (200, status "degraded"): an unreachable task queue (requests still answer
and the work waits on its row, see core.tasks) and sanctions lists that are missing or out of
date (screenings say so in their coverage). Failing readiness for those would take every
instance out of the load balancer at once, turning a late list into an outage; they are for
alerts (the metrics) instead.

Every answer is short and generic ("unreachable", "timeout"): a probe is unauthenticated, so no
host name, address, user or password appears in it; the detail goes to the log.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

import redis
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from trustdesk.web.conf.tasks import TaskSettings, task_settings
from trustdesk.web.core.setup import pending_migrations
from trustdesk.web.core.tasks import QUEUE
from trustdesk.web.lists.coverage import SANCTIONS_KINDS, expected_freshness

log = logging.getLogger(__name__)

# Seconds a probe waits for Redis: a load balancer probes every few seconds, and a queue that
# takes longer than this to answer a PING is as good as down for a request that queues work.
QUEUE_TIMEOUT = 1.0


class State(StrEnum):
    OK = "ok"
    DEGRADED = "degraded"  # serving, with something an operator must look at
    UNAVAILABLE = "unavailable"  # this instance cannot serve: take it out of rotation
    SKIPPED = "skipped"  # not checked, because a check it needs failed
    NOT_CONFIGURED = "not configured"  # the embedded default: tasks run in-process


@dataclass(frozen=True, slots=True)
class Check:
    state: State
    detail: str = ""  # generic words only, never an address or a credential
    missing: tuple[str, ...] = ()  # list sources, for the lists check
    stale: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"status": self.state.value}
        if self.detail:
            body["detail"] = self.detail
        if self.missing or self.stale:
            body["missing"], body["stale"] = list(self.missing), list(self.stale)
        return body


@dataclass(frozen=True, slots=True)
class Readiness:
    checks: dict[str, Check] = field(default_factory=dict)

    @property
    def state(self) -> State:
        states = {c.state for c in self.checks.values()}
        if State.UNAVAILABLE in states:
            return State.UNAVAILABLE
        if State.DEGRADED in states:
            return State.DEGRADED
        return State.OK

    @property
    def http_status(self) -> int:
        return 503 if self.state is State.UNAVAILABLE else 200

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.state.value,
            "checks": {name: check.as_dict() for name, check in self.checks.items()},
        }


def readiness() -> Readiness:
    """Database, schema, task queue and list freshness, in that order; a few milliseconds."""
    database = database_check()
    reachable = database.state is State.OK
    skipped = Check(State.SKIPPED, "database unreachable")
    return Readiness(
        {
            "database": database,
            "migrations": migrations_check() if reachable else skipped,
            "queue": queue_check(task_settings()),
            "lists": lists_check() if reachable else skipped,
        }
    )


def database_check() -> Check:
    """One trivial query. Put `?connect_timeout=5` in TRUSTDESK_DATABASE_URL to bound it."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        log.warning("readiness: database unreachable: %s", exc)
        return Check(State.UNAVAILABLE, "unreachable")
    return Check(State.OK)


@cache
def _known_migrations() -> frozenset[tuple[str, str]]:
    """Every migration the code has, read from disk once per process (the code cannot change)."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def migrations_check() -> Check:
    """One query against the applied migrations; Django's full plan only when that disagrees.

    The full plan (what `ensure_ready` uses) loads the graph from disk each call: too slow for a
    probe every few seconds. The set comparison can see a squashed migration as pending, so a
    difference is confirmed by the full plan before readiness fails.
    """
    try:
        applied = set(MigrationRecorder(connection).applied_migrations())
        if _known_migrations() <= applied or not pending_migrations():
            return Check(State.OK)
    except DatabaseError as exc:
        log.warning("readiness: migrations could not be read: %s", exc)
        return Check(State.UNAVAILABLE, "unreadable")
    return Check(State.UNAVAILABLE, "migrations pending: run `trustdesk migrate`")


def queue_client(conf: TaskSettings) -> redis.Redis:
    """A client that gives up after QUEUE_TIMEOUT, to connect and to answer."""
    return redis.Redis.from_url(
        conf.redis_url, socket_connect_timeout=QUEUE_TIMEOUT, socket_timeout=QUEUE_TIMEOUT
    )


def queue_key(conf: TaskSettings) -> str:
    """The Redis list Celery's messages wait in (kombu puts the global key prefix first)."""
    return f"{conf.key_prefix}{QUEUE}"


def queue_check(conf: TaskSettings) -> Check:
    if conf.embedded:
        return Check(State.NOT_CONFIGURED)
    started = time.monotonic()
    try:
        with queue_client(conf) as client:
            client.ping()
    except redis.TimeoutError:
        log.warning("readiness: task queue did not answer within %s s", QUEUE_TIMEOUT)
        return Check(State.DEGRADED, "timeout")
    except redis.RedisError as exc:
        log.warning("readiness: task queue unreachable: %s", exc)
        return Check(State.DEGRADED, "unreachable")
    log.debug("readiness: task queue answered in %.1f ms", 1000 * (time.monotonic() - started))
    return Check(State.OK)


def lists_check() -> Check:
    """Expected sanctions lists missing or older than their maximum age degrade readiness.

    Research-security lists are revised yearly and their age is in the metrics; only sanctions
    (and export-control) lists, whose absence means a screening missed designations, count.
    """
    freshness = [f for f in expected_freshness() if f.kind in SANCTIONS_KINDS]
    missing = tuple(f.source for f in freshness if f.missing)
    stale = tuple(f.source for f in freshness if f.stale)
    if missing or stale:
        return Check(State.DEGRADED, "sanctions lists missing or out of date", missing, stale)
    return Check(State.OK)
