"""How fast ongoing monitoring re-screens the partners on file when a list changes, at scale.

100,000 organisations and 200,000 people on file (synthetic names, built from common words and
the commonest given and family names of many countries, with the names the day's change adds
among them), and the OFAC SDN list of 1 May 2024. Then:

- one day's change (the real files of 1 and 2 May 2024: 7 entries added), imported as `trustdesk
  lists import` would, on the embedded default (everything in this one process: one core): the
  delta re-screen's time, from the import's commit to the re-screen's completion, including the
  build of the reverse index over the partners;
- the next day's change (2 to 3 May: 8 entries removed): marking the removed entries' hits;
- a full re-screen of every partner (a matcher change) through 2 `trustdesk worker` processes on
  Redis, with the time per 100,000 partners.

Run on demand (not part of the test suite), against a PostgreSQL database of your own (emptied
first: every table is dropped) and, for the full re-screen, Redis:

    .venv/bin/python benchmarks/monitoring.py \
        --database-url postgres://postgres@127.0.0.1:5432/monitoring_bench --scale 0.1

`--scale` multiplies the partner counts (0.1: 10,000 organisations and 20,000 people) for a
first figure on a busy machine; `--no-full` skips the full re-screen. `--preview` first stages the
1-to-2 May change and times its impact preview (then discards it, so the delta that follows
makes the stored snapshot current instead of parsing the file again). The load average is
printed before and after, since the figures mean little without it.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _requires import Data, Service, require

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the test factories make the benchmark's user
SHARED = ROOT.parent / "shared" / "data" / "ofac-sdn-csv"
DAYS = [SHARED / day / "sdn.csv" for day in ("2024-05-01", "2024-05-02", "2024-05-03")]
ORGANISATIONS, PEOPLE = 100_000, 200_000
REDIS = "redis://127.0.0.1:6379/14"

PLACES = [
    "Northern",
    "Shenyang",
    "Harbin",
    "Wuhan",
    "Nanjing",
    "Tianjin",
    "Chengdu",
    "Xian",
    "Dalian",
    "Qingdao",
    "Tehran",
    "Isfahan",
    "Shiraz",
    "Tabriz",
    "Mashhad",
    "Moscow",
    "Novosibirsk",
    "Kazan",
    "Tomsk",
    "Samara",
    "Perm",
    "Minsk",
    "Pyongyang",
    "Damascus",
    "Aleppo",
    "Baghdad",
    "Basra",
    "Beirut",
    "Caracas",
    "Havana",
    "Lagos",
    "Nairobi",
    "Cairo",
    "Karachi",
    "Lahore",
    "Dhaka",
    "Hanoi",
    "Jakarta",
    "Manila",
    "Bangkok",
    "Delhi",
    "Mumbai",
    "Chennai",
    "Ankara",
    "Izmir",
    "Almaty",
    "Tashkent",
    "Baku",
    "Yerevan",
    "Kyiv",
    "Lyon",
    "Lille",
    "Munich",
    "Hamburg",
    "Turin",
    "Milan",
    "Porto",
    "Seville",
    "Krakow",
    "Gdansk",
    "Leeds",
    "Glasgow",
    "Toronto",
    "Osaka",
]
FIELDS = [
    "Aerospace",
    "Aviation",
    "Petroleum",
    "Chemical",
    "Nuclear",
    "Electronics",
    "Optics",
    "Materials",
    "Shipbuilding",
    "Machinery",
    "Telecommunications",
    "Software",
    "Robotics",
    "Energy",
    "Mining",
    "Steel",
    "Automotive",
    "Textile",
    "Pharmaceutical",
    "Biotechnology",
    "Agricultural",
    "Medical",
    "Engineering",
    "Physics",
    "Mathematics",
    "Computing",
    "Maritime",
    "Railway",
    "Construction",
    "Polytechnic",
    "Technological",
    "Commercial",
    "Financial",
    "Logistics",
]
KINDS = (
    "University",
    "Institute of Technology",
    "Research Institute",
    "Academy of Sciences",
    "Co., Ltd.",
    "Group Corporation",
    "Trading LLC",
    "GmbH",
    "Industrial Company",
    "Design Bureau",
    "Holding JSC",
    "Laboratory",
)
GIVEN = [
    "Mohammed",
    "Ahmed",
    "Ali",
    "Hassan",
    "Hussein",
    "Omar",
    "Yusuf",
    "Ibrahim",
    "Khalid",
    "Mahmoud",
    "Mustafa",
    "Karim",
    "Reza",
    "Mehdi",
    "Hossein",
    "Ali-Reza",
    "Amir",
    "Javad",
    "Wei",
    "Jing",
    "Li",
    "Min",
    "Hui",
    "Yan",
    "Jun",
    "Lei",
    "Xin",
    "Hao",
    "Ivan",
    "Sergei",
    "Dmitri",
    "Alexei",
    "Vladimir",
    "Nikolai",
    "Olga",
    "Elena",
    "Anna",
    "Tatiana",
    "Maria",
    "Natalia",
    "Jin-Ho",
    "Min-Jun",
    "Seo-Yeon",
    "Ji-Woo",
    "Hyun",
    "James",
    "John",
    "Robert",
    "Michael",
    "David",
    "William",
    "Sarah",
    "Emma",
    "Laura",
    "Sophie",
    "Pierre",
    "Jean",
    "Hans",
    "Klaus",
    "Giulia",
    "Marco",
    "Javier",
    "Carlos",
    "Ana",
    "Lucia",
    "Raj",
    "Priya",
    "Amit",
    "Sunita",
    "Arjun",
    "Nguyen",
    "Thanh",
    "Emeka",
    "Chinedu",
    "Aisha",
    "Fatima",
    "Zainab",
    "Layla",
    "Noor",
    "Farid",
    "Tariq",
    "Bilal",
    "Samir",
    "Rami",
    "Nadia",
]
FAMILY = [
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Huang",
    "Zhao",
    "Wu",
    "Zhou",
    "Xu",
    "Sun",
    "Ma",
    "Zhu",
    "Hu",
    "Guo",
    "He",
    "Lin",
    "Kim",
    "Lee",
    "Park",
    "Choi",
    "Jung",
    "Kang",
    "Cho",
    "Yoon",
    "Ivanov",
    "Smirnov",
    "Kuznetsov",
    "Popov",
    "Vasiliev",
    "Petrov",
    "Sokolov",
    "Mikhailov",
    "Novikov",
    "Fedorov",
    "Mohammadi",
    "Hosseini",
    "Ahmadi",
    "Rezaei",
    "Moradi",
    "Karimi",
    "Jafari",
    "Rahimi",
    "Hashemi",
    "Al-Sayed",
    "Al-Hassan",
    "Haddad",
    "Khoury",
    "Nasser",
    "Saleh",
    "Mansour",
    "Aziz",
    "Rahman",
    "Khan",
    "Hussain",
    "Ahmed",
    "Sharma",
    "Patel",
    "Singh",
    "Kumar",
    "Gupta",
    "Nguyen",
    "Tran",
    "Le",
    "Pham",
    "Smith",
    "Jones",
    "Brown",
    "Taylor",
    "Wilson",
    "Evans",
    "Muller",
    "Schmidt",
    "Schneider",
    "Rossi",
    "Russo",
    "Garcia",
    "Martinez",
    "Lopez",
    "Dubois",
    "Martin",
    "Bernard",
    "Okafor",
]


def load() -> str:
    with open("/proc/loadavg", encoding="ascii") as f:
        return " ".join(f.read().split()[:3])


def configure(url: str, home: Path) -> None:
    os.environ.update(
        TRUSTDESK_DATABASE_URL=url,
        TRUSTDESK_SECRET_KEY="benchmark-only-" + "x" * 40,
        TRUSTDESK_ALLOWED_HOSTS="testserver",
        TRUSTDESK_HOME=str(home),
        TRUSTDESK_HTTPS="0",
        DJANGO_SETTINGS_MODULE="trustdesk.web.settings",
    )
    os.environ.pop("TRUSTDESK_REDIS_URL", None)  # the delta runs on the embedded default
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:  # an empty database, every run
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)


def added_names(old: Path, new: Path) -> list[tuple[str, bool]]:
    """The names the day's change adds, as people write them (given name first); person or not."""

    def rows(path: Path) -> dict[str, list[str]]:
        with path.open(encoding="latin-1") as f:
            return {r[0]: r for r in csv.reader(f) if r and r[0].strip().isdigit()}

    before, after = rows(old), rows(new)
    names = []
    for key in sorted(after.keys() - before.keys()):
        name, person = after[key][1], after[key][2].strip() == "individual"
        if person and ", " in name:
            family, given = name.split(", ", 1)
            name = f"{given} {family.title()}"
        names.append((name, person))
    return names


