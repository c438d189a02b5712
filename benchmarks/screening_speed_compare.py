"""Matcher speed of two code trees side by side, in one run, on the same entries and queries.

Run on demand (never by the test suite):

    .venv/bin/python benchmarks/screening_speed_compare.py --before OLD_SRC [--after SRC]
        [--home HOME] [--shared ../shared] [--independent DIR] [--queries 5000] [--rounds 2]
        [--same-results]

OLD_SRC is the `src` folder of the other version (`git archive <commit> src | tar -x -C DIR`
gives DIR/src). The lists are imported once through the CLI into HOME (reused when it already
has them); the entries are read once and handed to two child processes, one per code tree, run
one after the other (never together: they would share the cores), each pinned to one CPU. Each
child builds the index (time and peak resident memory of the build), saves and reloads it (file
size, load time), warms up on the dev queries and then times `--queries` dev queries and, when
`--independent` is given, as many independent held-out queries (ROR names and person names),
each query timed alone (p50, p99) and the batch as a whole (queries/s).

Times are the process's CPU time (`time.process_time`), not wall time: on a machine shared with
other work, wall time measures the neighbours as much as the matcher, while the CPU time a query
takes is what one free core would give. The two trees run alternately, `--rounds` times each,
and the best round of each is shown.

`--same-results` also checks that a change meant only for speed changed no result: each tree
searches every query at 0.7 and 0.5, before any is timed: first each without its type or
country, then each as the other type (a university's name as a person's), then as given, each
set in a shuffled order, so that what a query that gives less leaves behind (a cache, a plan)
is seen to serve the queries that give more. The two trees' hits, scores, features and
explanations must agree; the first differences are printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import (
    DEFAULT_SHARED,
    current_entries,
    import_lists,
    open_home,
    peak_rss_mib,
    percentile,
    pin_one_core,
    read_dev,
)
from _requires import Data, require

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def child(entries_path: Path, queries_path: Path, out: Path, n: int, same: bool) -> None:
    """Measure this process's code tree; writes a JSON of figures to `out`."""
    from trustdesk.screening.entries import EntityType
    from trustdesk.screening.matching import DEFAULT_THRESHOLD, MatchIndex, Query

    pin_one_core()
    with entries_path.open("rb") as fh:
        entries = pickle.load(fh)  # noqa: S301 - our own file, written by the parent
    with queries_path.open(encoding="utf-8") as fh:
        raw = json.load(fh)
    base_rss = peak_rss_mib()
    clock = time.process_time
    start = clock()
    index = MatchIndex.build(entries)
    build = clock() - start
    build_rss = peak_rss_mib()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "index.idx"
        index.save(path)
        size = path.stat().st_size
        start = clock()
        index = MatchIndex.load(path)
        load = clock() - start

    def query(q: list[str]) -> Query:
        return Query(q[0], type=EntityType(q[1]) if q[1] else None, country=q[2] or None)

    # Before any query is timed: what the first searches leave behind is part of what is checked.
    results = every_result(index, [q for rows in raw.values() for q in rows]) if same else None
    figures: dict[str, Any] = {
        "build_s": build,
        "build_peak_rss_mib": build_rss,
        "rss_before_build_mib": base_rss,
        "index_mb": size / 1e6,
        "load_s": load,
    }
    if results is not None:
        figures["results"] = results
    for label, rows in raw.items():
        queries = [query(q) for q in rows]
        for q in queries[:200]:
            index.search(q, threshold=DEFAULT_THRESHOLD)
        batch = [queries[i % len(queries)] for i in range(n)]
        times = []
        for q in batch:
            t0 = clock()
            index.search(q, threshold=DEFAULT_THRESHOLD)
            times.append(clock() - t0)
        t0 = clock()
        for q in batch:
            index.search(q, threshold=DEFAULT_THRESHOLD)
        whole = clock() - t0
        figures[label] = {
            "qps": len(batch) / whole,
            "p50_ms": 1000 * percentile(times, 0.5),
            "p99_ms": 1000 * percentile(times, 0.99),
        }
    out.write_text(json.dumps(figures), encoding="utf-8")


def every_result(index: Any, rows: list[list[str]]) -> list[list[Any]]:
    """Each search's query and a digest of its hits, in a fixed shuffled order."""
    from trustdesk.screening.entries import EntityType
    from trustdesk.screening.matching import Query

    given = [(q[0], q[1] or None, q[2] or None) for q in rows]
    other = {"person": "organization", "organization": "person"}
    # Queries that give least first: what they leave behind must not serve the others.
    blocks = [
        [(name, None, None) for name, _, _ in given],  # untyped, countryless copies
        [(name, other.get(kind or ""), None) for name, kind, _ in given],  # the other type
        given,
    ]
    searches: list[tuple[str, str | None, str | None]] = []
    for block in blocks:
        random.Random(15).shuffle(block)  # noqa: S311 - an order, not a secret
        searches += block
    out: list[list[Any]] = []
    for threshold in (0.7, 0.5):
        for name, kind, country in searches:
            query = Query(name, type=EntityType(kind) if kind else None, country=country)
            hits = [
                [h.key, h.score, h.matched_name, [list(f) for f in h.features], h.explanation]
                for h in index.search(query, threshold=threshold, limit=10)
            ]
            digest = hashlib.sha256(json.dumps(hits).encode()).hexdigest()[:16]
            out.append([name, kind, country, threshold, digest])
    return out


