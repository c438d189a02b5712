"""Each benchmark names what it needs and exits 2 before doing anything, instead of a traceback.

The benchmarks themselves never run in the suite: each is started with one of its needs taken
away (a package hidden from the interpreter, the shared data or the PostgreSQL server pointed
at nowhere), which its first step, `require()`, must catch.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
INSTALL = "run `.venv/bin/pip install -e '.[bench]'`"
NOWHERE = "/nonexistent/shared"
CLOSED_PORT = "postgres://postgres@127.0.0.1:9"  # nothing listens on the discard port
# Runs a benchmark as `python benchmarks/NAME.py ARGS` would, with the named packages made
# unimportable (a None entry in sys.modules: find_spec answers None, import fails).
RUNNER = """
import runpy, sys
script, hidden, args = sys.argv[1], sys.argv[2], sys.argv[3:]
for name in filter(None, hidden.split(",")):
    sys.modules[name] = None
sys.path.insert(0, str(__import__("pathlib").Path(script).parent))
sys.argv = [script, *args]
runpy.run_path(script, run_name="__main__")
"""


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    hidden: tuple[str, ...]  # packages taken away
    says: tuple[str, ...]  # lines (or their beginnings) expected on stderr


CASES = {
    "desk.py": Case(
        ("--database-url", f"{CLOSED_PORT}/desk_bench"),
        (),
        (f"desk.py needs a PostgreSQL database at {CLOSED_PORT}/desk_bench (",),
    ),
    "load_web.py": Case(
        ("--postgres", CLOSED_PORT),
        ("gunicorn",),
        (
            "load_web.py needs gunicorn (the multi-process WSGI server the pages are measured "
            f"behind): {INSTALL}",
            f"load_web.py needs a PostgreSQL server at {CLOSED_PORT} (",
        ),
    ),
    "screening_eval.py": Case(
        ("--shared", NOWHERE),
        ("nomenklatura",),
        (
            "screening_eval.py needs nomenklatura (OpenSanctions' logic-v2 matcher, the reference "
            f"compared with): {INSTALL}",
            f"screening_eval.py needs {NOWHERE}/data (the shared data; give its folder with "
            "--shared)",
            f"screening_eval.py needs {NOWHERE}/eval/dev.csv (",
        ),
    ),
    "screening_dev.py": Case(
        ("--shared", NOWHERE), (), (f"screening_dev.py needs {NOWHERE}/data (the shared data",)
    ),
    "screening_speed.py": Case(
        ("--shared", NOWHERE),
        (),
        (
            f"screening_speed.py needs {NOWHERE}/data (the shared data; give its folder with "
            "--shared (or --skip-real))",
        ),
    ),
    "hub_search.py": Case(
        ("--postgres", CLOSED_PORT),
        (),
        (f"hub_search.py needs a PostgreSQL server at {CLOSED_PORT} (",),
    ),
    "screening_speed_compare.py": Case(
        ("--shared", NOWHERE),
        (),
        (
            f"screening_speed_compare.py needs {NOWHERE}/data (the shared data; give its folder "
            "with --shared)",
            "screening_speed_compare.py needs the other version's src folder, with --before",
        ),
    ),
    "lists_parse_import.py": Case(
        ("--shared", NOWHERE), (), (f"lists_parse_import.py needs {NOWHERE}/data (",)
    ),
    "monitoring.py": Case(
        ("--database-url", f"{CLOSED_PORT}/monitoring_bench"),
        (),
        (f"monitoring.py needs a PostgreSQL database at {CLOSED_PORT}/monitoring_bench (",),
    ),
    "pack_impact.py": Case(
        ("--home", NOWHERE), (), (f"pack_impact.py needs {NOWHERE} (a TRUSTDESK_HOME with",)
    ),
    "screen_file.py": Case(
        ("--shared", NOWHERE),
        (),
        (f"screen_file.py needs {NOWHERE}/data (the shared data; give its folder with --shared)",),
    ),
}
# Benchmarks that need nothing but trustdesk and the standard library (checked below).
SELF_CONTAINED = {"policy_triage.py"}
HELPERS = {  # imported or run by the others
    "_common.py",
    "_requires.py",
    "_independent.py",
    "screening_independent.py",
    "locustfile.py",
}


def test_every_benchmark_is_covered_here() -> None:
    scripts = {path.name for path in BENCHMARKS.glob("*.py")} - HELPERS

    assert scripts == set(CASES) | SELF_CONTAINED


@pytest.mark.parametrize("script", sorted(CASES))
def test_a_benchmark_without_what_it_needs_names_it_and_exits_2(script: str) -> None:
    case = CASES[script]
    started = time.monotonic()

    done = subprocess.run(  # noqa: S603 (our own interpreter and scripts, fixed arguments)
        [sys.executable, "-c", RUNNER, str(BENCHMARKS / script), ",".join(case.hidden), *case.args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )

    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    for expected in case.says:
        assert any(line.startswith(expected) for line in lines), (expected, lines)
    assert done.stdout == ""  # it did not start: nothing measured, nothing printed
    assert time.monotonic() - started < 60


@pytest.mark.parametrize("script", sorted(SELF_CONTAINED))
def test_a_self_contained_benchmark_imports_only_trustdesk_and_the_standard_library(
    script: str,
) -> None:
    tree = ast.parse((BENCHMARKS / script).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module.split(".")[0])

    assert imported - set(sys.stdlib_module_names) <= {"trustdesk", "__future__"}
