"""Screening quality on the dev set: trustdesk against nomenklatura logic-v2 and rapidfuzz.

Run on demand (never by the test suite):

    .venv/bin/python benchmarks/screening_eval.py [--shared ../shared] [--threshold T]
        [--home DIR] [--misses]

Why it is built this way:

- The lists are imported into a fresh TRUSTDESK_HOME through the real `trustdesk lists import`,
  and the dev queries are screened through the real `trustdesk screen-file --format jsonl`, both
  as child processes, so the figures are those an operator gets, parsers and storage included.
- Every expected target is first looked up in the loaded lists. A target that is not there is a
  data problem (a file not loaded, an id scheme changed), not a matcher miss: it is reported, and
  a query none of whose targets is loaded is left out of the scores rather than counted as missed.
- logic-v2 (yente's default) scores the SAME candidates trustdesk's blocking proposes for each
  query (`MatchIndex.search(threshold=0)`), so the comparison is of scoring, not of retrieval; the
  share of queries whose target is among those candidates is printed as the ceiling for both.
- rapidfuzz WRatio against every listed name is the brute-force baseline: no blocking, no
  knowledge of names; shown at its F1-best threshold (a sweep over 50..100) and at 90.

Per query, at the threshold, with at most 10 hits (the CLI's default limit) for every system:
recall = a target is among the hits; hit@1 = the first hit is a target; false-alarm rate = a
query that must match nothing returned anything; alert precision = target hits / all hits, over
all queries; F1 = harmonic mean of recall and (1 - false-alarm rate).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from _common import (
    DEFAULT_SHARED,
    ROOT,
    DevQuery,
    LogicV2,
    Scored,
    Tally,
    candidates,
    current_entries,
    entry_to_ftm,
    fmt,
    import_lists,
    name_key,
    open_home,
    query_to_ftm,
    read_dev,
    run_cli,
    saved_index,
    score,
    write_queries_csv,
)
from _requires import Data, Module, require
from trustdesk.screening.entries import Entry
from trustdesk.screening.matching import DEFAULT_THRESHOLD, Hit, MatchIndex, ScoringConfig

HIT_LIMIT = 10  # the CLI's default --limit, applied to every system alike
REFERENCE = {
    "recall": 0.964,
    "hit@1": 0.953,
    "FA": 0.025,
    "F1": 0.969,
}  # logic-v2, measured elsewhere
RAPIDFUZZ_REFERENCE_F1 = 0.940
RF_FLOOR = 50  # the lowest WRatio the sweep looks at
RF_CHUNK = 64  # queries per rapidfuzz cdist call: bounds the score matrix to a few tens of MB


@dataclass(slots=True)
class System:
    """One system's answers (qid -> (entry key, score, matched name) best first) and timings."""

    label: str
    answers: dict[str, list[tuple[str, float, str]]]
    seconds: float
    note: str = ""

    def keys(self) -> dict[str, list[str]]:
        return {qid: [k for k, _, _ in hits] for qid, hits in self.answers.items()}


