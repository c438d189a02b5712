"""gunicorn settings for trustdesk: `gunicorn -c python:trustdesk.web.gunicorn_conf …`.

Command-line options still win (`-w 4 -b 0.0.0.0:8000`). What this adds:

- Each request is logged once by trustdesk itself (core.middleware.AccessLogMiddleware: the
  request id, in TRUSTDESK_LOG_FORMAT), so gunicorn's own access log is not needed; asked for
  anyway (`--access-logfile -`), its lines carry the request id too.
- Request metrics summed over every worker: with PROMETHEUS_MULTIPROC_DIR set, the directory is
  emptied when the server starts (a previous run's counts are not this run's) and a worker's
  files are marked dead when it exits.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

wsgi_app = "trustdesk.web.wsgi:application"
# A list import or an export can take a while; past this gunicorn kills the worker.
timeout = 120
access_log_format = (
    '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s '
    'forwarded_for="%({x-forwarded-for}i)s" "%(a)s"'
)


def on_starting(server: Any) -> None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for stale in Path(folder).glob("*.db"):  # prometheus_client's files only
            stale.unlink()


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]  # unannotated
