"""Request-wide rules: one audit context per request, an access log, no NUL character in text.

The audit context's id is returned to the client as `X-Request-ID`, and logged with the request.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import render

from trustdesk.web.conf.logs import ACCESS_LOGGER
from trustdesk.web.core.context import REQUEST_ID_META, audit_context, request_memo

REQUEST_ID_HEADER = "X-Request-ID"
V = TypeVar("V", bound=Callable[..., Any])


class AuditContextMiddleware:
    """Opens an audit context around the whole request, so its audit events share one id.

    The id is always generated here, never taken from an incoming header: a client must not be able
    to file its actions under another request's group. The response header lets a user quote the
    id to support, who can then find the exact events in the trail.
    """

    sync_capable = True
    async_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # The request's memo too (`context.remember`): reads such as the active pack, once each.
        with audit_context(request_id=uuid.uuid4()) as context, request_memo():
            # For the records Django logs after this context closes (core.logs.RequestContext).
            request.META[REQUEST_ID_META] = context.request_id
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = str(context.request_id)
        return response


access_log = logging.getLogger(ACCESS_LOGGER)


class AccessLogMiddleware:
    """One INFO record per request on `trustdesk.access`, with its request id and duration.

    In the application rather than the server, so `trustdesk serve` (waitress has no access
    log), gunicorn and any other WSGI server log the same fields in the same format (text or
    JSON). Placed before the static files, which answer without a request id ("-").
    TRUSTDESK_ACCESS_LOG=false turns it off (the logger's level, core.logs.logging_config).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        if access_log.isEnabledFor(logging.INFO):
            milliseconds = round(1000 * (time.perf_counter() - started), 1)
            fields = {
                "request_id": response.get(REQUEST_ID_HEADER, "-"),
                "method": request.method,
                "path": request.get_full_path(),
                "status": response.status_code,
                "duration_ms": milliseconds,
                "remote_addr": request.META.get("REMOTE_ADDR", ""),
                "forwarded_for": request.META.get("HTTP_X_FORWARDED_FOR", ""),
            }
            access_log.info(
                '%s "%s %s" %s %sms',
                fields["remote_addr"],
                fields["method"],
                fields["path"],
                fields["status"],
                milliseconds,
                extra=fields,
            )
        return response


# --- NUL characters ------------------------------------------------------------------------

NUL = "\x00"
NUL_REFUSED = (
    "The request contains a NUL character (\\x00), which no text field accepts: remove it and "
    "send the request again."
)
_FORM = "application/x-www-form-urlencoded"


def json_errors(view: V) -> V:
    """Mark a view whose clients read JSON, so refusals made before it runs are JSON too."""
    view.json_errors = True  # type: ignore[attr-defined]  # a marker attribute, as csrf_exempt
    return view


def wants_json(view: Callable[..., Any]) -> bool:
    return bool(getattr(view, "json_errors", False))


def nul_locations(request: HttpRequest) -> list[list[str | int]]:
    """Where the request's text carries a NUL: query string, form fields and JSON bodies.

    Multipart bodies are not read here: an upload view may still have to set its upload
    handlers before the body is parsed, and its text fields are Django form fields, which
    refuse NUL themselves.
    """
    found: list[list[str | int]] = [
        ["query", key]
        for key, values in request.GET.lists()
        if NUL in key or any(NUL in v for v in values)
    ]
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return found
    content_type = request.content_type or ""
    if content_type == _FORM:
        found += [
            ["body", key]
            for key, values in request.POST.lists()
            if NUL in key or any(NUL in v for v in values)
        ]
    elif content_type == "application/json" or content_type.endswith("+json"):
        try:
            body = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            return found  # malformed JSON is the view's to refuse, with its own message
        found += [["body", *path] for path in _json_nul_paths(body, [])]
    return found


def _json_nul_paths(value: object, path: list[str | int]) -> Iterator[list[str | int]]:
    if isinstance(value, str):
        if NUL in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in key:
                yield [*path, key]
            else:
                yield from _json_nul_paths(item, [*path, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_nul_paths(item, [*path, index])


class RefuseNulMiddleware:
    """Refuse any request whose text holds a NUL character, with a 422 that says so.

    PostgreSQL cannot store NUL in text and raises on it, SQLite stores it and later tools choke:
    one check before any view keeps both databases alike and turns what was a server error into
    the caller's clear mistake. API views (marked with `json_errors`) get the API's error body.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        locations = nul_locations(request)
        if not locations:
            return None
        if wants_json(view):
            errors = [{"loc": loc, "message": "NUL character", "type": "nul"} for loc in locations]
            body = {"code": "invalid", "message": NUL_REFUSED, "errors": errors}
            return JsonResponse(body, status=422)
        return render(request, "core/refused.html", {"message": NUL_REFUSED}, status=422)
