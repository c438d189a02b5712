"""The API's URLs: ninja's routes, then a JSON 404 for every other path under the prefix.

Without the catch-all, a mistyped path or a malformed id would get the HTML "page not found",
which an API client cannot read. Every view here is marked `json_errors`, so refusals made before
a view runs (a NUL character) are JSON too, and ninja's bare "405 Method not allowed" becomes the
API's error body.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt

from trustdesk.web.api.api import api
from trustdesk.web.api.errors import METHOD_NOT_ALLOWED, NOT_FOUND
from trustdesk.web.core.middleware import json_errors

app_name = "api"


@json_errors
@csrf_exempt  # answers every method with the same 404; nothing here reads or changes data
def not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse(NOT_FOUND, status=404)


def _json_405(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Ninja answers a method a path lacks with a plain-text 405: give the API's JSON instead."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type") == "application/json":
            return response
        allowed = response.get("Allow", "")
        body = {**METHOD_NOT_ALLOWED, "message": f"{METHOD_NOT_ALLOWED['message']} ({allowed})"}
        replaced: HttpResponse = JsonResponse(body, status=405)
        replaced["Allow"] = allowed
        return replaced

    wrapped.csrf_exempt = True  # type: ignore[attr-defined]  # as ninja's own views are
    return json_errors(wrapped)


def _ninja_patterns() -> list[URLPattern | URLResolver]:
    patterns: list[URLPattern | URLResolver] = []
    for pattern in api.urls[0]:
        if isinstance(pattern, URLPattern):
            pattern = URLPattern(
                pattern.pattern, _json_405(pattern.callback), pattern.default_args, pattern.name
            )
        patterns.append(pattern)
    return patterns


urlpatterns: list[URLPattern | URLResolver] = [
    *_ninja_patterns(),
    # [\s\S], not ".": a path with an encoded line break (%0A) must get the JSON 404 too.
    re_path(r"^[\s\S]*$", not_found, name="not-found"),
]
