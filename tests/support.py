"""Shared test helpers: where the real published list files live, and skipping without them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TRUSTDESK_SHARED_DIR", ROOT.parent / "shared"))


def shared_path(relative: str) -> Path:
    """A file under ../shared/, or skip the calling test naming the path it needed."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"real list file not present: {path}")
    return path
