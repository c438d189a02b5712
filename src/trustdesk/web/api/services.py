"""Writes of the API app: tokens created and revoked (audited), and ad-hoc screening of a name.

A token's secret is returned once by `api_token_create` and never stored: only its SHA-256 and a
short prefix are. Revoking keeps the row, so the trail and the owner's list still show the token.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from trustdesk.screening.matching import Query
from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import require
from trustdesk.web.api.models import ApiToken
from trustdesk.web.api.selectors import token_digest
from trustdesk.web.core import audit
from trustdesk.web.lists import screening
from trustdesk.web.lists.screening import ScreeningResult

audit.register_action("trustdesk.api_token.created", label="API token created")
audit.register_action("trustdesk.api_token.revoked", label="API token revoked")
audit.register_action("trustdesk.name.screened", label="Name screened through the API")

SECRET_PREFIX = "tdk_"  # noqa: S105  # not a secret: recognisable in logs and by secret scanners
PREFIX_LENGTH = 12  # "tdk_" and 8 random characters: enough to tell one's tokens apart
DEFAULT_DAYS = 90
MAX_DAYS = 366  # a token that never expires is a credential nobody remembers to rotate
# The last-used time is written at most this often, so a busy client is not a write per call.
TOUCH_INTERVAL = timedelta(minutes=1)


class ApiTokenError(Exception):
    """A refused token change; the message says why."""


NAME_REQUIRED = "Give the token a name that says what it is for."
BAD_EXPIRY = f"A token expires after 1 to {MAX_DAYS} days."
OWNER_INACTIVE = "{user} is deactivated and cannot hold API tokens."
ALREADY_REVOKED = "This token is already revoked."
OTHERS_TOKEN = "Users create API tokens only for themselves."  # noqa: S105  # a message


@dataclass(frozen=True, slots=True)
class CreatedToken:
    """The stored token and its secret, which exists only here: show it once, then drop it."""

    token: ApiToken
    secret: str


def _label(actor: User | str) -> str:
    return actor if isinstance(actor, str) else f"user:{actor.public_id}"


@transaction.atomic
def api_token_create(
    *,
    actor: User | str,
    owner: User,
    name: str,
    days: int = DEFAULT_DAYS,
    now: datetime | None = None,
) -> CreatedToken:
    """A new token for `owner`; a user makes their own, an operator (CLI actor) anyone's.

    The token acts with the owner's role and scope, as they are at each call, so a later role
    change or deactivation takes effect on the token at once.
    """
    if isinstance(actor, User) and actor.pk != owner.pk:
        raise PermissionDenied(OTHERS_TOKEN)
    name = " ".join(name.split())
    if not name:
        raise ApiTokenError(NAME_REQUIRED)
    if not 1 <= days <= MAX_DAYS:
        raise ApiTokenError(BAD_EXPIRY)
    if not owner.is_active:
        raise ApiTokenError(OWNER_INACTIVE.format(user=owner.get_username()))
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        owner=owner,
        name=name[:100],
        prefix=secret[:PREFIX_LENGTH],
        digest=token_digest(secret),
        expires_at=(now or timezone.now()) + timedelta(days=days),
    )
    token.save(force_insert=True)
    audit.record(
        actor=actor,
        action="trustdesk.api_token.created",
        target=token,
        data={
            "owner": owner.get_username(),
            "name": token.name,
            "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return CreatedToken(token, secret)


@transaction.atomic
def api_token_revoke(*, actor: User | str, token: ApiToken) -> ApiToken:
    """Stop a token working at once; its owner, a user manager or an operator may."""
    if isinstance(actor, User) and actor.pk != token.owner_id:
        require(actor, "user.manage")
    row = ApiToken.objects.select_for_update().get(pk=token.pk)
    if row.revoked_at is not None:
        raise ApiTokenError(ALREADY_REVOKED)
    row.revoked_at, row.revoked_by = timezone.now(), _label(actor)
    row.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(
        actor=actor,
        action="trustdesk.api_token.revoked",
        target=row,
        data={"owner": row.owner.get_username(), "name": row.name, "prefix": row.prefix},
    )
    return row


def api_token_touch(*, token: ApiToken, now: datetime | None = None) -> None:
    """Note that the token was used; not audited (it is no one's action), and rate-limited."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_INTERVAL:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def name_screen(*, actor: User, query: Query, threshold: float, limit: int) -> ScreeningResult:
    """Screen one name ad hoc against the current lists, as an officer would on the page.

    Audited with the query and the hit keys: a person's name screened outside any record must
    still be traceable to who asked. The screening itself runs outside the transaction, since a
    first call may build the index, and on SQLite an open transaction holds the write lock.
    """
    require(actor, "partner.screen")
    result = screening.screen(query, threshold=threshold, limit=limit)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="trustdesk.name.screened",
            target=audit.AuditTarget("screening.query", query.type or "any", query.name),
            data={
                "type": query.type,
                "country": query.country,
                "threshold": threshold,
                "hits": [hit.key for hit in result.hits],
                "snapshots": result.snapshots,
                "coverage_complete": result.coverage.complete,
                "matcher_version": result.matcher_version,
            },
        )
    return result
