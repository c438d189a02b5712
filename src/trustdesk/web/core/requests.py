"""Request helpers every app's views share, so the typing and the htmx rule live in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from trustdesk.web.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``login_required``: ``user`` is a real account, never anonymous."""

    user: User


def is_htmx(request: HttpRequest) -> bool:
    """Only a request htmx made (not a boosted page load) gets a fragment; all others a page."""
    return request.headers.get("HX-Request") == "true" and "HX-Boosted" not in request.headers
