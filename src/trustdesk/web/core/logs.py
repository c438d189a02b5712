"""The project's logging: its LOGGING setting, filters and formatters (text or JSON).

Every record carries a UTC timestamp, its level, its logger, the request id of the web request
it belongs to (the `X-Request-ID` its response carries, and the id its audit events share) and,
in a worker, the task: its name, Celery's task id and the TaskRun's public id. Text by default;
TRUSTDESK_LOG_FORMAT=json writes one JSON object per line.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

from trustdesk.web.core.context import REQUEST_ID_META, current_request_id


class OneLineRefusals(logging.Filter):
    """A refused request (4xx) is logged as one line with its reason, never with a traceback.

    Django logs a PermissionDenied (and a few other refusals) with the exception attached, so each
    403 filled the log with a traceback that only says the rules worked. The reason stays, as
    text; server errors (5xx) keep their tracebacks.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500 and record.exc_info:
            error = record.exc_info[1]
            record.exc_info = None
            record.exc_text = None
            if error is not None and str(error) and isinstance(record.args, tuple):
                record.msg = f"{record.msg} (%s)"
                record.args = (*record.args, str(error))
        return True


# --- structured records: timestamp, level, request id, task ids ------------------------------

# Which task run the current thread is executing (core.tasks sets it around the task body), so
# every record a worker writes for a run names the run's public id and Celery's task id.
_task: ContextVar[TaskLogContext | None] = ContextVar("trustdesk_task_log", default=None)
NONE = "-"  # no request or task: the field is still there, so every line has the same shape


@dataclass(frozen=True, slots=True)
class TaskLogContext:
    task: str  # the registered name, "partners.screen"
    task_id: str  # Celery's id of the message ("-" when run in-process)
    run: str  # the TaskRun's public id, as the jobs pages show it


@contextmanager
def task_log_context(*, task: str, task_id: str | None, run: str) -> Iterator[TaskLogContext]:
    context = TaskLogContext(task=task, task_id=task_id or NONE, run=run)
    token = _task.set(context)
    try:
        yield context
    finally:
        _task.reset(token)


class RequestContext(logging.Filter):
    """Give every record the request id and task ids it was logged under ("-" outside any).

    Set on the handler, so records of every logger (Django's, Celery's, libraries') carry them.
    A record that brings its own `request_id` (the access log) keeps it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            request_id = current_request_id()
            if request_id is None:
                request = getattr(record, "request", None)
                meta = getattr(request, "META", None)
                request_id = meta.get(REQUEST_ID_META) if isinstance(meta, dict) else None
            record.request_id = str(request_id) if request_id is not None else NONE
        task = _task.get()
        record.task = task.task if task is not None else NONE
        record.task_id = task.task_id if task is not None else NONE
        record.task_run = task.run if task is not None else NONE
        return True


def _timestamp(record: logging.LogRecord) -> str:
    """ISO 8601 in UTC with milliseconds: sortable, and the same on every host."""
    moment = datetime.fromtimestamp(record.created, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class TextFormatter(logging.Formatter):
    """`<UTC time> WARNING django.request [<request id>] message`, one line per record.

    A task's records show `[task partners.screen id=<celery id> run=<task run id>]` instead.
    """

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)  # the message, with its traceback when it has one
        task = getattr(record, "task", NONE)
        if task != NONE:
            task_id, run = getattr(record, "task_id", NONE), getattr(record, "task_run", NONE)
            where = f"task {task} id={task_id} run={run}"
        else:
            where = getattr(record, "request_id", NONE)
        return f"{_timestamp(record)} {record.levelname} {record.name} [{where}] {text}"


# LogRecord's own attributes; anything else on a record came from `extra=` and is kept in JSON.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request and task ids, extras.

    For log shippers (Loki, Elasticsearch, journald's JSON): no parsing rules to maintain, and
    a traceback stays inside its record instead of spilling over many lines.
    """

    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, object] = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,  # which server or pool worker, when there are several
        }
        body.update(
            {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}
        )
        if record.exc_info:
            body["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            body["exc_info"] = record.exc_text
        if record.stack_info:
            body["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(body, ensure_ascii=False, default=str)
