"""`engagements_review_due`: the scheduled sweep that marks active engagements due for review."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from trustdesk.web.cases.services import REVIEW_DUE_ACTOR, engagement_mark_review_due
from trustdesk.web.core.context import audit_context, current_context


class Command(BaseCommand):
    help = (
        "Mark every active engagement whose review date has come as 'review due'. "
        "Schedule it daily (cron or a systemd timer); running it twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        # `trustdesk` opens a context naming the operator; run by a scheduler, it names the task.
        outer = current_context()
        actor = outer.actor if outer is not None and outer.actor else REVIEW_DUE_ACTOR
        with audit_context(actor=actor):
            marked = engagement_mark_review_due(actor=actor)
        if options["json"]:
            rows = [
                {"id": str(e.public_id), "title": e.title, "review_date": e.review_date}
                for e in marked
            ]
            self.stdout.write(json.dumps({"marked": rows}, default=str))
            return
        self.stdout.write(f"{len(marked)} engagement(s) now due for review.")
        for e in marked:
            self.stdout.write(f"  {e.public_id}  {e.review_date}  {e.title}")
