"""Shared test helpers: where the real published list files live, and shared gb-base answers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TRUSTDESK_SHARED_DIR", ROOT.parent / "shared"))


def shared_path(relative: str) -> Path:
    """A file under ../shared/, or skip the calling test naming the path it needed."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"real list file not present: {path}")
    return path


#: What a research collaboration answers "no"/"none" to under gb-base, beyond what an engagement
#: record prefills (kind, partner country, research areas and the partner's name). Shared so that
#: a change to gb-base's questions is mended in one place.
GB_QUIET_COLLABORATION: dict[str, object] = {
    "transfer_abroad": False,
    "military_end_use": "none",
    "partner_military_links": False,
    "personal_data": "none",
    "human_participants": False,
    "publication_restrictions": False,
    "ip_transfer": False,
    "other_organisations": [],
    "payment_to_partner": False,
}


@pytest.fixture
def migrations_restored() -> Iterator[None]:
    """After a test that migrates an app backwards, every app is migrated forward again.

    Migrating one app back also unapplies the later migrations of other apps that depend on it;
    migrating that app forward again does not reapply them, so without this the tests after it
    would meet a schema with tables missing.
    """
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
