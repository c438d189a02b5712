"""One audit context per web request, its id returned to the client as `X-Request-ID`."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from trustdesk.web.core.context import audit_context

REQUEST_ID_HEADER = "X-Request-ID"


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
        with audit_context(request_id=uuid.uuid4()) as context:
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = str(context.request_id)
        return response
