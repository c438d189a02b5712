"""`api_token_create`: an operator issues an API token for a user; the secret is printed once."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trustdesk.web.accounts.models import User
from trustdesk.web.api import services
from trustdesk.web.core.context import audit_context, current_context

# Recorded as the actor when the command runs without `trustdesk` naming the operator.
MANAGE_ACTOR = "cli:manage.py api_token_create"


class Command(BaseCommand):
    help = (
        "Create an API token for USERNAME. The secret is printed once and only its SHA-256 is "
        "kept: store it in the client's secret store now. The token acts with the user's role."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the token is for")
        parser.add_argument(
            "--days",
            type=int,
            default=services.DEFAULT_DAYS,
            help=f"days until it expires (1 to {services.MAX_DAYS})",
        )
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        owner = User.objects.filter(username=options["username"]).first()
        if owner is None:
            raise CommandError(f"No user {options['username']!r}.")
        outer = current_context()
        actor = outer.actor if outer is not None and outer.actor else MANAGE_ACTOR
        with audit_context(actor=actor):
            try:
                created = services.api_token_create(
                    actor=actor, owner=owner, name=options["name"], days=options["days"]
                )
            except services.ApiTokenError as exc:
                raise CommandError(str(exc)) from exc
        token = created.token
        if options["json"]:
            row = {
                "id": str(token.public_id),
                "owner": owner.get_username(),
                "name": token.name,
                "prefix": token.prefix,
                "expires_at": token.expires_at.isoformat(),
                "secret": created.secret,
            }
            self.stdout.write(json.dumps(row))
            return
        self.stdout.write(f"API token {token.name!r} for {owner.get_username()} ({token.prefix}…)")
        self.stdout.write(f"expires {token.expires_at:%Y-%m-%d %H:%M} UTC")
        self.stdout.write(
            f"Secret (shown once; send as 'Authorization: Bearer …'): {created.secret}"
        )
