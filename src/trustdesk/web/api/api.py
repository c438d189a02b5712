"""The NinjaAPI instance: authentication, error handlers, the routers, the OpenAPI document.

The docs page is ninja's Swagger UI served from ninja's own static files, never from a CDN: the
page may be opened on a network that must not leak which system is being used, and a CDN
script would run with the signed-in user's session. Without ninja in INSTALLED_APPS its static
files cannot be served, and ninja would fall back to a CDN template, so the page is then a 404.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from trustdesk.web.api import errors
from trustdesk.web.api.auth import ApiTokenAuth, SessionCsrfAuth
from trustdesk.web.api.routers import (
    assessments,
    decisions,
    documents,
    engagements,
    guidance,
    mitigations,
    organisations,
    people,
    screening,
    triage,
)


class LocalSwagger(Swagger):
    """Swagger UI from this server's static files only."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        if "ninja" not in settings.INSTALLED_APPS:
            raise Http404("the API docs page needs 'ninja' in INSTALLED_APPS")
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": json.dumps(self.settings), "api": api, "add_csrf": True}
        return render(request, self.template, context)


api = NinjaAPI(
    title="trustdesk API",
    version="1",
    description=(
        "Organisations, people, screening, engagements, the policy pack and triage, through the "
        "same services as the web pages. Authenticate with 'Authorization: Bearer <token>' "
        "(create one with `trustdesk api-token create USERNAME --name NAME`). Errors are JSON "
        "with a `code`."
    ),
    auth=[ApiTokenAuth(), SessionCsrfAuth()],
    urls_namespace="api",
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/organisations", organisations.router)
api.add_router("/people", people.router)
api.add_router("/engagements", engagements.router)
api.add_router("/engagements", documents.router)
api.add_router("/engagements", decisions.router)
api.add_router("", screening.router)
api.add_router("", triage.router)
api.add_router("", assessments.router)
api.add_router("", mitigations.router)
api.add_router("", guidance.router)
