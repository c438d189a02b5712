"""A misconfigured variable stops a command with one line naming it, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _trustdesk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(  # noqa: S603  # this interpreter, the project's own command
        [sys.executable, "-m", "trustdesk.cli", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"TRUSTDESK_OIDC_ISSUER": "https://login.uni.example/realms/staff"},
            "TRUSTDESK_OIDC_CLIENT_ID must be set for single sign-on",
        ),
        (
            {"TRUSTDESK_OIDC_DISCOVERY_URL": "https://idp.uni.example/.well-known/x"},
            "TRUSTDESK_OIDC_ISSUER must be set with TRUSTDESK_OIDC_DISCOVERY_URL",
        ),
        ({"TRUSTDESK_LOCKOUT_FAILURES": "five"}, "TRUSTDESK_LOCKOUT_FAILURES='five'"),
        ({"TRUSTDESK_OIDC_CLIENT_SECRET_FILE": "/nonexistent/secret"}, None),
    ],
)
def test_a_configuration_error_is_one_line(
    tmp_path: Path, env: dict[str, str], message: str | None
) -> None:
    if message is None:  # a _FILE that cannot be read is only read once SSO is on
        env = {
            **env,
            "TRUSTDESK_OIDC_ISSUER": "https://idp.example",
            "TRUSTDESK_OIDC_CLIENT_ID": "c",
        }
        message = "TRUSTDESK_OIDC_CLIENT_SECRET_FILE=/nonexistent/secret: No such file or directory"

    result = _trustdesk({"TRUSTDESK_HOME": str(tmp_path), **env}, "lists", "sources")

    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: configuration: {message}")
    assert line.endswith("(see docs/configuration.md)")
    assert "Traceback" not in result.stderr
