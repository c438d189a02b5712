"""Immutable snapshots made current atomically, each attempt kept as a run record with a lease.

Watch lists (`lists.ImportRun`) and reference data (`reference.RefreshRun`) both follow one shape,
defined here once:

1. `run_start()` records the attempt as running, holding a lease (`lease_expires_at`), after
   failing the runs of the same model whose lease ran out (the process running them stopped).
2. `run_held()` renews the lease from a thread while the work runs, and fails the run (with its
   audit event, in one transaction) when the work raises, so no attempt stays "running".
3. `snapshot_switch()` builds, validates and makes the snapshot current in one transaction that
   also completes the run: readers see the old snapshot or the new one, never a mixture, and a
   run says "stored" only when the snapshot it names is committed.

Each app keeps its own "current" pointer and snapshot model: a list source points at its current
snapshot (the source row is also the lock two imports of one source take), travel advice flags
one current snapshot per kind. Merging them into one table would rewrite both apps' data for no
behaviour a user sees; what must behave the same (the run, its lease, the one transaction, the
audit of a failure) is here.

`runs_reap()` is the scheduled sweep: it fails every expired run of every model built on
`LeasedRun`, for `trustdesk jobs reap` and for the recovery that runs when a server starts.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from django.apps import apps
from django.db import DatabaseError, connection, connections, models, transaction
from django.utils import timezone

from trustdesk.web.conf.tasks import task_settings
from trustdesk.web.core import audit

log = logging.getLogger(__name__)

audit.register_action(
    "trustdesk.run.reaped",
    label="Abandoned run marked failed",
    summary=lambda e: f"{e.target_label}: {e.data.get('error')}",
)

LEASE_EXPIRED = "the process running it stopped; lease expired at {at:%Y-%m-%d %H:%M:%S} UTC"


def lease_expired_reason(expired_at: datetime) -> str:
    """The sentence an abandoned run is failed with, the same for every kind of work."""
    return LEASE_EXPIRED.format(at=expired_at.astimezone(UTC))


class LeasedRun(models.Model):
    """One attempt at long work; running while its lease is renewed, then completed or failed.

    Subclasses declare `status` with their own choices (which must include "running" and
    "failed") and their own `snapshot` foreign key, and implement `attach()`.
    """

    RUNNING = "running"
    FAILED = "failed"

    status = models.CharField(max_length=20, default=RUNNING)
    error = models.TextField(blank=True)
    actor = models.CharField(max_length=150)
    worker = models.CharField(max_length=200, blank=True)  # host:pid that held the lease
    started_at = models.DateTimeField(auto_now_add=True)
    # Renewed while the work runs; once past, the process is taken to have stopped.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def attach(self, snapshot: models.Model) -> None:
        """Point the run at the snapshot it stored or confirmed (saved by `snapshot_switch`)."""
        raise NotImplementedError


R = TypeVar("R", bound=LeasedRun)
T = TypeVar("T")


def run_lease() -> timedelta:
    """How long a run may go without renewal: the task queue's lease, one notion for all work."""
    return timedelta(seconds=task_settings().lease)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_start(model: type[R], **fields: Any) -> R:
    """Record a running attempt holding a fresh lease, after reaping the model's expired runs.

    Reaping here is the "next attempt of the same kind" moment: a killed import is reported
    failed as soon as anyone tries again, with no scheduler needed.
    """
    runs_reap(kinds=[model])
    lease = run_lease()
    return model._default_manager.create(
        worker=worker_id(), lease_expires_at=timezone.now() + lease, **fields
    )


@contextmanager
def run_held(
    run: LeasedRun,
    *,
    describe: Callable[[Exception], str],
    on_fail: Callable[[str], None],
) -> Iterator[None]:
    """Renew the run's lease while the body works; a body that raises fails the run.

    `describe` turns the exception into the reason stored on the run; `on_fail(reason)` records
    the app's own audit event, in the same transaction as the run's failure. The exception is
    raised again for the caller to translate.
    """
    with _renewing(run):
        try:
            yield
        except Exception as exc:
            reason = describe(exc)
            run_fail(run, reason=reason, on_fail=on_fail)
            raise


def run_fail(run: LeasedRun, *, reason: str, on_fail: Callable[[str], None]) -> None:
    """Mark the run failed with its reason and audit it, in one transaction."""
    now = timezone.now()
    with transaction.atomic():
        run.status, run.error, run.finished_at, run.lease_expires_at = run.FAILED, reason, now, None
        run.save(update_fields=["status", "error", "finished_at", "lease_expires_at"])
        on_fail(reason)


