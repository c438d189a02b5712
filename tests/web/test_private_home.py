"""Everything under TRUSTDESK_HOME is private to its owner: folders 0700, files 0600."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest


def _trustdesk(
    home: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command in a child process started with a permissive umask, as a shell has."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", "from trustdesk.cli import main; main()", *args],
        env={**clean, "TRUSTDESK_HOME": str(home), **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=lambda: os.umask(0o022),
    )


def _modes(home: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(home.stat().st_mode)}
    for path in home.rglob("*"):
        found[str(path.relative_to(home))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def _loose(modes: dict[str, int], home: Path) -> dict[str, str]:
    wanted = {True: 0o700, False: 0o600}
    return {
        name: oct(mode) for name, mode in modes.items() if mode != wanted[(home / name).is_dir()]
    }


@pytest.mark.slow
def test_a_fresh_home_holds_only_owner_only_files(tmp_path: Path) -> None:
    home = tmp_path / "home"

    result = _trustdesk(home, "screen", "Harbin Institute of Technology", "--json")

    assert result.returncode == 0, result.stderr
    modes = _modes(home)
    assert {"secret_key", "trustdesk.sqlite3", "index"} <= set(modes)
    assert _loose(modes, home) == {}


@pytest.mark.slow
def test_an_existing_home_with_loose_modes_is_made_private_on_start(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "downloads" / "ofac-sdn").mkdir(parents=True)
    (home / "downloads" / "ofac-sdn" / "sdn.xml").write_text("<x/>")
    for path in [home, *home.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)

    result = _trustdesk(home, "lists", "--json")

    assert result.returncode == 0, result.stderr
    assert _loose(_modes(home), home) == {}


def test_the_users_own_home_folder_is_refused(tmp_path: Path) -> None:
    # A stand-in user's home: were the guard missing, only this folder would be changed.
    user_home = tmp_path / "user"
    user_home.mkdir(mode=0o755)
    (user_home / ".profile").write_text("")
    (user_home / ".profile").chmod(0o644)

    result = _trustdesk(user_home, "lists", env={"HOME": str(user_home)})

    assert result.returncode != 0
    assert "is not a folder of its own" in result.stderr
    assert stat.S_IMODE((user_home / ".profile").stat().st_mode) == 0o644
