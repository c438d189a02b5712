"""`trustdesk worker`: a Celery worker for the Redis queue, with defaults that suit trustdesk.

Start one or more on each machine that should take work (all must reach the same database,
Redis and, for list imports, TRUSTDESK_HOME). Extra arguments go to `celery worker` and win
over the defaults, e.g. `trustdesk worker --concurrency 8`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from django.core.exceptions import ImproperlyConfigured

# Each pool child may hold the whole match index in memory; more than four is a choice to make
# knowingly (--concurrency), not a default.
MAX_DEFAULT_CONCURRENCY = 4


def worker_argv(argv: Sequence[str], *, cpus: int | None = None) -> list[str]:
    """The `celery worker` command line: trustdesk's defaults, then the caller's arguments."""
    from trustdesk.web.core.tasks import QUEUE

    concurrency = max(1, min(MAX_DEFAULT_CONCURRENCY, cpus or os.cpu_count() or 1))
    return [
        "worker",
        f"--queues={QUEUE}",
        f"--concurrency={concurrency}",
        "--loglevel=INFO",
        # Unique per process, so several workers on one machine are told apart.
        f"--hostname=trustdesk-{os.getpid()}@%h",
        # Gossip and mingle serve remote control across workers, which trustdesk does not use;
        # without them a worker starts faster and sends less traffic to Redis.
        "--without-gossip",
        "--without-mingle",
        *argv,
    ]


def run_worker(argv: Sequence[str]) -> None:
    """Set Django up, refuse an out-of-date schema or an embedded set-up, then run until stopped."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustdesk.web.settings")
    import django

    django.setup()
    from trustdesk.web.conf.tasks import task_settings
    from trustdesk.web.core.setup import ensure_ready
    from trustdesk.web.core.tasks import get_app

    if task_settings().embedded:
        raise ImproperlyConfigured(
            "TRUSTDESK_REDIS_URL is not set: the embedded default runs tasks in-process, "
            "so there is nothing for a worker to do"
        )
    ensure_ready()
    from trustdesk.web.recovery import work_recover

    # Runs left running by a worker that died past any redelivery are failed with the reason.
    work_recover()

    # Scheduled jobs (the audit anchor among them) come from `trustdesk scheduler`, not here.
    get_app().worker_main(worker_argv(argv))


if __name__ == "__main__":
    run_worker(sys.argv[1:])
