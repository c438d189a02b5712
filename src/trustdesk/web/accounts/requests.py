"""The request type every app's signed-in views take, typed with this app's `User`.

Here rather than in `core`, which every app (accounts included) stands on: a request that carries
an account belongs to the accounts app, and keeping it in core made core and accounts import each
other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from trustdesk.web.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``login_required``: ``user`` is a real account, never anonymous."""

    user: User