@dataclass(frozen=True, slots=True)
class Switched:
    """What `build` made: the snapshot now current (or confirmed) and the run's final status."""

    snapshot: models.Model
    status: str


def snapshot_switch(run: LeasedRun, build: Callable[[], tuple[Switched, T]]) -> T:
    """Build, validate and switch `current` in one transaction that also completes the run.

    `build` does the app's work (store rows, check them, lock and move the pointer, audit) and
    returns what to record on the run and what to hand back; any exception rolls all of it back.
    """
    with transaction.atomic():
        switched, result = build()
        run.attach(switched.snapshot)
        run.status, run.error = switched.status, ""
        run.finished_at, run.lease_expires_at = timezone.now(), None
        # `snapshot` is each subclass's own foreign key (attach() set it).
        fields: list[str] = ["status", "error", "snapshot", "finished_at", "lease_expires_at"]
        run.save(update_fields=fields)
    return result


@contextmanager
def _renewing(run: LeasedRun) -> Iterator[None]:
    """Renew the lease from a thread every quarter lease while the body runs.

    Skipped when the caller is inside a transaction: the run row is not committed yet, so no
    other connection could see (or reap) it, and a second connection would only wait on locks.
    """
    if connection.in_atomic_block:
        yield
        return
    lease = run_lease()

    def renew() -> None:
        try:
            type(run)._default_manager.filter(pk=run.pk, status=run.RUNNING).update(
                lease_expires_at=timezone.now() + lease
            )
        except DatabaseError:
            # SQLite: the work's own transaction holds the write lock; so long as it does, no
            # reaper can write either, so a missed renewal costs nothing.
            log.info("lease renewal of %s waited on a lock", run, exc_info=True)

    with repeating(
        renew, every=lease.total_seconds() / 4, name=f"lease-{run._meta.label}-{run.pk}"
    ):
        yield


@contextmanager
def repeating(action: Callable[[], None], *, every: float, name: str) -> Iterator[None]:
    """Calls `action` from a thread every `every` seconds while the body runs; stops with it.

    Used to keep a lease alive during long work, whatever the work does. The thread closes its
    own database connections when it ends, since Django opens one per thread and would leak it.
    """
    stop = threading.Event()

    def loop() -> None:
        try:
            while not stop.wait(every):
                action()
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def leased_run_models() -> list[type[LeasedRun]]:
    """Every installed model built on LeasedRun: what the sweep covers, with no list to keep."""
    return [m for m in apps.get_models() if issubclass(m, LeasedRun)]


@dataclass(frozen=True, slots=True)
class Reaped:
    label: str  # "lists.ImportRun #12"
    reason: str


def runs_reap(
    *, kinds: list[type[LeasedRun]] | None = None, now: datetime | None = None
) -> list[Reaped]:
    """Fail every running run whose lease expired, each with its reason and an audit event."""
    now = now or timezone.now()
    reaped: list[Reaped] = []
    for model in kinds if kinds is not None else leased_run_models():
        expired = model._default_manager.filter(status=model.RUNNING, lease_expires_at__lt=now)
        for pk in list(expired.values_list("pk", flat=True)):
            done = _reap_one(model, pk, now)
            if done is not None:
                reaped.append(done)
    return reaped


@transaction.atomic
def _reap_one(model: type[LeasedRun], pk: int, now: datetime) -> Reaped | None:
    # Locked and checked again: the run may have finished since it was listed.
    run = model._default_manager.select_for_update().filter(pk=pk, status=model.RUNNING).first()
    if run is None or run.lease_expires_at is None or run.lease_expires_at >= now:
        return None
    reason = lease_expired_reason(run.lease_expires_at)
    label = f"{model._meta.label} #{run.pk} ({run})"  # as it was: "import un-sc running"
    run.status, run.error, run.finished_at = run.FAILED, reason, now
    run.save(update_fields=["status", "error", "finished_at"])
    audit.record(
        actor="trustdesk",
        action="trustdesk.run.reaped",
        target=audit.AuditTarget("run", f"{model._meta.label}:{run.pk}", label),
        data={"error": reason, "worker": run.worker, "started_at": run.started_at.isoformat()},
    )
    log.warning("%s: %s", label, reason)
    return Reaped(label, reason)
