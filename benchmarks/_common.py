"""Helpers shared by the screening benchmarks: load the real lists, read the dev set, score it.

The benchmarks load lists exactly as an operator does, through `trustdesk lists import` in a child
process against a fresh TRUSTDESK_HOME, so a parser or storage change shows up in the figures the
same way it would in production. The entries are then read back from that home's database (not
re-parsed), so every comparison below sees the very entries the index was built from.

Nothing here is imported by the test suite or by trustdesk itself.
"""

from __future__ import annotations

import csv
import math
import os
import re
import resource
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.matching import Hit, MatchIndex, Query

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared"
TRUSTDESK = Path(sys.executable).with_name("trustdesk")  # the console script of this venv

# One `trustdesk lists import` call per group, in this order.
# - OFAC SDN: the 2024-05-03 `sdn.csv` has every `ofac-sdn:` target of the dev set but no aliases
#   (OFAC publishes those in `alt.csv`), and many dev queries are built from aliases ("exact listed
#   name; from 'SYAH, Bahrum'"). The only `alt.csv` here is the 2021 set's, so it is imported with
#   the 2024 `sdn.csv` as one snapshot; its rows for entities delisted since 2021 are skipped with
#   a warning. Its `add.csv` and `sdn_comments.csv` are left out: not needed by the dev set, and
#   2021 remarks would be glued to 2024 entries.
# - The two US CSL files belong to one source (`us-csl`), so only the one imported last stays
#   current: the 2019 `csl.csv` (115 rows) goes after the 13-row `consolidated.csv` excerpt because
#   more dev-set targets are in it; targets in neither are reported as missing.
LIST_GROUPS: tuple[tuple[str, ...], ...] = (
    ("ofac-sdn-csv/2024-05-03/sdn.csv", "ofac-sdn-csv-set-2021/alt.csv"),
    tuple(f"ofac-consolidated/cons_{part}.csv" for part in ("prim", "add", "alt", "comments")),
    ("un-sc/UN_consolidated.xml",),
    ("ofsi-conlist/ConList.xlsx",),
    ("us-csl-samples/consolidated.csv",),
    ("us-csl-samples/csl.csv",),
    ("opensanctions-ftm-sample/entities.ftm.json",),
)


def child_env(home: Path) -> dict[str, str]:
    """The environment of a trustdesk child process using `home` and the embedded SQLite.

    A database URL inherited from the shell would send the import to a shared PostgreSQL and
    mix the benchmark's lists with someone else's, so it is dropped.
    """
    env = dict(os.environ, TRUSTDESK_HOME=str(home))
    env.pop("TRUSTDESK_DATABASE_URL", None)
    return env


