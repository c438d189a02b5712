"""Actions the core tests record, registered once as an app registers its own, and helpers."""

from __future__ import annotations

from django.db import connection, transaction

from trustdesk.web.core import audit
from trustdesk.web.core.models import AuditEvent

audit.register_action("trustdesk.test.noted", label="Noted")
audit.register_action(
    "trustdesk.test.renamed",
    label="Renamed",
    summary=lambda e: f"Renamed {e.data['old']} to {e.data['new']}",
)
audit.register_action("trustdesk.test.decided", label="Decided", reason_required=True)


def note(n: int, *, actor: str = "cli:root@host") -> list[AuditEvent]:
    """N events, each in its own transaction as N service calls would write them."""
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(audit.record(actor=actor, action="trustdesk.test.noted", data={"i": i}))
    return events


def behind_the_back(sql: str, params: list[str | int]) -> None:
    """Run SQL as an attacker with table-owner rights would: on PostgreSQL, trigger off first."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            # ALTER TABLE refuses while the test transaction's deferred FK checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only"
            )
        cursor.execute(sql, params)
        if postgres:
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