def compare_results(before: list[list[Any]], after: list[list[Any]]) -> None:
    differ = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    if not differ:
        print(f"results: identical on {len(before):,} searches")
        return
    print(f"results: {len(differ):,} of {len(before):,} searches differ, for example:")
    for b, _ in differ[:10]:
        print(f"  {b[0]!r} type={b[1]} country={b[2]} at {b[3]}")


@dataclass(frozen=True)
class Tree:
    """The other version's `src` folder, to compare with."""

    path: Path | None

    def missing(self) -> str | None:
        if self.path is not None and (self.path / "trustdesk").is_dir():
            return None
        return (
            "the other version's src folder, with --before "
            "(`git archive COMMIT src | tar -x -C DIR` gives DIR/src)"
        )


def _best(held: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """Of two rounds, the better figure of each: most queries/s, least time and memory."""
    if held is None:
        return new
    out: dict[str, Any] = {}
    for key, value in new.items():
        if isinstance(value, dict):
            out[key] = {k: (max if k == "qps" else min)(v, held[key][k]) for k, v in value.items()}
        else:
            out[key] = min(value, held[key])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--before", type=Path, help="the other version's src folder")
    parser.add_argument("--after", type=Path, default=ROOT / "src", help="this version's src")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--home", type=Path, help="TRUSTDESK_HOME to import into (or reuse)")
    parser.add_argument("--independent", type=Path, help="directory of ror.csv and people.csv")
    parser.add_argument("--queries", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=2, help="runs of each tree, alternating")
    parser.add_argument(
        "--same-results", action="store_true", help="also check both trees give the same hits"
    )
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        entries_path, queries_path, out, n, same = args.child
        child(Path(entries_path), Path(queries_path), Path(out), int(n), same == "1")
        return
    require(
        "screening_speed_compare.py",
        [Data(args.shared / "data", "--shared"), Tree(args.before)],
    )
    home = (args.home or Path(tempfile.mkdtemp(prefix="trustdesk-speed-"))).resolve()
    home.mkdir(parents=True, exist_ok=True)
    if not any(home.glob("*.sqlite3")):
        import_lists(args.shared, home, echo=False)
    open_home(home)
    entries = current_entries()
    queries: dict[str, list[list[str]]] = {
        "dev": [[q.name, q.type, q.country] for q in read_dev(args.shared)]
    }
    if args.independent:
        from _independent import org_queries, people_queries

        held = [
            q
            for q in [*org_queries(args.independent, entries), *people_queries(args.independent)]
            if q.split == "held-out"
        ]
        queries["independent"] = [[q.name, q.type, q.country] for q in held]
    results: dict[str, dict[str, Any]] = {}
    trees = (("before", args.before.resolve()), ("after", args.after.resolve()))
    with tempfile.TemporaryDirectory() as tmp:
        entries_path = Path(tmp) / "entries.pickle"
        with entries_path.open("wb") as fh:
            pickle.dump(list(entries.values()), fh, protocol=5)
        queries_path = Path(tmp) / "queries.json"
        queries_path.write_text(json.dumps(queries), encoding="utf-8")
        found: dict[str, list[list[Any]]] = {}
        for done, (label, src) in enumerate(trees * args.rounds):
            out = Path(tmp) / f"{label}.json"
            same = args.same_results and done < len(trees)  # the first round of each tree
            env = dict(os.environ, PYTHONPATH=f"{src}{os.pathsep}{HERE}")
            subprocess.run(
                [
                    sys.executable,
                    str(Path(__file__)),
                    "--before",
                    str(args.before),
                    "--child",
                    str(entries_path),
                    str(queries_path),
                    str(out),
                    str(args.queries),
                    "1" if same else "0",
                ],
                env=env,
                check=True,
            )
            figures = json.loads(out.read_text(encoding="utf-8"))
            if "results" in figures:
                found[label] = figures.pop("results")
            results[label] = _best(results.get(label), figures)
    print(
        f"{len(entries):,} entries; {args.queries} queries per set, one core each, CPU time, "
        f"best of {args.rounds} alternating rounds"
    )
    print(f"{'':28}{'before':>12}{'after':>12}")
    for key in ("build_s", "build_peak_rss_mib", "index_mb", "load_s"):
        print(f"{key:28}{results['before'][key]:>12.2f}{results['after'][key]:>12.2f}")
    for label in queries:
        for key in ("qps", "p50_ms", "p99_ms"):
            name = f"{label} {key}"
            print(
                f"{name:28}{results['before'][label][key]:>12.2f}{results['after'][label][key]:>12.2f}"
            )
    if found:
        compare_results(found["before"], found["after"])


if __name__ == "__main__":
    main()