def run_cli(args: Sequence[str], home: Path) -> subprocess.CompletedProcess[str]:
    """Run `trustdesk ARGS` against `home`; a failure stops the benchmark with the CLI's output."""
    done = subprocess.run(
        [str(TRUSTDESK), *args],
        capture_output=True,
        text=True,
        env=child_env(home),
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(
            f"trustdesk {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        )
    return done


def import_lists(shared: Path, home: Path, *, echo: bool = True) -> float:
    """Import every list group into `home` through the CLI; returns the seconds it took."""
    data = shared / "data"
    start = time.perf_counter()
    for group in LIST_GROUPS:
        paths = [data / rel for rel in group]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            sys.exit(f"list files missing: {', '.join(missing)}")
        out = run_cli(["lists", "import", *map(str, paths)], home)
        if echo:
            for line in out.stdout.splitlines():
                if not line.startswith("  "):  # the summary line, not the parser's warnings
                    print(f"  {line}")
    return time.perf_counter() - start


def open_home(home: Path) -> None:
    """Point this process's Django at `home` (once per process: settings are read at set-up)."""
    os.environ.update(child_env(home))
    os.environ["DJANGO_SETTINGS_MODULE"] = "trustdesk.web.settings"
    import django

    django.setup()


def current_entries() -> dict[str, Entry]:
    """Every entry of every current snapshot in the open home, by key (`source:source_id`)."""
    from trustdesk.web.lists.models import ListEntry, ListSource

    out: dict[str, Entry] = {}
    for source in ListSource.objects.select_related("current").order_by("key"):
        if source.current is None:
            continue
        rows = ListEntry.objects.filter(snapshot=source.current).values_list("data", flat=True)
        for data in rows.iterator(chunk_size=2000):
            entry = Entry.from_dict(data)
            out[entry.key] = entry
    return out


def saved_index(home: Path) -> Path:
    """The index file the CLI saved in `home`, building it with one `trustdesk screen` if absent."""
    found = sorted((home / "index").glob("*.idx"))
    if not found:
        run_cli(["screen", "index warm-up"], home)
        found = sorted((home / "index").glob("*.idx"))
    if len(found) != 1:
        sys.exit(f"expected one match index in {home / 'index'}, found {len(found)}")
    return found[0]


# --- the dev set --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DevQuery:
    qid: str
    name: str
    type: str
    country: str
    expected: frozenset[str]
    expected_name: str
    category: str
    base_name: str  # the listed name the query was made from (the note's "from '…'"), if any

    @property
    def query(self) -> Query:
        """The matcher's query, as the CLI's screen-file builds it from the same columns."""
        return Query(
            self.name,
            type=EntityType(self.type) if self.type else None,
            country=self.country or None,
        )


_FROM = re.compile(r"from '(.*)'$")


def read_dev(shared: Path) -> list[DevQuery]:
    with (shared / "eval" / "dev.csv").open(newline="", encoding="utf-8") as fh:
        return [
            DevQuery(
                qid=row["qid"],
                name=row["query"],
                type=row["type"],
                country=row["country"],
                expected=frozenset(t for t in row["expected"].split("|") if t),
                expected_name=row["expected_name"],
                category=row["category"],
                base_name=m.group(1) if (m := _FROM.search(row["note"])) else "",
            )
            for row in csv.DictReader(fh)
        ]


def name_key(name: str) -> str:
    """A listed name without case, punctuation or word order, for the data checks.

    Word order is ignored because lists write the same name both ways ('ABU JHEISHEH, Mohammed'
    and 'Mohammed ABU JHEISHEH'); a query made from either form must count as loaded.
    """
    return " ".join(sorted(re.findall(r"\w+", name.casefold())))


def write_queries_csv(queries: Iterable[DevQuery], path: Path) -> None:
    """The dev queries in screen-file's input layout (id, name, type, country)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "name", "type", "country"])
        writer.writerows([q.qid, q.name, q.type, q.country] for q in queries)


# --- metrics ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Tally:
    """Counts for one bucket of queries; the rates are derived so that buckets can be summed."""

    n: int = 0
    pos: int = 0
    found: int = 0
    top1: int = 0
    neg: int = 0
    alarms: int = 0
    hits: int = 0
    correct_hits: int = 0

    def add(self, expected: frozenset[str], keys: Sequence[str]) -> None:
        self.n += 1
        self.hits += len(keys)
        self.correct_hits += sum(1 for k in keys if k in expected)
        if expected:
            self.pos += 1
            self.found += bool(expected.intersection(keys))
            self.top1 += bool(keys) and keys[0] in expected
        else:
            self.neg += 1
            self.alarms += bool(keys)

    @property
    def recall(self) -> float | None:
        return self.found / self.pos if self.pos else None

    @property
    def hit1(self) -> float | None:
        return self.top1 / self.pos if self.pos else None

    @property
    def false_alarm(self) -> float | None:
        return self.alarms / self.neg if self.neg else None

    @property
    def precision(self) -> float | None:
        return self.correct_hits / self.hits if self.hits else None

    @property
    def hits_per_query(self) -> float:
        return self.hits / self.n if self.n else 0.0

    @property
    def f1(self) -> float | None:
        """Harmonic mean of recall and (1 - false-alarm rate): needs both kinds of query."""
        recall, fa = self.recall, self.false_alarm
        if recall is None or fa is None:
            return None
        specificity = 1.0 - fa
        total = recall + specificity
        return 2 * recall * specificity / total if total else 0.0


@dataclass(slots=True)
class Scored:
    overall: Tally = field(default_factory=Tally)
    by_category: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))


def score(queries: Iterable[DevQuery], results: Mapping[str, Sequence[str]]) -> Scored:
    """Tallies of one system's answers (qid -> entry keys, best first) over the queries."""
    out = Scored()
    for q in queries:
        keys = results.get(q.qid, ())
        out.overall.add(q.expected, keys)
        out.by_category[q.category].add(q.expected, keys)
    return out


def fmt(value: float | None, width: int = 7, digits: int = 3) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.{digits}f}"


# --- nomenklatura logic-v2 ------------------------------------------------------------------------

_SCHEMA = {
    EntityType.PERSON: "Person",
    EntityType.ORGANIZATION: "Organization",
    EntityType.VESSEL: "Vessel",
    EntityType.AIRCRAFT: "Airplane",
}


def entry_to_ftm(entry: Entry) -> Any:
    """The entry as the FollowTheMoney entity OpenSanctions would publish for it.

    Primary name -> `name`; strong aliases and original-script names -> `alias` (both are names the
    publisher vouches for; logic-v2 compares every matchable name property alike); weak aliases ->
    `weakAlias` (logic-v2's `weak_alias_match` uses them, and only at 0.8); countries -> `country`;
    birth dates -> `birthDate` (people); identifiers -> `idNumber`, or for vessels and aircraft
    (which have no `idNumber`) `imoNumber` / `registrationNumber`.
    """
    from followthemoney import model

    proxy = model.make_entity(_SCHEMA[entry.type])
    proxy.id = entry.key
    proxy.add("name", entry.name, quiet=True)
    proxy.add("alias", [*entry.aliases, *entry.original_script_names], quiet=True)
    proxy.add("weakAlias", list(entry.weak_aliases), quiet=True)
    proxy.add("country", list(entry.countries), quiet=True)
    if entry.type == EntityType.PERSON:
        proxy.add("birthDate", list(entry.dates_of_birth), quiet=True)
    for ident in entry.identifiers:
        if entry.type in (EntityType.VESSEL, EntityType.AIRCRAFT):
            imo = "imo" in ident.kind.lower() and entry.type == EntityType.VESSEL
            proxy.add("imoNumber" if imo else "registrationNumber", ident.value, quiet=True)
        else:
            proxy.add("idNumber", ident.value, quiet=True)
    return proxy


def query_to_ftm(query: Query, qid: str = "query") -> Any:
    """A query as a yente `/match` example: Person, Organization, or LegalEntity if untyped."""
    from followthemoney import model

    schema = _SCHEMA[query.type] if query.type else "LegalEntity"
    proxy = model.make_entity(schema)
    proxy.id = qid
    proxy.add("name", query.name, quiet=True)
    if query.country:
        proxy.add("country", query.country, quiet=True)
    if query.birth_date and schema == "Person":
        proxy.add("birthDate", query.birth_date, quiet=True)
    return proxy


class LogicV2:
    """nomenklatura's logic-v2 (yente's default algorithm) with its default configuration."""

    THRESHOLD = 0.70  # yente's default match threshold for logic-v2

    def __init__(self) -> None:
        from nomenklatura.matching import get_algorithm

        algorithm = get_algorithm("logic-v2")
        if algorithm is None:
            raise RuntimeError("nomenklatura has no 'logic-v2' algorithm")
        self.algorithm = algorithm
        self.config = algorithm.default_config()

    def score(self, query: Any, candidate: Any) -> float:
        return float(self.algorithm.compare(query, candidate, self.config).score)


def candidates(index: MatchIndex, query: Query) -> list[Hit]:
    """What trustdesk's blocking proposes for a query, every candidate scored (threshold 0).

    The same set is handed to logic-v2, so the comparison is of scoring alone. The limit is far
    above the matcher's candidate budget (`ScoringConfig.candidates` names per reading of the
    query), so nothing blocking proposed is cut.
    """
    return index.search(query, threshold=0.0, limit=200)


# --- measuring ----------------------------------------------------------------------------------


def pin_one_core() -> int | None:
    """Run this process on one CPU so that 'per core' figures mean what they say."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile (q in 0..1): p99 of 1,000 values is the 990th smallest."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), math.ceil(q * len(ordered))))
    return ordered[rank - 1]


def peak_rss_mib() -> float:
    """This process image's peak resident memory in MiB.

    Linux's `VmHWM` first: `ru_maxrss` survives exec, so a child started by a big parent reports
    the parent's peak (a 10k-entity build child showed the parent's 777 MiB before doing
    anything). `ru_maxrss` (KiB on Linux) where /proc is absent.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