def _git_state() -> str:
    """Which code the figures describe: the matcher is edited while benchmarks run."""

    def git(*args: str) -> str:
        git_exe = shutil.which("git") or "git"
        done = subprocess.run(
            [git_exe, *args], cwd=ROOT, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    head = git("rev-parse", "--short", "HEAD")
    dirty = git("status", "--porcelain", "--", "src/trustdesk/screening")
    n = len(dirty.splitlines())
    return f"{head}" + (f" + {n} uncommitted change(s) under src/trustdesk/screening" if n else "")


def check_targets(
    queries: list[DevQuery], entries: dict[str, Entry]
) -> tuple[list[DevQuery], list[tuple[DevQuery, str]], list[DevQuery]]:
    """The dev queries checked against the loaded lists, before any matcher is blamed.

    Returns the queries with their targets cut to those loaded, the targets not loaded, and the
    queries whose source name (the listed name they were made from) none of their loaded targets
    lists. The last check catches a list loaded without part of its names (OFAC's aliases live in a
    separate `alt.csv`): the id resolves, but the name the query was made from is not there.
    """
    missing = [(q, t) for q in queries for t in sorted(q.expected) if t not in entries]
    kept: list[DevQuery] = []
    unnamed: list[DevQuery] = []
    for q in queries:
        present = frozenset(t for t in q.expected if t in entries)
        if q.expected and not present:
            continue  # nothing it expects is loaded: a data gap, not scored
        kept.append(replace(q, expected=present))
        listed = {name_key(n) for t in present for n in entries[t].all_names()}
        if present and q.base_name and name_key(q.base_name) not in listed:
            unnamed.append(q)
    return kept, missing, unnamed


def run_screen_file(home: Path, queries: list[DevQuery], threshold: float | None) -> System:
    """Trustdesk's answers from the CLI, exactly as an operator would get them."""
    csv_path, out_path = home / "dev-queries.csv", home / "dev-results.jsonl"
    write_queries_csv(queries, csv_path)
    args = ["screen-file", str(csv_path), "-o", str(out_path), "--format", "jsonl"]
    if threshold is not None:
        args += ["--threshold", str(threshold)]
    start = time.perf_counter()
    run_cli(args, home)
    seconds = time.perf_counter() - start
    answers: dict[str, list[tuple[str, float, str]]] = {}
    with out_path.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            answers[record["id"]] = [
                (f"{m['source']}:{m['entry_id']}", float(m["score"]), m["matched_name"])
                for m in record["matches"]
            ]
    return System("trustdesk", answers, seconds, "screen-file wall time, incl. index build")


def run_logic_v2(
    queries: list[DevQuery], pools: dict[str, list[Hit]], entries: dict[str, Entry]
) -> tuple[System, int, float]:
    """logic-v2 over each query's candidate pool; returns the system, pairs scored, convert time."""
    logic = LogicV2()
    start = time.perf_counter()
    ftm: dict[str, Any] = {}
    query_ftm = {q.qid: query_to_ftm(q.query, q.qid) for q in queries}
    for pool in pools.values():
        for hit in pool:
            if hit.key not in ftm:
                ftm[hit.key] = entry_to_ftm(entries[hit.key])
    convert = time.perf_counter() - start
    if pools:  # first call loads rigour's name data: not part of the per-pair cost
        some = next(iter(pools))
        for hit in pools[some][:1]:
            logic.score(query_ftm[some], ftm[hit.key])
    answers: dict[str, list[tuple[str, float, str]]] = {}
    pairs = 0
    start = time.perf_counter()
    for q in queries:
        scored: list[tuple[float, int, str]] = []
        for order, hit in enumerate(pools[q.qid]):
            value = logic.score(query_ftm[q.qid], ftm[hit.key])
            pairs += 1
            if value >= LogicV2.THRESHOLD:
                scored.append((value, order, hit.key))
        scored.sort(key=lambda s: (-s[0], s[1]))
        answers[q.qid] = [(key, value, "") for value, _, key in scored[:HIT_LIMIT]]
    seconds = time.perf_counter() - start
    label = f"logic-v2 @{LogicV2.THRESHOLD:.2f}"
    return System(label, answers, seconds, "scoring trustdesk's candidates"), pairs, convert


def rapidfuzz_scores(
    queries: list[DevQuery], entries: dict[str, Entry]
) -> tuple[dict[str, list[tuple[str, float, str]]], float, int]:
    """Per query, every entry with a name at WRatio >= RF_FLOOR, best first (brute force)."""
    from rapidfuzz import fuzz, process, utils

    keys = list(entries)
    names: list[str] = []  # processed once here, not once per query
    raw: list[str] = []
    owner: list[int] = []
    for i, key in enumerate(keys):
        for name in entries[key].all_names():
            processed = utils.default_process(name)
            if processed:
                names.append(processed)
                raw.append(name)
                owner.append(i)
    owners = np.asarray(owner)
    out: dict[str, list[tuple[str, float, str]]] = {}
    start = time.perf_counter()
    for lo in range(0, len(queries), RF_CHUNK):
        chunk = queries[lo : lo + RF_CHUNK]
        matrix = process.cdist(
            [utils.default_process(q.name) for q in chunk],
            names,
            scorer=fuzz.WRatio,
            score_cutoff=RF_FLOOR,
            dtype=np.float32,
            workers=1,
        )
        for q, row in zip(chunk, matrix, strict=True):
            cols = np.flatnonzero(row >= RF_FLOOR)
            best: dict[int, tuple[float, int]] = {}
            for col in cols.tolist():
                value, entry = float(row[col]), int(owners[col])
                if value > best.get(entry, (-1.0, 0))[0]:
                    best[entry] = (value, col)
            ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], keys[kv[0]]))
            out[q.qid] = [(keys[e], v, raw[c]) for e, (v, c) in ranked]
    return out, time.perf_counter() - start, len(names)


def at_threshold(
    scores: dict[str, list[tuple[str, float, str]]], cut: float
) -> dict[str, list[tuple[str, float, str]]]:
    return {qid: [h for h in hits if h[1] >= cut][:HIT_LIMIT] for qid, hits in scores.items()}


