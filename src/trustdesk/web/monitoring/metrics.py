"""Prometheus metrics: request counts and latencies, and gauges read at scrape time.

Why prometheus_client: the Prometheus project's own library; it writes the text exposition
format and supports several server processes (below). django-prometheus was the other choice,
but it counts per view and per model with hundreds of series and patches database backends;
what an operator needs here is a handful of series.

Gauges (task runs, queue length, screening runs, list ages, the audit chain) are computed from
the database and Redis when scraped, so every process reports the same values and none keeps
state. Request counters live in the process that served the request: under gunicorn with
several workers, set PROMETHEUS_MULTIPROC_DIR (prometheus_client's own variable) to an empty
directory writable by the server, and the counters of every worker are summed at scrape time
(the gunicorn config, trustdesk.web.gunicorn_conf, empties it at start). Without it each scrape
sees only the worker that answered it.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator
from importlib.metadata import version

import redis
from django.db import DatabaseError
from django.db.models import Count, Max
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

from trustdesk.web.conf.tasks import task_settings
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.lists.coverage import expected_freshness
from trustdesk.web.monitoring.checks import queue_client, queue_key
from trustdesk.web.partners.models import ScreeningRun

log = logging.getLogger(__name__)

# Methods outside this set are counted as "other", so a client cannot create series at will.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# From a fast page to a slow export; the highest bucket below gunicorn's 30 s worker timeout.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUESTS = Counter(
    "trustdesk_http_requests",
    "HTTP requests answered, by method and status class (2xx, 3xx, 4xx, 5xx).",
    ["method", "status"],
)
LATENCY = Histogram(
    "trustdesk_http_request_duration_seconds",
    "Time from the request reaching Django to its response, by method.",
    ["method"],
    buckets=LATENCY_BUCKETS,
)


def request_observe(*, method: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"
    REQUESTS.labels(method=method, status=f"{status // 100}xx").inc()
    LATENCY.labels(method=method).observe(seconds)


class StateCollector(Collector):
    """The gauges read from the database and the queue on every scrape."""

    def collect(self) -> Iterator[Metric]:
        started = time.monotonic()
        database_up = GaugeMetricFamily(
            "trustdesk_database_up", "1 when the scrape could read the database, else 0."
        )
        try:
            families = list(_database_families())
        except DatabaseError as exc:
            log.warning("metrics: database unreadable: %s", exc)
            families = []
        database_up.add_metric([], 1 if families else 0)
        yield database_up
        yield from families
        yield from _queue_families()
        yield _info()
        took = GaugeMetricFamily(
            "trustdesk_metrics_scrape_seconds", "Time spent reading the gauges for this scrape."
        )
        took.add_metric([], time.monotonic() - started)
        yield took


def _counts(
    name: str, documentation: str, statuses: Iterable[str], rows: Iterable[tuple[str, int]]
) -> GaugeMetricFamily:
    """One series per status, zero included, so an alert sees a status that empties."""
    counted = dict(rows)
    family = GaugeMetricFamily(name, documentation, labels=["status"])
    for status in statuses:
        family.add_metric([status], counted.get(status, 0))
    return family


def _database_families() -> Iterator[Metric]:
    yield _counts(
        "trustdesk_task_runs",
        "Task runs by status; queued and running are the work in hand.",
        TaskRun.Status.values,
        TaskRun.objects.order_by().values_list("status").annotate(n=Count("id")),
    )
    yield _counts(
        "trustdesk_screening_runs",
        "Screening runs of organisations and people by status (pending waits for a worker).",
        ScreeningRun.Status.values,
        ScreeningRun.objects.order_by().values_list("status").annotate(n=Count("id")),
    )
    chain = AuditEvent.objects.aggregate(last=Max("sequence"))["last"] or 0
    length = GaugeMetricFamily(
        "trustdesk_audit_chain_length", "Events in the audit chain (its newest sequence number)."
    )
    length.add_metric([], chain)
    yield length
    yield from _list_families()


def _list_families() -> Iterator[Metric]:
    labels = ["source", "kind"]
    age = GaugeMetricFamily(
        "trustdesk_list_age_seconds",
        "Seconds since each expected list source was last confirmed (imported or checked "
        "unchanged); absent for a source never loaded.",
        labels=labels,
    )
    limit = GaugeMetricFamily(
        "trustdesk_list_max_age_seconds",
        "The age past which screenings call the source out of date.",
        labels=labels,
    )
    missing = GaugeMetricFamily(
        "trustdesk_list_missing", "1 for an expected list source never loaded.", labels=labels
    )
    for source in expected_freshness():
        key = [source.source, source.kind]
        limit.add_metric(key, source.max_age_seconds)
        missing.add_metric(key, 1 if source.missing else 0)
        if source.age_seconds is not None:
            age.add_metric(key, source.age_seconds)
    yield from (age, limit, missing)


def _queue_families() -> Iterator[Metric]:
    """Messages waiting in Redis, when there is a Redis; unreachable is 0 up, no length."""
    conf = task_settings()
    if conf.embedded:
        return
    up = GaugeMetricFamily("trustdesk_task_queue_up", "1 when Redis answered this scrape.")
    waiting = GaugeMetricFamily(
        "trustdesk_task_queue_length", "Task messages waiting in Redis for a worker."
    )
    try:
        with queue_client(conf) as client:
            length = int(client.llen(queue_key(conf)))
    except redis.RedisError as exc:
        log.warning("metrics: task queue unreachable: %s", exc)
        up.add_metric([], 0)
        yield up
        return
    up.add_metric([], 1)
    waiting.add_metric([], length)
    yield from (up, waiting)


def _info() -> GaugeMetricFamily:
    info = GaugeMetricFamily("trustdesk_build_info", "The running version.", labels=["version"])
    info.add_metric([version("trustdesk")], 1)
    return info


def exposition() -> bytes:
    """The text exposition of every metric, across server processes when so configured."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Sums every worker's files, and registers itself.
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # no annotations
    else:
        registry.register(_Default())
    registry.register(StateCollector())
    return generate_latest(registry)


class _Default(Collector):
    """The process's own registry (requests, and the process and Python collectors)."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()
