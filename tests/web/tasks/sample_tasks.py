"""Test-only tasks, imported by the tests and by the worker subprocesses (`--include`)."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from trustdesk.web.core.tasks import ExpectedFailure, TaskContext, Transient, task


@task("tests.flaky")
def flaky(ctx: TaskContext, *, failures: int) -> dict[str, int]:
    """Fails transiently on its first `failures` attempts."""
    if ctx.attempt <= failures:
        raise Transient(f"attempt {ctx.attempt} failed")
    return {"attempt": ctx.attempt}


@task("tests.broken")
def broken(ctx: TaskContext, *, partner: int) -> None:
    raise LookupError(f"no partner {partner}")


@task("tests.offline")
def offline(ctx: TaskContext, *, host: str) -> None:
    """Fails as a task does when the outside world cannot be reached."""
    raise ExpectedFailure(f"{host} could not be reached; the previous copy stays current")


@task("tests.count")
def count(ctx: TaskContext, *, upto: int) -> int:
    for number in range(1, upto + 1):
        ctx.progress(done=number, total=upto, message=f"{number} of {upto}")
    return upto


@task("tests.block_until")
def block_until(ctx: TaskContext, *, release: str, log: str) -> dict[str, int]:
    """Notes each start in `log`, then waits for `release` to exist: a task to kill mid-way."""
    with Path(log).open("a", encoding="utf-8") as fh:
        fh.write(f"attempt {ctx.attempt} pid {os.getpid()}\n")
    while not Path(release).exists():
        time.sleep(0.05)
    return {"attempt": ctx.attempt}


@task("tests.say")
def say(ctx: TaskContext, *, words: str) -> None:
    """Logs a warning: what a worker's log shows of the run."""
    logging.getLogger("tests.say").warning("saying %s", words)
