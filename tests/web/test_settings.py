"""Production refuses to start without a secret key; the embedded default keeps its own."""

import os
import subprocess
import sys
from pathlib import Path


def _import_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    return subprocess.run(
        [sys.executable, "-c", "import trustdesk.web.settings as s; print(s.DEBUG, s.HTTPS)"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _import_settings(
        {"TRUSTDESK_HOME": str(tmp_path), "TRUSTDESK_DATABASE_URL": "postgres://x@127.0.0.1/x"}
    )

    assert result.returncode == 1
    assert "TRUSTDESK_SECRET_KEY must be set in production" in result.stderr


def test_production_defaults_are_debug_off_and_https_cookies(tmp_path: Path) -> None:
    result = _import_settings(
        {
            "TRUSTDESK_HOME": str(tmp_path),
            "TRUSTDESK_DATABASE_URL": "postgres://x@127.0.0.1/x",
            "TRUSTDESK_SECRET_KEY": "s" * 50,
        }
    )

    assert result.stdout.split() == ["False", "True"]


def test_the_embedded_default_keeps_a_private_random_key(tmp_path: Path) -> None:
    first = _import_settings({"TRUSTDESK_HOME": str(tmp_path)})

    key = tmp_path / "secret_key"
    assert first.returncode == 0, first.stderr
    assert first.stdout.split() == ["False", "False"]
    assert key.stat().st_mode & 0o777 == 0o600
    assert len(key.read_text()) >= 50