def _row(label: str, t: Tally, extra: str = "") -> str:
    return (
        f"{label:32}{t.n:>5}{fmt(t.recall)}{fmt(t.hit1)}{fmt(t.false_alarm)}"
        f"{fmt(t.precision)}{fmt(t.hits_per_query, 8, 2)}{fmt(t.f1)}  {extra}"
    )


HEADER = f"{'':32}{'n':>5}{'recall':>7}{'hit@1':>7}{'FA':>7}{'prec':>7}{'hits/q':>8}{'F1':>7}"


def print_categories(label: str, scored: Scored) -> None:
    print(f"\n{label}, per category\n{HEADER}")
    print(_row("all", scored.overall))
    for category in sorted(scored.by_category):
        print(_row(category, scored.by_category[category]))


def print_side_by_side(systems: list[tuple[str, Scored]]) -> None:
    """Per category, the rate that matters there: recall (hit@1) for targets, FA for negatives."""
    width = 18
    print("\nper category, side by side: recall/hit@1 for queries with targets, FA for the others")
    print(
        f"{'category':18}{'n':>5}"
        + "".join(
            f"{label.replace('rapidfuzz ', '')[: width - 1]:>{width}}" for label, _ in systems
        )
    )
    categories = sorted(systems[0][1].by_category)
    for category in categories:
        cells = []
        for _, scored in systems:
            t = scored.by_category[category]
            if t.pos:
                cells.append(f"{t.recall:.3f}/{t.hit1:.3f}")
            else:
                cells.append(f"FA {t.false_alarm:.3f}")
        n = systems[0][1].by_category[category].n
        print(f"{category:18}{n:>5}" + "".join(f"{c:>{width}}" for c in cells))


def print_misses(
    queries: list[DevQuery],
    trust: System,
    logic: System,
    entries: dict[str, Entry],
) -> None:
    print("\nwrong answers of trustdesk (MISS: no target; RANK: target not first; FA: false alarm)")
    for q in queries:
        hits = trust.answers.get(q.qid, [])
        keys = [k for k, _, _ in hits]
        if q.expected and not q.expected.intersection(keys):
            kind = "MISS"
        elif q.expected and keys[0] not in q.expected:
            kind = "RANK"
        elif not q.expected and keys:
            kind = "FA"
        else:
            continue
        top = "-"
        if hits:
            key, value, matched = hits[0]
            top = f"{key} {matched!r} {value:.3f}"
        lv2 = logic.answers.get(q.qid, [])
        lv2_top = f"{lv2[0][0]} {lv2[0][1]:.3f}" if lv2 else "-"
        want = q.expected_name or "nothing"
        if q.expected:
            first = sorted(q.expected)[0]
            want = f"{first} {entries[first].name!r}"
        print(
            f"{kind:4} {q.qid} {q.category:15} {q.name!r} [{q.type or 'any'}/{q.country or '-'}]"
            f"\n       top: {top}\n       want: {want}   logic-v2 top: {lv2_top}"
        )


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument(
        "--threshold", type=float, help=f"trustdesk's threshold (default {DEFAULT_THRESHOLD})"
    )
    parser.add_argument("--home", type=Path, help="use and keep this TRUSTDESK_HOME (empty dir)")
    parser.add_argument("--misses", action="store_true", help="print every wrong answer")
    parser.add_argument(
        "--independent",
        type=Path,
        help="run the independent sets in this directory (ror.csv, people.csv) instead of dev.csv",
    )
    parser.add_argument(
        "--split",
        default="held-out",
        choices=("held-out", "tune", "all"),
        help="which half of the independent sets (figures are reported on held-out)",
    )
    parser.add_argument(
        "--build-from",
        nargs=2,
        type=Path,
        metavar=("ROR_MIRROR", "NAMES_MIRROR"),
        help="first write ror.csv and people.csv into --independent from these git mirrors",
    )
    parser.add_argument(
        "--no-logic-v2", action="store_true", help="independent sets: skip logic-v2"
    )
    parser.add_argument(
        "--show", type=int, default=0, help="independent sets: print N wrong answers"
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SETTING=VALUE",
        help="independent sets: screen with this ScoringConfig setting changed (repeatable), "
        "as the settings of docs/screening.md were compared on the tune half",
    )
    args = parser.parse_args(argv)
    if args.independent is not None:
        independent(args)
        return
    require(
        "screening_eval.py",
        [
            Module("nomenklatura", "OpenSanctions' logic-v2 matcher, the reference compared with"),
            Data(args.shared / "data", "--shared"),
            Data(args.shared / "eval" / "dev.csv", "--shared"),
        ],
    )
    if args.home is not None:
        args.home.mkdir(parents=True, exist_ok=True)
        run(args, args.home.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="trustdesk-eval-") as tmp:
            run(args, Path(tmp))


