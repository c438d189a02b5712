"""Test settings: the same project, on SQLite or on the PostgreSQL named by TRUSTDESK_DATABASE_URL."""

from __future__ import annotations

import os
import tempfile
import warnings

os.environ.setdefault("TRUSTDESK_HOME", tempfile.mkdtemp(prefix="trustdesk-test-"))
os.environ.setdefault("TRUSTDESK_SECRET_KEY", "test-only-secret")
warnings.filterwarnings("ignore", category=RuntimeWarning, module="trustdesk.web.settings")

from trustdesk.web.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