def seed(organisations: int, people: int, planted: list[tuple[str, bool]]) -> None:
    """Bulk inserts (the services would take hours at this volume); no screening runs yet."""
    from django.db import transaction
    from tests import factories

    from trustdesk.web.accounts.models import User
    from trustdesk.web.partners.models import Organisation, Person

    rng = random.Random(1)  # noqa: S311  # seeded test data, not secrets
    owner = factories.make_user("bench", User.Role.OFFICER)
    orgs = [
        Organisation(
            name=(
                f"{rng.choice(PLACES)} {rng.choice(FIELDS)} {rng.choice(KINDS)}"
                if i % 2
                else f"{rng.choice(FAMILY)} {rng.choice(FIELDS)} {rng.choice(KINDS)}"
            ),
            kind="company",
            owner=owner,
        )
        for i in range(organisations)
    ]
    persons = [
        Person(
            name=(
                f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
                if i % 3
                else f"{rng.choice(GIVEN)} {rng.choice(GIVEN)} {rng.choice(FAMILY)}"
            ),
            owner=owner,
        )
        for i in range(people)
    ]
    for name, person in planted:  # partners the day's change lists
        if person:
            persons.append(Person(name=name, owner=owner))
        else:
            orgs.append(Organisation(name=name.title(), kind="company", owner=owner))
    with transaction.atomic():
        Organisation.objects.bulk_create(orgs, batch_size=5000)
        Person.objects.bulk_create(persons, batch_size=5000)


