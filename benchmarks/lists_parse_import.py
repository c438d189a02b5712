"""Parse and import timings for every real list file: entries per second and peak memory.

Run on demand (never by the test suite):

    .venv/bin/python benchmarks/lists_parse_import.py [--shared ../shared] [--repeat 3]
        [--postgres postgres://postgres@127.0.0.1:5432/test]

Each measurement runs in a fresh child process so that peak memory (ru_maxrss) is that file's
alone and imports start from an empty database. Parse time excludes interpreter start-up; import
time covers hashing, parsing, storing and switching the snapshot in one transaction.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _requires import Data, require

ROOT = Path(__file__).resolve().parents[1]

SETS: list[tuple[str, list[str]]] = [
    ("ofac-sdn sdn.csv 2024-05-03", ["data/ofac-sdn-csv/2024-05-03/sdn.csv"]),
    (
        "ofac-sdn 2021 set (sdn+add+alt+comments)",
        [
            "data/ofac-sdn-csv-set-2021/sdn.csv",
            "data/ofac-sdn-csv-set-2021/add.csv",
            "data/ofac-sdn-csv-set-2021/alt.csv",
            "data/ofac-sdn-csv-set-2021/sdn_comments.csv",
        ],
    ),
    (
        "ofac-cons csv set",
        [
            "data/ofac-consolidated/cons_prim.csv",
            "data/ofac-consolidated/cons_add.csv",
            "data/ofac-consolidated/cons_alt.csv",
            "data/ofac-consolidated/cons_comments.csv",
        ],
    ),
    ("ofac-cons ofac.xml", ["data/ofac-consolidated/ofac.xml"]),
    ("un-sc xml", ["data/un-sc/UN_consolidated.xml"]),
    ("uk-sanctions xml (excerpt)", ["data/uk-sanctions-list/uk-sanctions-list.xml"]),
    ("ofsi-conlist xlsx", ["data/ofsi-conlist/ConList.xlsx"]),
    ("eu-fsf xml (excerpt)", ["data/eu-fsf/fsf.xml"]),
    ("us-csl consolidated.csv", ["data/us-csl-samples/consolidated.csv"]),
    ("us-csl csl.csv (old layout)", ["data/us-csl-samples/csl.csv"]),
    ("bis-dpl dpl.txt", ["data/bis-dpl/dpl.txt"]),
    ("opensanctions entities.ftm.json", ["data/opensanctions-ftm-sample/entities.ftm.json"]),
    ("opensanctions targets.simple.csv", ["data/opensanctions-ftm-sample/targets.simple.csv"]),
]

PARSE_CHILD = """
import json, resource, sys, time
from pathlib import Path
from trustdesk.screening.parsers import all_formats, detect, ParseLimits, ParseReport
all_formats()  # module imports are start-up cost, not parse time
paths = [Path(p) for p in sys.argv[1:]]
start = time.perf_counter()
total = 0
for fs in detect(paths):
    report = ParseReport()
    for _ in fs.format().parse(fs.files, source=fs.source, report=report, limits=ParseLimits()):
        total += 1
seconds = time.perf_counter() - start
print(json.dumps({"entries": total, "seconds": seconds,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

IMPORT_CHILD = """
import json, os, resource, sys, time
from pathlib import Path
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "trustdesk.web.settings"
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from trustdesk.web.lists.services import list_snapshot_import
from trustdesk.screening.parsers import all_formats
all_formats()
paths = [Path(p) for p in sys.argv[1:]]
start = time.perf_counter()
outcomes = list_snapshot_import(paths=paths, actor="benchmark")
seconds = time.perf_counter() - start
print(json.dumps({"entries": sum(o.snapshot.total for o in outcomes), "seconds": seconds,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def _child(code: str, paths: list[Path], env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *map(str, paths)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _postgres_env(url: str, base: dict[str, str]) -> dict[str, str]:
    return dict(base, TRUSTDESK_DATABASE_URL=url, TRUSTDESK_SECRET_KEY="benchmark")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", help="also time imports on this PostgreSQL (it is wiped)")
    args = parser.parse_args()
    require("lists_parse_import.py", [Data(args.shared / "data", "--shared")])

    print(
        f"{'list file':44} {'entries':>8} {'parse s':>8} {'ent/s':>9} {'MiB':>6} "
        f"{'import s':>9} {'ent/s':>8} {'MiB':>6}" + ("  pg import s" if args.postgres else "")
    )
    for label, rels in SETS:
        paths = [args.shared / r for r in rels]
        if not all(p.exists() for p in paths):
            print(
                f"{label:44} skipped: {', '.join(str(p) for p in paths if not p.exists())} missing"
            )
            continue
        parses, imports, pg = [], [], []
        for _ in range(args.repeat):
            parses.append(_child(PARSE_CHILD, paths, dict(os.environ)))
            with tempfile.TemporaryDirectory() as home:
                env = dict(os.environ, TRUSTDESK_HOME=home)
                env.pop("TRUSTDESK_DATABASE_URL", None)
                imports.append(_child(IMPORT_CHILD, paths, env))
            if args.postgres:
                _reset_postgres(args.postgres)
                pg.append(
                    _child(IMPORT_CHILD, paths, _postgres_env(args.postgres, dict(os.environ)))
                )
        p_s = statistics.median(r["seconds"] for r in parses)
        i_s = statistics.median(r["seconds"] for r in imports)
        n = parses[0]["entries"]
        line = (
            f"{label:44} {n:>8,} {p_s:>8.3f} {n / p_s:>9,.0f} "
            f"{max(r['maxrss_kb'] for r in parses) / 1024:>6.0f} {i_s:>9.3f} {n / i_s:>8,.0f} "
            f"{max(r['maxrss_kb'] for r in imports) / 1024:>6.0f}"
        )
        if pg:
            line += f"  {statistics.median(r['seconds'] for r in pg):>11.3f}"
        print(line, flush=True)
    print(
        f"\nmedians of {args.repeat} runs; MiB = peak resident memory of the child process "
        "(includes the interpreter, ~30 MiB for parse, ~60 MiB with Django)"
    )


def _reset_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


if __name__ == "__main__":
    main()
