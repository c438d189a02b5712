"""Probes and metrics: no sign-in, no session, no CSRF; answered by ProbeMiddleware first.

They are in the URLconf too (names for `reverse`, the permission matrix), and behave the same
when reached through it.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from trustdesk.web.monitoring.checks import readiness
from trustdesk.web.monitoring.metrics import exposition

# A request that came through a reverse proxy carries one of these: its REMOTE_ADDR is the
# proxy's (often 127.0.0.1), so the address says nothing about who asked.
FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")
# The text format every Prometheus version reads; trustdesk's metric names need nothing newer.
EXPOSITION_TYPE = "text/plain; version=0.0.4; charset=utf-8"
METRICS_REFUSED = (
    "Metrics are served to allowed addresses (TRUSTDESK_METRICS_ALLOW) that did not come "
    "through a proxy, or with 'Authorization: Bearer' and TRUSTDESK_METRICS_TOKEN.\n"
)


@csrf_exempt
@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness only: no database, so a database outage never restarts healthy processes."""
    return JsonResponse({"status": "ok"})


@csrf_exempt
@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness for a load balancer: 200 ok or degraded, 503 unavailable (see checks)."""
    result = readiness()
    return JsonResponse(result.as_dict(), status=result.http_status)


@csrf_exempt
@require_safe
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text exposition, to allowed addresses or with the bearer token."""
    if not may_scrape(request):
        return HttpResponse(METRICS_REFUSED, status=403, content_type="text/plain")
    return HttpResponse(exposition(), content_type=EXPOSITION_TYPE)


def may_scrape(request: HttpRequest) -> bool:
    token: str = settings.TRUSTDESK_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    if any(request.META.get(header) for header in FORWARDED_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in settings.TRUSTDESK_METRICS_ALLOW)