def import_day(path: Path) -> float:
    from trustdesk.web.lists.services import list_snapshot_import

    started = time.perf_counter()
    list_snapshot_import(paths=[path], source="ofac-sdn", actor="cli:benchmark")
    return time.perf_counter() - started


def delta(path: Path) -> None:
    """Import the next day's file; the re-screen runs in this process after the commit."""
    from trustdesk.web.watch import subjects
    from trustdesk.web.watch.models import Rescreen

    subjects._cached.clear()  # cold: the reverse index is built in the timing
    for saved in (subjects.index_dir() / "partners").glob("*.idx"):
        saved.unlink()  # cold on disk too
    cpu = time.process_time()
    seconds = import_day(path)
    cpu = time.process_time() - cpu
    rescreen = Rescreen.objects.filter(kind="delta").order_by("-pk")[0]
    assert rescreen.completed_at is not None, rescreen.error
    span = (rescreen.completed_at - rescreen.created_at).total_seconds()
    gained = sum(1 for o in rescreen.outcomes.all() if o.gained)
    delisted = sum(len(o.delisted) for o in rescreen.outcomes.all())
    print(
        f"{path.parent.name}: +{rescreen.added} ~{rescreen.changed} -{rescreen.removed} entries; "
        f"import and re-screen {seconds:.1f} s, {cpu:.1f} s of CPU (re-screen alone {span:.1f} s); "
        f"{rescreen.subjects_screened} partners given a new screening, {gained} gaining hits, "
        f"{delisted} hits marked removed; load {load()}"
    )


