"""gunicorn settings for trustdesk: `gunicorn -c python:trustdesk.web.gunicorn_conf …`.

Command-line options still win (`-w 4 -b 0.0.0.0:8000`). What this adds:

- gunicorn's own records (start, workers booting and exiting, timeouts) in trustdesk's log
  format (TRUSTDESK_LOG_FORMAT: one JSON object per line, or text) on standard error, so a log
  shipper reads one format. Each request is logged once, by trustdesk itself
  (core.middleware.AccessLogMiddleware, with the request id), so gunicorn's access log is off.
- Request metrics summed over every worker: with PROMETHEUS_MULTIPROC_DIR set, the directory is
  emptied when the server starts (a previous run's counts are not this run's) and a worker's
  files are marked dead when it exits.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from trustdesk.web.conf import logs as logs_conf

wsgi_app = "trustdesk.web.wsgi:application"
# A list import or an export can take a while; past this gunicorn kills the worker.
timeout = 120
logconfig_dict: dict[str, Any] = logs_conf.from_env()
logconfig_dict["loggers"] = {
    **logconfig_dict["loggers"],
    "gunicorn.error": {"level": "INFO"},  # to the root's handler, in trustdesk's format
    # trustdesk's access log has the request id and the same format; gunicorn's would repeat it.
    "gunicorn.access": {"level": "WARNING"},
}


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