def independent(args: argparse.Namespace) -> None:
    """The independent sets: build them if asked, import the lists once, screen, compare."""
    from _independent import build_people, build_ror
    from screening_independent import run_independent

    needs = [Data(args.shared / "data", "--shared")]
    if not args.no_logic_v2:
        needs.append(Module("nomenklatura", "OpenSanctions' logic-v2 matcher, compared with"))
    require("screening_eval.py --independent", needs)
    directory: Path = args.independent
    if args.build_from:
        ror_repo, names_repo = args.build_from
        print(f"ror.csv: {build_ror(ror_repo, directory)} records")
        print(f"people.csv: {build_people(names_repo, directory)} names")
    home = (args.home or Path(tempfile.mkdtemp(prefix="trustdesk-eval-"))).resolve()
    home.mkdir(parents=True, exist_ok=True)
    fresh = not (home / "index").exists() and not any(home.glob("*.sqlite3"))
    print(f"code: {_git_state()}   TRUSTDESK_HOME: {home}")
    if fresh:
        print("importing lists through `trustdesk lists import` …")
        import_lists(args.shared, home, echo=False)
    open_home(home)
    entries = current_entries()
    if not entries:
        import_lists(args.shared, home, echo=False)
        entries = current_entries()
    print(f"loaded {len(entries):,} entries")
    threshold = args.threshold if args.threshold is not None else DEFAULT_THRESHOLD
    config = scoring_config(args.set)
    run_independent(
        directory, entries, args.split, threshold, args.show, not args.no_logic_v2, config
    )


def scoring_config(settings: Sequence[str]) -> ScoringConfig:
    """The default ScoringConfig with `SETTING=VALUE` changes, typed as the default is."""
    defaults = ScoringConfig()
    changes: dict[str, Any] = {}
    for setting in settings:
        name, sep, value = setting.partition("=")
        if not sep or not hasattr(defaults, name):
            raise SystemExit(f"--set {setting!r}: expected SETTING=VALUE, a ScoringConfig field")
        changes[name] = type(getattr(defaults, name))(value)
    return replace(defaults, **changes)


