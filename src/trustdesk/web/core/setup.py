"""First-use preparation of an install: schema and shipped lists, so no set-up command is needed."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def pending_migrations() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def ensure_ready() -> None:
    """Migrate the embedded database when needed; production migrates explicitly, once."""
    if pending_migrations():
        if not settings.EMBEDDED:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(
                "the database schema is out of date: run `trustdesk migrate` once, then start again"
            )
        call_command("migrate", verbosity=0, interactive=False)
