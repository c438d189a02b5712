"""Task-queue settings: in-process on the embedded default, Redis workers in production."""

from __future__ import annotations

APPS: list[str] = []
