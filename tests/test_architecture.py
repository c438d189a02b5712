"""The import-linter contracts cover every module of every app, and ignore no import.

`lint-imports` (run by scripts/test) checks the contracts; a module no contract names is checked by
none, so these tests fail when an app gains a module nobody placed in its layers.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "src" / "trustdesk" / "web"
CONTRACTS: list[dict[str, object]] = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"][
    "importlinter"
]["contracts"]
APP_ORDER = "Order of the apps"


def _apps() -> list[str]:
    return sorted(p.name for p in WEB.iterdir() if (p / "__init__.py").is_file())


def _app_modules(app: str) -> set[str]:
    """Every module and package directly inside the app, as import-linter names them."""
    folder = WEB / app
    names = {p.stem for p in folder.glob("*.py") if p.name != "__init__.py"}
    names |= {p.name for p in folder.iterdir() if (p / "__init__.py").is_file()}
    return {f"trustdesk.web.{app}.{name}" for name in names}


def _named(contract: dict[str, object]) -> set[str]:
    """The modules a contract names, from its layers (any sibling syntax) or its module list."""
    entries = contract.get("layers") or contract.get("modules") or []
    assert isinstance(entries, list)
    return {
        name.strip().strip("()")
        for entry in entries
        for name in re.split(r"[|:]", str(entry))
        if name.strip()
    }


def _contract(name: str) -> dict[str, object]:
    return next(c for c in CONTRACTS if c["name"] == name)


@pytest.mark.parametrize("app", _apps())
def test_every_module_of_an_app_is_in_its_contract(app: str) -> None:
    name = f"{app} app layers" if app != "conf" else "conf layers"
    missing = _app_modules(app) - _named(_contract(name))
    assert not missing, f"place these in the {name!r} contract in pyproject.toml: {sorted(missing)}"


@pytest.mark.parametrize("app", _apps())
def test_every_app_is_in_the_order_whole_or_module_by_module(app: str) -> None:
    named = _named(_contract(APP_ORDER))
    if f"trustdesk.web.{app}" in named:
        return
    missing = _app_modules(app) - named
    assert not missing, f"place these in the {APP_ORDER!r} contract: {sorted(missing)}"


def test_no_contract_ignores_an_import() -> None:
    assert [c["name"] for c in CONTRACTS if c.get("ignore_imports")] == []


def test_every_project_module_beside_the_apps_is_in_the_order() -> None:
    modules = {f"trustdesk.web.{p.stem}" for p in WEB.glob("*.py") if p.name != "__init__.py"}
    assert modules - _named(_contract(APP_ORDER)) == set()
