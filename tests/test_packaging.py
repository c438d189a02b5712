"""The wheel holds everything trustdesk needs at run time: an install from it works like a checkout.

Built offline from this checkout (`pip wheel --no-deps --no-build-isolation --no-index`, with
hatchling from the dev extra), as docs/deployment.md tells operators to build it.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "trustdesk"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(  # noqa: S603  # this interpreter's pip on this checkout
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--quiet",
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("trustdesk-*-py3-none-any.whl")
    return zipfile.ZipFile(built)


def _shipped_files() -> list[str]:
    """Every file of the package in the checkout, as the wheel names it (caches left out)."""
    return sorted(
        str(path.relative_to(PACKAGE.parent))
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def test_the_wheel_holds_every_file_of_the_package(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())

    missing = [name for name in _shipped_files() if name not in names]

    assert missing == []


@pytest.mark.parametrize(
    "kind",
    [
        "trustdesk/web/core/templates/base.html",
        "trustdesk/web/core/static/trustdesk/site.css",
        "trustdesk/policy/packs/gb-base.yaml",
        "trustdesk/screening/lists/ca-nro.json",
        "trustdesk/web/core/migrations/0001_initial.py",
        "trustdesk/policy/py.typed",
    ],
)
def test_templates_static_files_packs_lists_and_migrations_are_in_it(
    wheel: zipfile.ZipFile, kind: str
) -> None:
    assert kind in wheel.namelist()


def test_the_wheel_declares_the_command_and_the_production_extra(wheel: zipfile.ZipFile) -> None:
    info = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    entry_points = next(n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt"))

    metadata = wheel.read(info).decode()
    assert "Provides-Extra: production" in metadata
    assert "Requires-Dist: gunicorn>=23; extra == 'production'" in metadata
    assert "trustdesk = trustdesk.cli:main" in wheel.read(entry_points).decode()


def test_the_wheel_holds_nothing_outside_the_package(wheel: zipfile.ZipFile) -> None:
    outside = [n for n in wheel.namelist() if not n.startswith(("trustdesk/", "trustdesk-"))]

    assert outside == []
