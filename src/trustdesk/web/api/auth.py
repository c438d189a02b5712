"""Who is calling: a bearer token (no CSRF: nothing a browser sends by itself), else the session.

A token acts as its owner, with the owner's role and scope as they are at this call, so a role
change or a deactivation applies to every token at once. A token that is unknown, revoked or
expired, or whose owner is deactivated, is refused with 401 and a code saying which, rather than
falling back to the session: a client that sent a token meant that token.

Session calls are what the docs page and the web pages' own scripts make; a browser sends the
session cookie to any request, so those calls must carry the CSRF token on anything but reads.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from trustdesk.web.accounts.models import User
from trustdesk.web.api import selectors, services
from trustdesk.web.api.errors import CsrfRejected, TokenRejected


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User:
        found = selectors.api_token_by_secret(secret=token.strip())
        if found is None:
            raise TokenRejected("invalid_token", "This API token is not valid.")
        if found.revoked_at is not None:
            raise TokenRejected("token_revoked", "This API token has been revoked.")
        if found.expires_at <= timezone.now():
            raise TokenRejected("token_expired", "This API token has expired.")
        if not found.owner.is_active:
            raise TokenRejected(
                "user_inactive", "The account this API token belongs to is deactivated."
            )
        services.api_token_touch(token=found)
        # Code that reads request.user (permissions, logging) sees the token's owner too.
        request.user = found.owner
        return found.owner


class SessionCsrfAuth(SessionAuth):
    """The signed-in session, with Django's CSRF check on every unsafe method.

    Checked only once a session user is found, so a call with neither a token nor a session is
    a plain 401, not a CSRF failure.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not isinstance(user, User) or not user.is_active:  # anonymous or deactivated
            return None
        if check_csrf(request) is not None:
            raise CsrfRejected
        return user
