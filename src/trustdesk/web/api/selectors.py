"""Reads of API tokens: the one lookup by secret that authentication makes, and a user's list."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet

from trustdesk.web.accounts.models import User
from trustdesk.web.api.models import ApiToken


def token_digest(secret: str) -> str:
    """The hex SHA-256 kept instead of the secret; the secret has 256 random bits, so no salt."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def api_token_by_secret(*, secret: str) -> ApiToken | None:
    """The token a presented secret belongs to, revoked or not, with its owner; None if none.

    The lookup is by digest, so the comparison happens on a hash of the secret and the time it
    takes says nothing about how close a guess was.
    """
    return ApiToken.objects.select_related("owner").filter(digest=token_digest(secret)).first()


def api_token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    """A user's own tokens, newest first: nobody lists another person's tokens."""
    return ApiToken.objects.filter(owner=user)
