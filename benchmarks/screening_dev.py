"""Screening quality and speed on the dev evaluation set, against the real published lists.

    .venv/bin/python benchmarks/screening_dev.py [--shared ../shared] [--threshold 0.7] [--misses]

Parses the list files under ../shared/data with trustdesk's own parsers, adds the shipped
research-security lists, builds the match index, saves and reloads it, and runs every query of
../shared/eval/dev.csv. Definitions (per query, at the threshold):

- recall: share of queries with expected targets where at least one target is among the hits;
- hit@1: share of those where the first hit is a target;
- false-alarm rate: share of queries that must match nothing and returned a hit;
- alert precision: share of all returned hits that are targets;
- F1: harmonic mean of alert precision and recall.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from _requires import Data, require
from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.lists import SHIPPED
from trustdesk.screening.matching import DEFAULT_THRESHOLD, MatchIndex, Query
from trustdesk.screening.parsers import ParseLimits, ParseReport, detect

# One current snapshot per source, as `trustdesk lists import` would load them.
LIST_FILES: tuple[tuple[str, ...], ...] = (
    # OFAC publishes aliases in alt.csv; the only one here is the 2021 set's, read with the
    # 2024 sdn.csv as one snapshot (as benchmarks/_common.py does; delisted rows are skipped).
    ("ofac-sdn-csv/2024-05-03/sdn.csv", "ofac-sdn-csv-set-2021/alt.csv"),
    tuple(f"ofac-consolidated/cons_{r}.csv" for r in ("prim", "add", "alt", "comments")),
    ("un-sc/UN_consolidated.xml",),
    ("ofsi-conlist/ConList.xlsx",),
    ("uk-sanctions-list/uk-sanctions-list.xml",),
    ("eu-fsf/fsf.xml",),
    ("us-csl-samples/consolidated.csv",),
    ("us-csl-samples/csl.csv",),
    ("bis-dpl/dpl.txt",),
    ("opensanctions-ftm-sample/entities.ftm.json",),
)


def _parse(paths: list[Path]) -> Iterator[Entry]:
    for fs in detect(paths):
        yield from fs.format().parse(
            fs.files, source=fs.source, report=ParseReport(), limits=ParseLimits()
        )


def load_entries(data: Path) -> list[Entry]:
    seen: dict[str, Entry] = {}
    for group in LIST_FILES:
        for entry in _parse([data / name for name in group]):
            seen.setdefault(entry.key, entry)
    for shipped in SHIPPED:
        with shipped.as_path() as path:
            for entry in _parse([path]):
                seen.setdefault(entry.key, entry)
    return list(seen.values())


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared"
    )
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--misses", action="store_true", help="print every wrong answer")
    args = parser.parse_args()
    require(
        "screening_dev.py",
        [
            Data(args.shared / "data", "--shared"),
            Data(args.shared / "eval" / "dev.csv", "--shared"),
        ],
    )

    t0 = time.perf_counter()
    entries = load_entries(args.shared / "data")
    t1 = time.perf_counter()
    built = MatchIndex.build(entries)
    t2 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "index.pickle"
        built.save(path)
        size = path.stat().st_size
        t3 = time.perf_counter()
        index = MatchIndex.load(path)
        t4 = time.perf_counter()
    print(f"entries {len(entries):,}  listed names {index.name_count:,}  file {size / 1e6:.1f} MB")
    print(f"parse {t1 - t0:.2f}s  build {t2 - t1:.2f}s  load {t4 - t3:.3f}s")

    with (args.shared / "eval" / "dev.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    latencies: list[float] = []
    stats: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in rows:
        query = Query(
            row["query"],
            type=EntityType(row["type"]) if row["type"] else None,
            country=row["country"] or None,
        )
        start = time.perf_counter()
        hits = index.search(query, threshold=args.threshold)
        latencies.append(time.perf_counter() - start)
        expected = {t for t in row["expected"].split("|") if t}
        keys = [h.key for h in hits]
        for bucket in ("all", row["category"]):
            s = stats[bucket]
            s["n"] += 1
            s["hits"] += len(keys)
            s["correct_hits"] += sum(1 for k in keys if k in expected)
            if expected:
                s["pos"] += 1
                s["found"] += bool(expected & set(keys))
                s["top1"] += bool(keys) and keys[0] in expected
            else:
                s["neg"] += 1
                s["alarms"] += bool(keys)
        wrong = (expected and (not keys or keys[0] not in expected)) or (not expected and keys)
        if args.misses and wrong:
            top = f"{hits[0].key} {hits[0].matched_name!r} {hits[0].score}" if hits else "-"
            print(
                f"MISS {row['qid']} {row['category']:15} {row['query']!r} -> {top}"
                f"   want {row['expected_name']!r}"
            )

    print(
        f"\n{'category':16}{'n':>5}{'recall':>8}{'hit@1':>8}{'FA':>7}{'prec':>7}{'hits/q':>8}{'F1':>7}"
    )
    for bucket in ["all", *sorted(k for k in stats if k != "all")]:
        s = stats[bucket]
        recall = s["found"] / s["pos"] if s["pos"] else float("nan")
        top1 = s["top1"] / s["pos"] if s["pos"] else float("nan")
        fa = s["alarms"] / s["neg"] if s["neg"] else float("nan")
        prec = s["correct_hits"] / s["hits"] if s["hits"] else float("nan")
        f1 = 2 * prec * recall / (prec + recall) if s["pos"] and s["hits"] else float("nan")
        print(
            f"{bucket:16}{int(s['n']):5}{recall:8.3f}{top1:8.3f}{fa:7.3f}{prec:7.3f}"
            f"{s['hits'] / s['n']:8.2f}{f1:7.3f}"
        )

    # Speed: the whole set again, warm, on one core.
    start = time.perf_counter()
    rounds = 3
    for _ in range(rounds):
        for row in rows:
            index.search(Query(row["query"], type=EntityType(row["type"]) if row["type"] else None))
    elapsed = time.perf_counter() - start
    ms = [x * 1000 for x in latencies]
    print(
        f"\nlatency p50 {statistics.median(ms):.2f} ms  p99 {_pct(ms, 0.99):.2f} ms  "
        f"max {max(ms):.2f} ms  (first pass)"
    )
    print(f"throughput {rounds * len(rows) / elapsed:,.0f} queries/s on one core")


if __name__ == "__main__":
    main()
