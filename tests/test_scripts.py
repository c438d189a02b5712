"""`scripts/_venv.sh`, which `./scripts/run` and `./scripts/test` share, says what it is doing.

The first install takes a minute or two; it used to print one line and then nothing for 85 s. The
Python and pip it drives are the outside world here: a stand-in interpreter records how pip was
asked to install, so the tests need neither the network nor minutes.
"""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Stands in for python3 and, once "created", for .venv/bin/python: records its arguments.
FAKE_PYTHON = """#!/usr/bin/env bash
echo "$*" >> "$TRUSTDESK_FAKE_LOG"
if [ "$1 $2" = "-m venv" ]; then
  mkdir -p "$3/bin" && cp "$0" "$3/bin/python" && chmod +x "$3/bin/python"
fi
exit 0
"""
STEPS = [
    "==> Creating the virtual environment in .venv (first run only)",
    "==> Updating pip in .venv",
    "==> Installing trustdesk with [dev] and its dependencies into .venv (a minute or two the "
    "first time; again only when pyproject.toml changes)",
]


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A checkout with the script and a pyproject.toml, and a stand-in Python."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "_venv.sh", tmp_path / "scripts" / "_venv.sh")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    fake = tmp_path / "fake-python"
    fake.write_text(FAKE_PYTHON, encoding="utf-8")
    fake.chmod(0o755)
    return tmp_path


def _ensure_venv(checkout: Path, *, tty: bool) -> str:
    env = {
        "PATH": os.environ["PATH"],
        "PYTHON": str(checkout / "fake-python"),
        "TRUSTDESK_FAKE_LOG": str(checkout / "calls.log"),
    }
    command = ["bash", "-c", "source scripts/_venv.sh && ensure_venv dev"]
    if not tty:
        return subprocess.run(  # noqa: S603 (our own script, fixed arguments)
            command, cwd=checkout, env=env, capture_output=True, text=True, check=True
        ).stdout
    leader, follower = pty.openpty()
    with subprocess.Popen(  # noqa: S603 (our own script, fixed arguments)
        command, cwd=checkout, env=env, stdout=follower, stderr=follower
    ) as p:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert p.wait() == 0
    os.close(leader)
    return b"".join(chunks).decode().replace("\r\n", "\n")


def _pip_calls(checkout: Path) -> list[str]:
    calls = (checkout / "calls.log").read_text(encoding="utf-8").splitlines()
    return [call for call in calls if call.startswith("-m pip")]


def test_the_first_install_says_each_step_and_how_long_it_took(checkout: Path) -> None:
    output = _ensure_venv(checkout, tty=False)

    lines = output.splitlines()
    assert lines[:3] == STEPS
    assert lines[3].startswith("==> Installed in ")
    # In a log (not a terminal) pip itself stays quiet: the steps are the progress.
    assert _pip_calls(checkout) == [
        "-m pip install --quiet --upgrade pip",
        "-m pip install --quiet -e .[dev]",
    ]


def test_on_a_terminal_pip_shows_its_own_progress(checkout: Path) -> None:
    output = _ensure_venv(checkout, tty=True)

    assert output.splitlines()[:3] == STEPS
    assert _pip_calls(checkout) == ["-m pip install --upgrade pip", "-m pip install -e .[dev]"]


def test_an_installed_checkout_starts_without_a_word(checkout: Path) -> None:
    _ensure_venv(checkout, tty=False)

    assert _ensure_venv(checkout, tty=False) == ""
