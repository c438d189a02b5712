"""Request helpers every app's views share, so the htmx rule lives in one place.

The signed-in request type is `trustdesk.web.accounts.requests.AuthenticatedHttpRequest`: it
names the accounts app's `User`, which core, below accounts in the app order, may not.
"""

from __future__ import annotations

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """Only a request htmx made (not a boosted page load) gets a fragment; all others a page."""
    return request.headers.get("HX-Request") == "true" and "HX-Boosted" not in request.headers
