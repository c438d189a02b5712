"""`api_token_revoke`: an operator stops a token at once, by its id or its visible prefix."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from trustdesk.web.api import services
from trustdesk.web.api.models import ApiToken
from trustdesk.web.core.context import audit_context, current_context

MANAGE_ACTOR = "cli:manage.py api_token_revoke"


class Command(BaseCommand):
    help = "Revoke an API token, named by its id or its prefix (tdk_…); it stops working at once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("token", help="the token's id (UUID) or its prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        key = options["token"]
        match = Q(prefix=key)
        with contextlib.suppress(ValueError):  # not a UUID: a prefix only
            match |= Q(public_id=uuid.UUID(key))
        found = list(ApiToken.objects.filter(match, revoked_at__isnull=True)[:2])
        if len(found) != 1:
            raise CommandError(
                f"No live token {key!r}." if not found else f"{key!r} names several tokens."
            )
        outer = current_context()
        actor = outer.actor if outer is not None and outer.actor else MANAGE_ACTOR
        with audit_context(actor=actor):
            token = services.api_token_revoke(actor=actor, token=found[0])
        self.stdout.write(f"Revoked {token}.")
