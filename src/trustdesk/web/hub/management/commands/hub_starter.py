"""`hub_starter`: load trustdesk's starter guidance pages and training modules for the UK pack."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trustdesk.web.accounts.models import User
from trustdesk.web.hub.starter import starter_load


class Command(BaseCommand):
    help = (
        "Add the starter guidance pages and training modules that are not there yet, owned by "
        "--owner (an officer or admin). Pages already there, edited or not, are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--owner", required=True, help="username of the pages' owner")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        owner = User.objects.filter(username=options["owner"], is_active=True).first()
        if owner is None:
            raise CommandError(f"no active user {options['owner']!r}")
        report = starter_load(owner=owner)
        if options["json"]:
            self.stdout.write(json.dumps(asdict(report)))
            return
        self.stdout.write(
            f"{len(report.pages_added)} page(s) and {len(report.modules_added)} module(s) added; "
            f"{len(report.pages_kept)} page(s) and {len(report.modules_kept)} module(s) were "
            "already there."
        )