def run(args: argparse.Namespace, home: Path) -> None:
    threshold = args.threshold if args.threshold is not None else DEFAULT_THRESHOLD
    print(f"code: {_git_state()}   TRUSTDESK_HOME: {home}")
    print("importing lists through `trustdesk lists import` …")
    import_seconds = import_lists(args.shared, home)
    open_home(home)
    entries = current_entries()
    per_source = Counter(e.source for e in entries.values())
    print(
        f"loaded {len(entries):,} entries in {import_seconds:.1f}s: "
        + ", ".join(f"{s} {n:,}" for s, n in sorted(per_source.items()))
    )

    all_queries = read_dev(args.shared)
    queries, missing, unnamed = check_targets(all_queries, entries)
    n_targets = sum(len(q.expected) for q in all_queries)
    print(
        f"\ndev set: {len(all_queries)} queries, {n_targets} expected targets; "
        f"{len(missing)} target(s) NOT in the loaded lists (data problem, not a matcher miss)"
    )
    for q, target in missing[:12]:
        print(f"  {q.qid} {target}  ({q.expected_name!r})")
    print(
        f"{len(unnamed)} scored quer(ies) were made from a name that none of their loaded targets "
        "lists (a name the loaded files lack; still scored)"
    )
    for q in unnamed[:8]:
        print(
            f"  {q.qid} {q.category}: from {q.base_name!r}; targets {', '.join(sorted(q.expected))}"
        )
    dropped = len(all_queries) - len(queries)
    print(
        f"scored: {len(queries)} queries ({dropped} left out: none of their targets is loaded; "
        "queries with some targets loaded keep those)"
    )

    print(f"\nscreening through `trustdesk screen-file --format jsonl` at {threshold} …")
    trust = run_screen_file(home, queries, args.threshold)

    index, load_s = _timed(lambda: MatchIndex.load(saved_index(home)))
    print(f"index: {len(index):,} entries, {index.name_count:,} listed names, load {load_s:.2f}s")
    # The same search in this process: per-query time without start-up, and a check that the
    # CLI's output is what the library returns.
    start = time.perf_counter()
    direct = {
        q.qid: [h.key for h in index.search(q.query, threshold=threshold, limit=HIT_LIMIT)]
        for q in queries
    }
    search_s = time.perf_counter() - start
    cli_keys = trust.keys()
    differ = [q.qid for q in queries if direct[q.qid] != cli_keys[q.qid]]
    if differ:
        print(f"WARNING: the CLI and MatchIndex.search disagree on {len(differ)}: {differ[:10]}")

    start = time.perf_counter()
    pools = {q.qid: candidates(index, q.query) for q in queries}
    pool_s = time.perf_counter() - start
    pairs_total = sum(len(p) for p in pools.values())
    pos = [q for q in queries if q.expected]
    ceiling = sum(bool(q.expected & {h.key for h in pools[q.qid]}) for q in pos) / len(pos)
    print(
        f"candidates (search at threshold 0): {pairs_total:,} pairs, "
        f"{pairs_total / len(queries):.1f} per query, {pool_s:.2f}s; a target is among them for "
        f"{ceiling:.3f} of the queries with targets (the recall ceiling of both scorers)"
    )

    print("scoring the candidates with nomenklatura logic-v2 …")
    logic, pairs, convert_s = run_logic_v2(queries, pools, entries)
    print("brute-force rapidfuzz WRatio against every listed name …")
    rf_scores, rf_s, rf_names = rapidfuzz_scores(queries, entries)

    sweep: list[tuple[float, int, Scored]] = []
    for cut in range(RF_FLOOR, 101):
        s = score(queries, {k: [h[0] for h in v] for k, v in at_threshold(rf_scores, cut).items()})
        sweep.append((s.overall.f1 or 0.0, cut, s))
    best_f1, best_cut, _ = max(sweep, key=lambda t: (t[0], -t[1]))
    rf_best = System(
        f"rapidfuzz WRatio @{best_cut} F1-best", at_threshold(rf_scores, best_cut), rf_s
    )
    rf_90 = System("rapidfuzz WRatio @90", at_threshold(rf_scores, 90), rf_s)

    systems = [trust, logic, rf_best, rf_90]
    scored = [(s.label, score(queries, s.keys())) for s in systems]
    n = len(queries)
    timing = [
        f"CLI {trust.seconds:.1f}s (incl. start-up and index build); "
        f"in-process {1000 * search_s / n:.2f} ms/query",
        f"{logic.seconds:.1f}s, {1000 * logic.seconds / n:.1f} ms/query, "
        f"{pairs / logic.seconds:,.0f} pairs/s (+ {convert_s:.2f}s FtM conversion)",
        f"{rf_s:.1f}s for {rf_names:,} names, {1000 * rf_s / n:.1f} ms/query",
        "same run as above",
    ]
    print(
        f"\nthreshold: trustdesk {threshold}, logic-v2 {LogicV2.THRESHOLD}; "
        f"at most {HIT_LIMIT} hits per query"
    )
    print(f"{HEADER}  time")
    for (label, s), t in zip(scored, timing, strict=True):
        print(_row(label, s.overall, t))
    ref = REFERENCE
    print(
        f"{'logic-v2 reference (elsewhere)':32}{'':>5}{ref['recall']:>7.3f}{ref['hit@1']:>7.3f}"
        f"{ref['FA']:>7.3f}{'':>7}{'':>8}{ref['F1']:>7.3f}"
    )
    print(
        f"{'rapidfuzz best (elsewhere)':32}{'':>5}{'':>7}{'':>7}{'':>7}{'':>7}{'':>8}"
        f"{RAPIDFUZZ_REFERENCE_F1:>7.3f}"
    )
    lv2 = scored[1][1].overall
    if lv2.f1 is not None and abs(lv2.f1 - REFERENCE["F1"]) > 0.03:
        print(
            f"NOTE: logic-v2 F1 {lv2.f1:.3f} is more than 0.03 from the reference "
            f"{REFERENCE['F1']}: either the FtM conversion (names, aliases, countries) or the "
            f"candidate pools (ceiling {ceiling:.3f}) differ from the reference set-up"
        )
    print(
        f"rapidfuzz sweep: F1-best threshold {best_cut} (F1 {best_f1:.3f}); F1 by threshold: "
        + " ".join(f"{c}:{f:.3f}" for f, c, _ in sweep if c % 5 == 0)
    )

    print_categories(trust.label, scored[0][1])
    print_side_by_side(scored)
    if args.misses:
        print_misses(queries, trust, logic, entries)


if __name__ == "__main__":
    main()
