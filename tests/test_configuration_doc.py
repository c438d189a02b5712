"""docs/configuration.md names every environment variable trustdesk reads.

The variables are found in the source, not in a list kept by hand: every call of an env helper
(`env_str`, `env_int`, …, any function whose name starts with `env`), `os.environ.get`,
`os.getenv` or `os.environ[...]` whose first argument is a `TRUSTDESK_…` string, and every
`TRUSTDESK_…_` prefix constant (a family such as `TRUSTDESK_LIST_URL_<SOURCE>`).
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "configuration.md"
NAME = re.compile(r"TRUSTDESK_[A-Z0-9_]+")


def _called_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return f"{_called_name(func.value)}.{func.attr}"
    return ""


def _reads_environment(call: ast.Call) -> bool:
    name = _called_name(call.func)
    last = name.rsplit(".", 1)[-1]
    return last.startswith(("env", "_env")) or name in {
        "os.getenv",
        "os.environ.get",
        "os.environ.pop",
        "environ.get",
    }


def variables_read(root: Path) -> dict[str, set[str]]:
    """Each TRUSTDESK_ variable (or `…_` prefix) read under root, with the files reading it."""
    found: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            literal: ast.expr | None = None
            if isinstance(node, ast.Call) and node.args and _reads_environment(node):
                literal = node.args[0]
            elif isinstance(node, ast.Subscript) and _called_name(node.value) == "os.environ":
                literal = node.slice
            elif (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
                and NAME.fullmatch(node.value.value)
                and node.value.value.endswith("_")
            ):
                literal = node.value
            if (
                isinstance(literal, ast.Constant)
                and isinstance(literal.value, str)
                and NAME.fullmatch(literal.value)
            ):
                found.setdefault(literal.value, set()).add(rel)
    return found


def _shell_variables() -> dict[str, set[str]]:
    """`${TRUSTDESK_…:-default}` in the scripts an operator runs."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "scripts").iterdir():
        if path.suffix in {"", ".sh"} and path.is_file():
            for name in re.findall(r"\$\{(TRUSTDESK_[A-Z0-9_]+):-", path.read_text()):
                found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def documented() -> set[str]:
    """Names the reference documents: `NAME` in code spans; a family as `NAME_<PART>`."""
    text = DOC.read_text(encoding="utf-8")
    return {
        m.group(1) for m in re.finditer(r"`(TRUSTDESK_[A-Z0-9_]*?)(?:<[A-Z_]+>[A-Z_<>]*)?`", text)
    }


def test_the_scan_finds_what_settings_read() -> None:
    """The scanner itself: it sees helpers, prefixes and conf modules (so an empty doc fails)."""
    read = variables_read(ROOT / "src")

    assert {
        "TRUSTDESK_DATABASE_URL",
        "TRUSTDESK_OIDC_CLIENT_SECRET",
        "TRUSTDESK_TASK_LEASE",
    } <= set(read)
    assert "TRUSTDESK_LIST_URL_" in read
    assert "TRUSTDESK_TASKS" not in read  # a Django setting's name, never read from the environment


def all_variables_read() -> dict[str, set[str]]:
    """What the package, the operator's scripts (shell and Python) read, with where."""
    found = variables_read(ROOT / "src")
    for more in (variables_read(ROOT / "scripts"), _shell_variables()):
        for name, files in more.items():
            found.setdefault(name, set()).update(files)
    return found


def test_every_variable_read_is_in_the_configuration_reference() -> None:
    read = all_variables_read()
    missing = sorted(set(read) - documented())

    assert not missing, (
        "docs/configuration.md does not document these variables; add a row for each "
        "(a prefix ending in _ as `NAME_<PART>`):\n"
        + "\n".join(f"  {name}  (read in {', '.join(sorted(read[name]))})" for name in missing)
    )


def test_the_reference_documents_no_variable_that_nothing_reads() -> None:
    read = all_variables_read()
    # The _FILE form is read for any variable through env_str; an example of a family
    # (TRUSTDESK_LIST_URL_EU_FSF) is read through its prefix; the tests' own variable is read by
    # tests/support.py.
    prefixes = tuple(name for name in read if name.endswith("_"))
    stale = sorted(
        name
        for name in documented() - set(read)
        if not (name.endswith("_FILE") and name.removesuffix("_FILE") in read)
        and not name.startswith(prefixes)
        and name != "TRUSTDESK_SHARED_DIR"
    )

    assert not stale, f"docs/configuration.md documents variables nothing reads: {stale}"


@pytest.mark.parametrize("path", ["README.md", "docs/deployment.md", "docs/operations.md"])
def test_the_docs_link_the_reference(path: str) -> None:
    assert "configuration.md" in (ROOT / path).read_text(encoding="utf-8")


def test_the_changelog_keeps_an_unreleased_section_and_dated_releases() -> None:
    """Keep a Changelog: upgrades read it (docs/operations.md), so its shape is kept."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]

    assert headings[0] == "[Unreleased]"
    assert all(re.fullmatch(r"\[\d+\.\d+\.\d+\] - \d{4}-\d{2}-\d{2}", h) for h in headings[1:])
    assert f"[{version}] - " in text
    assert "CHANGELOG.md" in (ROOT / "README.md").read_text(encoding="utf-8")
