"""Load benchmark: signed-in users on the main pages (and the API) against gunicorn and PostgreSQL.

    .venv/bin/python benchmarks/load_web.py            # 50 users for 60 s, 2 gunicorn workers

Steps, each as an operator would run it:

1. a fresh PostgreSQL database (`--database`, default `loadbench`, dropped first if it is there:
   the name is the benchmark's own) and a fresh TRUSTDESK_HOME in a temporary directory;
2. `trustdesk migrate`, `collectstatic`, `trustdesk demo --force --json` (the sign-ins);
3. where the JSON API exists, one API token per demo user (`api_token_create --json`);
4. `gunicorn -w 2 trustdesk.web.wsgi:application` on 127.0.0.1 (plain HTTP: TRUSTDESK_HTTPS=0,
   as behind a TLS-terminating proxy on the same host);
5. Locust, headless, with `benchmarks/locustfile.py`: each user signs in through the real form
   (CSRF token and all) as one of the demo users, then walks the pages and the API with 1-3 s of
   think time; the measured minute (`--seconds`) starts once the last user has signed in;
6. p50, p95, p99 (exact, from every request's time) and errors per endpoint and overall, for the
   sign-ins and for the measured minute; then the server is stopped, the database dropped and
   the home removed.

Locust runs from a virtualenv of its own (it pins gevent, Flask and friends that have no place in
trustdesk's): `--locust PATH`, else `locust` next to this interpreter, else one is made once
under ~/.cache/trustdesk/ with `pip install locust==LOCUST_VERSION`.

It needs gunicorn (the `bench` extra: `.venv/bin/pip install -e '.[bench]'`) and a PostgreSQL
server; when either is missing it says so and exits with status 2 before setting anything up.

Correct passwords never count towards django-axes lockouts; a refused sign-in is an error here.
The target (issue): p95 <= 200 ms and no errors. Note the machine's load: the figures are only
as good as the cores the server, PostgreSQL and Locust share.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from _requires import MISSING, Module, Service, require

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
LOCUST_VERSION = "2.47.0"
TARGET_P95_MS = 200.0


@dataclass(frozen=True)
class Sample:
    start: float  # epoch seconds
    method: str
    name: str
    ms: float
    error: str


@dataclass(frozen=True)
class Row:
    name: str
    requests: int
    failures: int
    p50: float
    p95: float
    p99: float
    mean: float
    rps: float


def log(message: str) -> None:
    print(f"[load_web] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# --- database -------------------------------------------------------------------------------


@contextmanager
def fresh_database(server_url: str, name: str) -> Iterator[str]:
    """A new, empty database on the server; dropped afterwards, whatever happened."""
    admin = f"{server_url.rstrip('/')}/postgres"
    ident = sql.Identifier(name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))
    try:
        yield f"{server_url.rstrip('/')}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        log(f"dropped database {name}")


def postgres_problem(server_url: str) -> str | None:
    """Why the server cannot be reached (its first line), or None when it can."""
    try:
        with psycopg.connect(f"{server_url.rstrip('/')}/postgres", connect_timeout=5):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


# --- trustdesk set-up -----------------------------------------------------------------------


def run(cmd: list[str], env: Mapping[str, str], *, quiet: bool = False) -> str:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=dict(env), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}")
    if not quiet:
        took = time.perf_counter() - started
        log(f"{Path(cmd[0]).name} {' '.join(cmd[1:])}: {took:.1f} s")
    return done.stdout


def demo_sign_ins(env: Mapping[str, str]) -> list[dict[str, Any]]:
    out = run([str(BIN / "trustdesk"), "demo", "--force", "--json"], env)
    sign_ins: list[dict[str, Any]] = json.loads(out)["sign_ins"]
    return sign_ins


def api_tokens(env: Mapping[str, str], usernames: list[str]) -> dict[str, str]:
    """One API token per user where the API exists (its command is there); else none."""
    django_admin = [sys.executable, "-m", "django"]
    commands = run([*django_admin, "help", "--commands"], env, quiet=True).split()
    if "api_token_create" not in commands:
        log("no JSON API in this version (no api_token_create command): pages only")
        return {}
    tokens = {}
    for username in usernames:
        cmd = [*django_admin, "api_token_create", username, "--name", "load benchmark", "--json"]
        out = run(cmd, env, quiet=True)
        tokens[username] = json.loads(out.strip().splitlines()[-1])["secret"]
    log(f"API tokens for {len(tokens)} users")
    return tokens


@contextmanager
def gunicorn(env: Mapping[str, str], port: int, workers: int, logfile: Path) -> Iterator[str]:
    url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable,  # `-m`: the gunicorn that `require()` found importable, nothing else
        "-m",
        "gunicorn",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--graceful-timeout",
        "5",
        "trustdesk.web.wsgi:application",
    ]
    log_out = logfile.open("w", encoding="utf-8")
    server = subprocess.Popen(cmd, env=dict(env), stdout=log_out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/accounts/login/", timeout=5) as answer:  # noqa: S310
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not come up:\n{logfile.read_text()}")
            time.sleep(0.3)
        log(f"gunicorn -w {workers} listening on {url} (pid {server.pid})")
        yield url
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log_out.close()
        log("gunicorn stopped")
        errors = logfile.read_text(encoding="utf-8", errors="replace")
        worse = [line for line in errors.splitlines() if "[ERROR]" in line or "Traceback" in line]
        if worse:
            log("server errors:\n" + "\n".join(worse[:20]))


# --- Locust ---------------------------------------------------------------------------------


def locust_command(explicit: str | None) -> str:
    if explicit:
        return explicit
    beside = BIN / "locust"
    if beside.exists():
        return str(beside)
    venv = Path.home() / ".cache" / "trustdesk" / f"locust-{LOCUST_VERSION}"
    if not (venv / "bin" / "locust").exists():
        log(f"installing locust=={LOCUST_VERSION} into {venv} (once)")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "pip"), "install", "--quiet", f"locust=={LOCUST_VERSION}"]
        if subprocess.run(pip, check=False).returncode != 0:
            print(
                f"load_web.py needs locust=={LOCUST_VERSION} (pip could not install it, see "
                f"above): install it with `{venv}/bin/pip install locust=={LOCUST_VERSION}`, "
                "or name a locust executable with --locust PATH",
                file=sys.stderr,
            )
            raise SystemExit(MISSING)
    return str(venv / "bin" / "locust")


def _cpu(top_line: str) -> float:
    fields = top_line.split()
    try:
        return float(fields[8])
    except (IndexError, ValueError):
        return 0.0


class LoadSampler:
    """The machine's load and its busiest processes (top), halfway through the run."""

    def __init__(self, at: float) -> None:
        self.snapshot = ""
        self._timer = threading.Timer(at, self._take)
        self._timer.daemon = True

    def _take(self) -> None:
        # top's second report: CPU use over that one second (ps would give lifetime averages).
        top = subprocess.run(
            ["/usr/bin/top", "-b", "-c", "-n", "2", "-d", "1", "-o", "%CPU", "-w", "150"],
            capture_output=True,
            text=True,
            check=False,
        )
        second = top.stdout.split("\ntop - ")[-1].splitlines()
        busy = [line for line in second[7:] if _cpu(line) >= 1.0][:10]
        self.snapshot = "\n".join(["top - " + second[0], *second[2:3], *second[6:7], *busy])

    def __enter__(self) -> LoadSampler:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def run_locust(
    locust: str, host: str, users_file: Path, out: Path, *, users: int, rate: float, seconds: int
) -> Path:
    samples = out / "samples.json"
    env = {
        **os.environ,
        "TRUSTDESK_LOAD_USERS": str(users_file),
        "TRUSTDESK_LOAD_SECONDS": str(seconds),
        "TRUSTDESK_LOAD_SAMPLES": str(samples),
    }
    # The locustfile stops the run `seconds` after the last user signed in; this is a backstop.
    cap = seconds + math.ceil(users / rate) + 120
    cmd = [
        locust,
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        host,
        "--users",
        str(users),
        "--spawn-rate",
        str(rate),
        "--run-time",
        f"{cap}s",
        "--stop-timeout",
        "10",
        "--csv",
        str(out / "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    log(f"locust: {users} users (started {rate}/s), {seconds} s once all signed in, on {host}")
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    (out / "locust.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    if not samples.exists():
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"locust failed ({done.returncode})")
    return samples


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of already sorted values (p in 0-100)."""
    if not ordered:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summarise(name: str, samples: list[Sample], seconds: float) -> Row:
    times = sorted(s.ms for s in samples)
    return Row(
        name=name,
        requests=len(samples),
        failures=sum(1 for s in samples if s.error),
        p50=percentile(times, 50),
        p95=percentile(times, 95),
        p99=percentile(times, 99),
        mean=sum(times) / len(times) if times else float("nan"),
        rps=len(samples) / seconds if seconds else float("nan"),
    )


def table(title: str, samples: list[Sample], seconds: float) -> Row:
    by_name: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_name[f"{sample.method} {sample.name}"].append(sample)
    rows = [summarise(name, group, seconds) for name, group in sorted(by_name.items())]
    overall = summarise("overall", samples, seconds)
    width = max(len(r.name) for r in [*rows, overall])
    print(f"\n{title}")
    print(
        f"  {'endpoint'.ljust(width)}  {'reqs':>6} {'errors':>6} {'req/s':>6} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'mean ms':>8}"
    )
    for r in [*rows, overall]:
        print(
            f"  {r.name.ljust(width)}  {r.requests:>6} {r.failures:>6} {r.rps:>6.1f} "
            f"{r.p50:>7.0f} {r.p95:>7.0f} {r.p99:>7.0f} {r.mean:>8.1f}"
        )
    return overall


def report(samples_file: Path, users: int, seconds: int) -> bool:
    data = json.loads(samples_file.read_text(encoding="utf-8"))
    samples = [Sample(*row) for row in data["samples"]]
    start, end = data["window_start"], data["window_end"]
    if start is None or end is None:
        print(f"\nonly {data['signed_in']} of {users} users signed in: no measured window")
        window: list[Sample] = []
    else:
        window = [s for s in samples if start <= s.start < end]
        before = [s for s in samples if s.start < start]
        table(
            f"while the {users} users arrive and sign in ({start - samples[0].start:.1f} s)",
            before,
            start - samples[0].start,
        )
    errors: dict[str, int] = defaultdict(int)
    for sample in samples:
        if sample.error:
            errors[f"{sample.method} {sample.name}: {sample.error}"] += 1
    met = False
    if window:
        length = end - start
        overall = table(f"{users} signed-in users browsing for {length:.1f} s", window, length)
        met = overall.p95 <= TARGET_P95_MS and not errors
        print(
            f"\nmeasured window: p50 {overall.p50:.0f} ms, p95 {overall.p95:.0f} ms, "
            f"p99 {overall.p99:.0f} ms over {overall.requests} requests ({overall.rps:.1f}/s); "
            f"errors in the whole run: {sum(errors.values())}"
            f" -> target (p95 <= {TARGET_P95_MS:.0f} ms, no errors) {'MET' if met else 'NOT MET'}"
        )
    for line, count in sorted(errors.items()):
        print(f"  error x{count}: {line}")
    return met


# --- main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="users started per second")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TRUSTDESK_LOAD_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="the PostgreSQL server (no database name)",
    )
    parser.add_argument("--database", default="loadbench", help="created and dropped by the run")
    parser.add_argument("--locust", help="the locust executable (default: see the docstring)")
    parser.add_argument("--out", type=Path, help="keep Locust's CSV files and log here")
    args = parser.parse_args(argv)
    require(
        "load_web.py",
        [
            Module("gunicorn", "the multi-process WSGI server the pages are measured behind"),
            Service(
                f"a PostgreSQL server at {args.postgres}",
                lambda: postgres_problem(args.postgres),
                "start one, or name another with --postgres or TRUSTDESK_LOAD_POSTGRES",
            ),
        ],
    )

    locust = locust_command(args.locust)
    home = Path(tempfile.mkdtemp(prefix="trustdesk-load-"))
    out = args.out or home / "results"
    out.mkdir(parents=True, exist_ok=True)
    log(f"{os.cpu_count()} CPUs; load average before: {os.getloadavg()}")
    try:
        with fresh_database(args.postgres, args.database) as database_url:
            env = {
                key: value
                for key, value in os.environ.items()
                if not key.startswith("TRUSTDESK_") and key != "DJANGO_SETTINGS_MODULE"
            }
            env.update(
                TRUSTDESK_DATABASE_URL=database_url,
                TRUSTDESK_SECRET_KEY=secrets.token_urlsafe(48),
                TRUSTDESK_HOME=str(home),
                TRUSTDESK_HTTPS="0",
                DJANGO_SETTINGS_MODULE="trustdesk.web.settings",
            )
            run([str(BIN / "trustdesk"), "migrate"], env)
            run([sys.executable, "-m", "django", "collectstatic", "--noinput"], env)
            sign_ins = demo_sign_ins(env)
            tokens = api_tokens(env, [s["username"] for s in sign_ins])
            accounts = [
                {"username": s["username"], "password": s["password"], "role": s["role"]}
                | ({"token": tokens[s["username"]]} if s["username"] in tokens else {})
                for s in sign_ins
            ]
            roles = sorted({a["role"] for a in accounts})
            log(f"demo loaded: {len(accounts)} sign-ins ({', '.join(roles)})")
            users_file = home / "users.json"
            users_file.write_text(json.dumps(accounts), encoding="utf-8")
            with (
                gunicorn(env, free_port(), args.workers, out / "gunicorn.log") as host,
                LoadSampler(args.seconds / 2) as sampler,
            ):
                samples = run_locust(
                    locust,
                    host,
                    users_file,
                    out,
                    users=args.users,
                    rate=args.spawn_rate,
                    seconds=args.seconds,
                )
            log(f"during the run: {sampler.snapshot}")
        met = report(samples, args.users, args.seconds)
    finally:
        if args.out is None:
            shutil.rmtree(home, ignore_errors=True)
        else:
            shutil.rmtree(home / "static", ignore_errors=True)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
