"""What a benchmark needs beyond trustdesk and its `[dev]` extra, checked before it does any work.

A benchmark run after `./scripts/test` used to stop with a traceback (`FileNotFoundError:
.venv/bin/gunicorn`) once its set-up was done. Each benchmark now lists what it needs and calls
`require()` first: anything missing is named, with the command that installs it or the option
that points elsewhere, and the benchmark exits with status 2 (a usage problem, as argparse
exits) before it has started anything.

Nothing here imports trustdesk, so the check works in any environment.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

INSTALL = ".venv/bin/pip install -e '.[bench]'"
MISSING = 2  # exit status when something is missing


class Need(Protocol):
    def missing(self) -> str | None:
        """What is missing and how to get it, as the end of "<benchmark> needs …"; else None."""
        ...


@dataclass(frozen=True)
class Module:
    """A Python package importable in this interpreter (from the `bench` extra)."""

    name: str  # the import name
    why: str

    def missing(self) -> str | None:
        if importlib.util.find_spec(self.name) is not None:
            return None
        return f"{self.name} ({self.why}): run `{INSTALL}`"


@dataclass(frozen=True)
class Data:
    """A file or folder of the shared data (the real published lists, the dev set)."""

    path: Path
    option: str  # the command-line option that names another place

    def missing(self) -> str | None:
        if self.path.exists():
            return None
        return f"{self.path} (the shared data; give its folder with {self.option})"


@dataclass(frozen=True)
class Service:
    """Something running that the benchmark talks to, such as a PostgreSQL server."""

    what: str
    reachable: Callable[[], str | None]  # None when reachable, else why not
    hint: str

    def missing(self) -> str | None:
        problem = self.reachable()
        return None if problem is None else f"{self.what} ({problem}): {self.hint}"


def require(benchmark: str, needs: Sequence[Need]) -> None:
    """Return when every need is met; otherwise name each missing one and exit with status 2."""
    problems = [problem for need in needs if (problem := need.missing()) is not None]
    if not problems:
        return
    for problem in problems:
        print(f"{benchmark} needs {problem}", file=sys.stderr)
    raise SystemExit(MISSING)
