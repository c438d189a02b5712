"""Test settings: the same project, on SQLite or the PostgreSQL of TRUSTDESK_DATABASE_URL."""

from __future__ import annotations

import os
import tempfile

# Tests never touch a real data directory, whatever the environment says.
os.environ["TRUSTDESK_HOME"] = tempfile.mkdtemp(prefix="trustdesk-test-")
os.environ.setdefault("TRUSTDESK_SECRET_KEY", "test-only-secret")

from trustdesk.web.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
