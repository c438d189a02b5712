"""Test settings: the same project, on SQLite or the PostgreSQL of TRUSTDESK_DATABASE_URL."""

from __future__ import annotations

import os
import tempfile

# Tests never touch a real data directory, whatever the environment says.
os.environ["TRUSTDESK_HOME"] = tempfile.mkdtemp(prefix="trustdesk-test-")
os.environ.setdefault("TRUSTDESK_SECRET_KEY", "test-only-secret")

from trustdesk.web.conf import static as static_conf
from trustdesk.web.settings import *  # noqa: F403
from trustdesk.web.settings import DATABASES, HOME

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Worker subprocesses in tests/web/tasks must open this test database: a file, not memory.
    DATABASES["default"]["TEST"] = {"NAME": str(HOME / "test.sqlite3")}

# WhiteNoise warns about a missing static root in every request otherwise.
(HOME / "static").mkdir(parents=True, exist_ok=True)

# Pages link static files by their plain names in tests, whatever the database: a test of the
# hashed, collected files (tests/web/test_static.py) collects them and switches storage itself.
STORAGES = static_conf.storages(collected=False)

# No scheduled jobs in the background of tests (servers they start included): an anchor of one
# test's chain would make the next test's rolled-back chain look truncated, and a list update
# would reach for the internet. Tests start jobs explicitly.
TRUSTDESK_SERVE_RUNS_SCHEDULE = False
