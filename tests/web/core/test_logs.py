"""Log records: UTC time, level, logger and the request id (or the task run), text or JSON."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from tests.web.tasks import sample_tasks
from trustdesk.web.conf import logs as logs_conf
from trustdesk.web.core.context import audit_context

Read = Callable[[], list[str]]
TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
CONTEXT_KEYS = {"time", "level", "logger", "message", "request_id", "task", "task_id", "task_run"}


def _configure(log_format: str) -> Read:
    """The project's LOGGING in `log_format`, its console handler writing into a buffer."""
    logging.config.dictConfig(
        logs_conf.logging_config(log_format=log_format, level="WARNING", access_log=True)
    )
    (console,) = (h for h in logging.getLogger().handlers if h.name == "console")
    assert isinstance(console, logging.StreamHandler)
    buffer = io.StringIO()
    console.setStream(buffer)
    return lambda: buffer.getvalue().splitlines()


@pytest.fixture
def json_lines(settings: Any) -> Iterator[Read]:
    yield _configure("json")
    logging.config.dictConfig(settings.LOGGING)


@pytest.fixture
def text_lines(settings: Any) -> Iterator[Read]:
    yield _configure("text")
    logging.config.dictConfig(settings.LOGGING)


@pytest.mark.django_db
def test_every_record_of_a_request_carries_its_request_id_in_json(
    client: Client, json_lines: Read
) -> None:
    response = client.get("/no-such-page/?q=1")

    records = [json.loads(line) for line in json_lines()]  # each line one JSON object
    request_id = response["X-Request-ID"]
    assert [(r["logger"], r["level"]) for r in records] == [
        ("trustdesk.access", "INFO"),
        ("django.request", "WARNING"),  # logged by Django after the middleware chain returned
    ]
    assert all(r.keys() >= CONTEXT_KEYS for r in records)
    assert {r["request_id"] for r in records} == {request_id}
    assert all(re.fullmatch(TIME, r["time"]) for r in records)
    assert records[1]["message"] == "Not Found: /no-such-page/"
    access = records[0]
    assert (access["method"], access["status"]) == ("GET", 404)
    assert access["path"] == "/no-such-page/?q=1"
    assert access["message"] == f'127.0.0.1 "GET /no-such-page/?q=1" 404 {access["duration_ms"]}ms'
    assert access["task_run"] == "-"


@pytest.mark.django_db
def test_text_records_are_one_line_each_with_time_level_logger_and_request_id(
    client: Client, text_lines: Read
) -> None:
    response = client.get("/no-such-page/")

    request_id = response["X-Request-ID"]
    lines = text_lines()
    assert len(lines) == 2
    assert re.fullmatch(
        rf'{TIME} INFO trustdesk\.access \[{request_id}\] 127\.0\.0\.1 "GET /no-such-page/" 404 '
        r"[\d.]+ms",
        lines[0],
    )
    assert re.fullmatch(
        rf"{TIME} WARNING django\.request \[{request_id}\] Not Found: /no-such-page/", lines[1]
    )


def test_a_traceback_stays_inside_its_json_record(json_lines: Read) -> None:
    with audit_context(actor="test") as context:
        try:
            raise ValueError("bad value")
        except ValueError:
            logging.getLogger("tests.logs").exception("it failed")

    (line,) = json_lines()
    record = json.loads(line)
    assert record["message"] == "it failed"
    assert record["request_id"] == str(context.request_id)
    assert record["exc_info"].startswith("Traceback (most recent call last):")
    assert record["exc_info"].endswith("ValueError: bad value")


@pytest.mark.django_db
def test_a_tasks_records_name_its_task_run_and_celery_task_id(
    json_lines: Read, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = sample_tasks.say.enqueue("user:test", words="hello")

    records = [json.loads(line) for line in json_lines()]
    said = next(r for r in records if r["logger"] == "tests.say")
    assert said["message"] == "saying hello"
    assert said["task"] == "tests.say"
    assert said["task_run"] == str(run.public_id)
    assert re.fullmatch(r"[0-9a-f-]{36}", said["task_id"])  # Celery's id of this delivery


def test_an_unknown_log_format_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTDESK_LOG_FORMAT", "xml")

    with pytest.raises(ImproperlyConfigured, match="TRUSTDESK_LOG_FORMAT='xml': expected text"):
        logs_conf.from_env()
