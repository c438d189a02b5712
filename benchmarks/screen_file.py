"""`trustdesk screen-file` on a large file: rows per second and memory, 1 worker against N.

Run on demand (never by the test suite):

    .venv/bin/python benchmarks/screen_file.py [--shared ../shared] [--rows 1000000]
        [--workers 1,2] [--keep DIR]

Why it is built this way:

- The index is the real one: the shared lists are imported through `trustdesk lists import`
  into a fresh TRUSTDESK_HOME and indexed by the CLI (`_common.import_lists`, `saved_index`), so
  what is measured is what an operator's `screen-file` runs against.
- The input is synthetic but realistic: organisation and person names from the seeded generator
  of `screening_speed.py` (places, distinctive and generic words, legal forms in several
  languages; given and family names across cultures), a fifth of them typed with a typo or in
  another word order, with a type and a country as a partner file has them. It is written once
  and read by every run.
- Each run is the CLI itself in a child process (`trustdesk screen-file IN -o OUT --workers N`),
  timed from start to the output file's rename, index loading included. Its processes are
  sampled every 0.2 s from /proc: peak RSS (`VmHWM`) per process, and the largest proportional
  set size (`Pss`, shared pages divided among the processes that share them), because forked
  workers share the parent's index and RSS counts those shared pages in every process.
- The runs' outputs must be identical byte for byte (their sha256 is compared), so a speed-up
  cannot come from screening less.
- The machine's load average is printed before and after each run: on a shared machine the
  wall-clock figures are only comparable to others taken at a similar load. The CPU time of
  every process of the run (user plus system, from /proc) is summed too: rows per CPU-second
  says what the work costs whatever else the machine is doing, so 2 workers on 2 idle cores
  give about twice the 1-worker rows/s when that figure holds.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from _common import DEFAULT_SHARED, TRUSTDESK, child_env, import_lists, saved_index
from _requires import Data, require
from screening_speed import Generator, perturb

SEED = 20261206
SAMPLE_EVERY = 0.2  # seconds between /proc samples


def load() -> str:
    """The 1, 5 and 15 minute load averages, as `uptime` shows them."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def write_rows(path: Path, rows: int) -> None:
    """`rows` partner-file rows (id, name, type, country), streamed from the generator."""
    gen = Generator(SEED, set())
    rng = random.Random(SEED + 1)  # noqa: S311 - reproducible test data, not secrets
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "name", "type", "country"])
        for i, entry in enumerate(gen.entries(rows)):
            name = rng.choice(entry.all_names())
            if rng.random() < 0.2:
                name, _ = perturb(name, rng)
            kind = "organization" if entry.type.value == "organization" else "person"
            out.writerow([f"r{i}", name, kind, entry.countries[0] if rng.random() < 0.7 else ""])


def _status(pid: int) -> tuple[int, int] | None:
    """(ppid, VmHWM in KiB) of a live process, else None."""
    try:
        text = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
    hwm = fields.get("VmHWM", "0 kB").split()[0]
    return int(fields["PPid"]), int(hwm)


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time a live process has used so far (from /proc/PID/stat)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return 0.0
    fields = text.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pss(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="ascii")
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


@dataclass
class Sampled:
    """Per process (by pid): the largest VmHWM and Pss seen, in KiB, and the CPU time used."""

    hwm: dict[int, int] = field(default_factory=dict)
    pss: dict[int, int] = field(default_factory=dict)
    cpu: dict[int, float] = field(default_factory=dict)

    def sample(self, root: int) -> None:
        tree = {root}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and (found := _status(int(entry.name))) and found[0] in tree:
                tree.add(int(entry.name))
        for pid in tree:
            found = _status(pid)
            if found is None:
                continue
            self.hwm[pid] = max(self.hwm.get(pid, 0), found[1])
            self.pss[pid] = max(self.pss.get(pid, 0), _pss(pid))
            self.cpu[pid] = max(self.cpu.get(pid, 0.0), _cpu_seconds(pid))


@dataclass(frozen=True)
class Run:
    workers: int
    seconds: float
    rows_per_s: float
    cpu_seconds: float  # every process of the run, as last sampled
    digest: str
    parent_hwm_mib: float
    worker_hwm_mib: tuple[float, ...]
    parent_pss_mib: float
    worker_pss_mib: tuple[float, ...]


def run(home: Path, rows_csv: Path, rows: int, workers: int, out_dir: Path) -> Run:
    """One `trustdesk screen-file` run, sampled while it lasts."""
    out = out_dir / f"hits-{workers}.csv"
    cmd = [str(TRUSTDESK), "screen-file", str(rows_csv), "-o", str(out), "--workers", str(workers)]
    sampled = Sampled()
    start = time.perf_counter()
    child = subprocess.Popen(
        cmd, env=child_env(home), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    while child.poll() is None:
        sampled.sample(child.pid)
        time.sleep(SAMPLE_EVERY)
    seconds = time.perf_counter() - start
    stderr = child.stderr.read() if child.stderr else ""
    if child.returncode != 0:
        sys.exit(f"screen-file --workers {workers} failed ({child.returncode}):\n{stderr}")
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    workers_seen = [pid for pid in sampled.hwm if pid != child.pid]
    return Run(
        workers,
        seconds,
        rows / seconds,
        sum(sampled.cpu.values()),
        digest,
        sampled.hwm.get(child.pid, 0) / 1024,
        tuple(sampled.hwm[p] / 1024 for p in workers_seen),
        sampled.pss.get(child.pid, 0) / 1024,
        tuple(sampled.pss[p] / 1024 for p in workers_seen),
    )


def _mib(values: tuple[float, ...]) -> str:
    return ", ".join(f"{v:,.0f}" for v in values) or "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--keep", type=Path, help="work here and keep the files (default: temp)")
    args = parser.parse_args()
    require("screen_file.py", [Data(args.shared / "data", "--shared")])
    counts = [int(w) for w in args.workers.split(",") if w.strip()]
    with tempfile.TemporaryDirectory(prefix="trustdesk-screenfile-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        home, rows_csv = work / "home", work / "rows.csv"
        if not (home / "index").exists():
            print(f"importing the shared lists into {home} …")
            import_lists(args.shared, home)
        print(f"index: {saved_index(home).stat().st_size / 1048576:,.0f} MiB on disk")
        started = time.perf_counter()
        write_rows(rows_csv, args.rows)
        print(f"{args.rows:,} rows written in {time.perf_counter() - started:.0f} s")
        results = []
        for workers in counts:
            print(f"--workers {workers}: before, {load()}")
            results.append(result := run(home, rows_csv, args.rows, workers, work))
            print(f"--workers {workers}: {result.seconds:.0f} s; after, {load()}")
    print()
    print(
        "workers  seconds   rows/s   CPU s  rows/CPU-s   parent RSS/PSS MiB   "
        "workers' peak RSS MiB   PSS MiB"
    )
    for r in results:
        print(
            f"{r.workers:>7}  {r.seconds:>7.0f}  {r.rows_per_s:>7,.0f}  {r.cpu_seconds:>6.0f}  "
            f"{args.rows / r.cpu_seconds:>10,.0f}   "
            f"{r.parent_hwm_mib:>6,.0f} / {r.parent_pss_mib:<6,.0f}      "
            f"{_mib(r.worker_hwm_mib):<22}  {_mib(r.worker_pss_mib)}"
        )
    same = len({r.digest for r in results}) == 1
    print(f"outputs identical: {'yes' if same else 'NO'} (sha256 {results[0].digest[:16]}…)")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
