"""The worker command line and the Celery settings that make a killed worker lose nothing."""

from __future__ import annotations

import os

import pytest
from django.core.exceptions import ImproperlyConfigured

from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.core.tasks import celery_config
from trustdesk.web.worker import run_worker, worker_argv


def test_defaults_come_first_so_the_callers_arguments_win() -> None:
    assert worker_argv(["--concurrency=8"], cpus=16) == [
        "worker",
        "--queues=trustdesk",
        "--concurrency=4",
        "--loglevel=INFO",
        f"--hostname=trustdesk-{os.getpid()}@%h",
        "--without-gossip",
        "--without-mingle",
        "--concurrency=8",
    ]


def test_an_embedded_install_has_no_worker_to_run(embedded_mode: TaskSettings) -> None:
    with pytest.raises(ImproperlyConfigured, match="TRUSTDESK_REDIS_URL is not set"):
        run_worker([])


def test_redis_messages_are_acknowledged_only_after_the_task() -> None:
    config = celery_config(TaskSettings(redis_url="redis://127.0.0.1:6379/3", key_prefix="x:"))

    assert (config["task_acks_late"], config["task_reject_on_worker_lost"]) == (True, True)
    assert config["worker_prefetch_multiplier"] == 1
    assert config["broker_transport_options"] == {
        "visibility_timeout": 300,
        "socket_connect_timeout": 1.0,
        "socket_timeout": 5.0,
        "global_keyprefix": "x:",
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 1,
    }


def test_sending_gives_up_on_an_unreachable_queue_within_seconds() -> None:
    config = celery_config(TaskSettings(redis_url="redis://127.0.0.1:6379/3", key_prefix="x:"))

    assert config["broker_connection_timeout"] == 1.0
    assert config["task_publish_retry_policy"]["max_retries"] == 1
    # No result backend, whose reconnection loop held a request for 20 s while Redis was down.
    assert "result_backend" not in config
    assert config["task_ignore_result"] is True


def test_a_backoff_longer_than_the_visibility_timeout_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="TRUSTDESK_TASK_BACKOFF_MAX must be below"):
        TaskSettings(visibility_timeout=600, backoff_max=600).check()


def test_a_killed_workers_job_waits_minutes_by_default_and_retries_fit_inside() -> None:
    conf = TaskSettings()

    assert (conf.visibility_timeout, conf.lease, conf.retry_delay_max) == (300, 60, 150)
    # Lowered alone, the timeout brings the retry limit down with it: no second variable.
    assert TaskSettings(visibility_timeout=120).check().retry_delay_max == 60


def test_an_explicit_backoff_max_below_the_timeout_is_kept() -> None:
    assert TaskSettings(visibility_timeout=120, backoff_max=90).check().retry_delay_max == 90


def test_a_lease_as_long_as_the_visibility_timeout_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="TRUSTDESK_TASK_LEASE must be below"):
        TaskSettings(visibility_timeout=60, lease=60).check()
