"""Probes answered before anything else, and every other request counted for the metrics."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from trustdesk.web.monitoring import views
from trustdesk.web.monitoring.metrics import request_observe

Handler = Callable[[HttpRequest], HttpResponseBase]
PROBES: dict[str, Handler] = {
    "/healthz": views.healthz,
    "/readyz": views.readyz,
    "/metrics": views.metrics,
}


class ProbeMiddleware:
    """Answer /healthz, /readyz and /metrics first, ahead of every other middleware.

    A load balancer or Prometheus asks by address (`Host: 10.0.0.5:8000`, not in
    TRUSTDESK_ALLOWED_HOSTS), over plain HTTP inside the network (no HTTPS redirect wanted), with
    no cookie (no session to load); and probes every few seconds would drown the request metrics
    and the access log. These views read no host, cookie or user, so skipping the rest is safe.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        probe = PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)


class RequestMetricsMiddleware:
    """Count each request by method and status class, and time it (monitoring.metrics)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        request_observe(
            method=request.method or "",
            status=response.status_code,
            seconds=time.perf_counter() - started,
        )
        return response