def preview(path: Path) -> None:
    """Stage the next day's file and time its impact preview, then discard it.

    The preview runs in this process after the staging commits (the embedded default), cold
    like the delta: the reverse index is built in the timing, and so is the index of the lists
    as they would be. The same file imported next (`delta`) finds the discarded snapshot and
    makes it current, so the two results can be compared.
    """
    from trustdesk.web.accounts.models import User
    from trustdesk.web.lists import staging
    from trustdesk.web.lists.models import Staging
    from trustdesk.web.lists.services import list_snapshot_import
    from trustdesk.web.watch import subjects
    from trustdesk.web.watch.models import StagedImpact
    from trustdesk.web.watch.staged import ImpactData

    subjects._cached.clear()
    for saved in (subjects.index_dir() / "partners").glob("*.idx"):
        saved.unlink()
    started, cpu = time.perf_counter(), time.process_time()
    [outcome] = list_snapshot_import(
        paths=[path], source="ofac-sdn", actor="cli:benchmark", stage=True
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    impact = StagedImpact.objects.get(staging__public_id=outcome.staged)
    assert impact.completed_at is not None, impact.error
    data = ImpactData.from_dict(impact.data)
    gaining = sum(1 for p in data.partners if p.gained)
    print(
        f"{path.parent.name} staged: +{data.added} ~{data.changed} -{data.removed} entries; "
        f"import and preview {seconds:.1f} s, {cpu:.1f} s of CPU (preview alone "
        f"{(impact.completed_at - impact.started_at).total_seconds():.1f} s); {data.examined} "
        f"partners screened, {gaining} would gain hits; load {load()}"
    )
    staging.staged_snapshot_discard(
        staging=Staging.objects.get(public_id=outcome.staged),
        actor=User.objects.get(username="bench"),
    )


def index_build() -> None:
    from trustdesk.web.watch import subjects

    subjects._cached.clear()  # measured alone: built, then loaded as another worker would
    for saved in (subjects.index_dir() / "partners").glob("*.idx"):
        saved.unlink()
    started, cpu = time.perf_counter(), time.process_time()
    index = subjects.subject_index()
    built, cpu = time.perf_counter() - started, time.process_time() - cpu
    subjects._cached.clear()
    started = time.perf_counter()
    subjects.subject_index()
    print(
        f"reverse index of {len(index):,} partners: built in {built:.1f} s ({cpu:.1f} s of CPU), "
        f"loaded from disk in {time.perf_counter() - started:.1f} s"
    )


def full(home: Path, url: str, workers: int, total: int) -> None:
    """A full re-screen through `workers` worker processes on Redis."""
    from django.conf import settings

    from trustdesk.web.watch import services
    from trustdesk.web.watch.models import Rescreen

    prefix = f"bench-{os.getpid()}:"
    settings.TRUSTDESK_TASKS = replace(settings.TRUSTDESK_TASKS, redis_url=REDIS, key_prefix=prefix)
    env = {
        **os.environ,
        "TRUSTDESK_REDIS_URL": REDIS,
        "TRUSTDESK_TASK_KEY_PREFIX": prefix,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    }
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "trustdesk.web.worker", "--concurrency=1"],
            env=env,
            stdout=(home / f"worker-{n}.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for n in range(workers)
    ]
    try:
        time.sleep(5)  # the workers connect and load the match index on their first task
        started = time.perf_counter()
        rescreen = services.rescreen_full(actor="cli:benchmark")
        while True:
            rescreen.refresh_from_db()
            if rescreen.status != Rescreen.Status.RUNNING:
                break
            time.sleep(2)
        seconds = time.perf_counter() - started
        print(
            f"full re-screen ({rescreen.status}) of {total:,} partners with {workers} workers: "
            f"{seconds:.0f} s, {seconds * 100_000 / total:.0f} s per 100,000; load {load()}"
        )
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/monitoring_bench",
        help="a PostgreSQL database of your own: every table in it is dropped first",
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-full", action="store_true", help="skip the full re-screen")
    parser.add_argument(
        "--preview", action="store_true", help="stage the first change and time its preview"
    )
    args = parser.parse_args(argv)
    from desk import postgres_problem

    require(
        "monitoring.py",
        [
            Service(
                f"a PostgreSQL database at {args.database_url}",
                lambda: postgres_problem(args.database_url),
                "create one, or name another with --database-url",
            ),
            *[Data(p, "(the real OFAC files; see the shared data's README)") for p in DAYS],
        ],
    )
    home = Path(tempfile.mkdtemp(prefix="trustdesk-monitoring-bench-"))
    print(f"load before: {load()}")
    configure(args.database_url, home)
    organisations, people = int(ORGANISATIONS * args.scale), int(PEOPLE * args.scale)
    print(f"import of {DAYS[0].parent.name}: {import_day(DAYS[0]):.1f} s (no partners yet)")
    started = time.perf_counter()
    seed(organisations, people, added_names(DAYS[0], DAYS[1]))
    print(
        f"seeded {organisations:,} organisations and {people:,} people "
        f"in {time.perf_counter() - started:.1f} s"
    )
    if args.preview:
        preview(DAYS[1])
    delta(DAYS[1])
    delta(DAYS[2])
    index_build()
    if not args.no_full:
        full(home, args.database_url, args.workers, organisations + people)
    print(f"load after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
