"""The API's URLs: ninja's routes, then a JSON 404 for every other path under the prefix.

Without the catch-all, a mistyped path or a malformed id would get the HTML "page not found",
which an API client cannot read.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt

from trustdesk.web.api.api import api
from trustdesk.web.api.errors import NOT_FOUND

app_name = "api"


@csrf_exempt  # answers every method with the same 404; nothing here reads or changes data
def not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse(NOT_FOUND, status=404)


urlpatterns: list[URLPattern | URLResolver] = [
    *api.urls[0],
    re_path(r"^.*$", not_found, name="not-found"),
]
