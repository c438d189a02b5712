"""How fast the officer's desk and the engagement list answer, at 5,000 engagements and 20,000 hits.

Run on demand (not part of the test suite), against a PostgreSQL database of your own:

    .venv/bin/python benchmarks/desk.py --database-url postgres://postgres@127.0.0.1:5432/desk_bench

The database is migrated, then seeded once (an empty database only; a database already seeded to
the volume is reused, anything else is refused rather than touched): 5,000 engagements across the
statuses, 2,500 screened organisations with 20,000 hits between them (one partner each), a
completed triage with a tier for four engagements in five, and the audit trail's submissions and
decisions for a few hundred. Then each page is requested in-process through Django's test client
as an officer, after a warm-up, and p50/p95 are printed in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _requires import MISSING, Service, require

ENGAGEMENTS = 5_000
ORGANISATIONS = 2_500
HITS = 20_000
AUDITED = 300  # engagements given real submission and decision events on the audit trail
PAGES = {
    "officer desk (/)": "/",
    "engagement list": "/engagements/",
    "engagement list, open hits": "/engagements/?screening=open",
}


def postgres_problem(url: str) -> str | None:
    """Why the database cannot be reached (its first line), or None when it can."""
    import psycopg  # a [dev] dependency; imported only once asked

    try:
        with psycopg.connect(url, connect_timeout=5):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def configure(url: str) -> None:
    os.environ.update(
        TRUSTDESK_DATABASE_URL=url,
        TRUSTDESK_SECRET_KEY="benchmark-only-" + "x" * 40,
        TRUSTDESK_ALLOWED_HOSTS="testserver",
        TRUSTDESK_HOME=tempfile.mkdtemp(prefix="trustdesk-desk-bench-"),
        TRUSTDESK_HTTPS="0",
        DJANGO_SETTINGS_MODULE="trustdesk.web.settings",
    )
    import django  # after the environment above is set

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # As a deployment does: the pages link their static files through the collected manifest.
    call_command("collectstatic", interactive=False, verbosity=0)


def seed(rng: random.Random) -> None:
    """Bulk inserts for volume; the audit events through `audit.record`, which keeps the chain."""
    from django.db import connection, transaction
    from django.utils import timezone

    from trustdesk.web.accounts.models import Department, User
    from trustdesk.web.cases.models import Engagement, EngagementPartner
    from trustdesk.web.core import audit
    from trustdesk.web.partners.models import (
        Organisation,
        ScreeningHit,
        ScreeningRun,
    )
    from trustdesk.web.triage.models import TriageSession

    now = timezone.now()
    dept = Department.objects.create(name="Physics")
    officer = User.objects.create(username="bench-officer", role=User.Role.OFFICER)
    researchers = [
        User(username=f"bench-r{i}", role=User.Role.RESEARCHER, department=dept) for i in range(100)
    ]
    User.objects.bulk_create(researchers)
    researchers = list(User.objects.filter(role=User.Role.RESEARCHER))
    statuses = list(Engagement.Status)
    with transaction.atomic():
        engagements = [
            Engagement(
                title=f"Benchmark engagement {i}",
                kind=Engagement.Kind.RESEARCH_COLLABORATION,
                owner=rng.choice(researchers),
                department=dept,
                status=rng.choice(statuses),
                escalated=rng.random() < 0.1,
                assignee=officer if rng.random() < 0.3 else None,
                review_date=(now + timedelta(days=rng.randint(-60, 300))).date(),
            )
            for i in range(ENGAGEMENTS)
        ]
        Engagement.objects.bulk_create(engagements, batch_size=1000)
        engagements = list(Engagement.objects.order_by("pk"))
        orgs = [
            Organisation(
                name=f"Benchmark Institute {i}",
                kind="university",
                owner=officer,
                search_text=f"benchmark institute {i}",
            )
            for i in range(ORGANISATIONS)
        ]
        Organisation.objects.bulk_create(orgs, batch_size=1000)
        orgs = list(Organisation.objects.order_by("pk"))
        runs = [
            ScreeningRun(
                organisation=o,
                status=ScreeningRun.Status.COMPLETED,
                trigger=ScreeningRun.Trigger.CREATED,
                requested_by="benchmark",
                completed_at=now,
            )
            for o in orgs
        ]
        ScreeningRun.objects.bulk_create(runs, batch_size=1000)
        runs = list(ScreeningRun.objects.order_by("pk"))
        verdicts = ["unresolved", "confirmed", "false_positive", "needs_information"]
        per_run = HITS // len(runs)
        ScreeningHit.objects.bulk_create(
            (
                ScreeningHit(
                    run=run,
                    source="custom:bench",
                    entry_id=f"{run.pk}-{j}",
                    entry_name="Listed",
                    matched_name="Listed",
                    query_name="Listed",
                    score=0.9,
                    explanation="benchmark",
                    verdict=rng.choice(verdicts),
                )
                for run in runs
                for j in range(per_run)
            ),
            batch_size=2000,
        )
        EngagementPartner.objects.bulk_create(
            (
                EngagementPartner(engagement=e, organisation=orgs[i % len(orgs)], role="host")
                for i, e in enumerate(engagements)
            ),
            batch_size=2000,
        )
        tiers = ["standard", "enhanced", "escalated"]
        TriageSession.objects.bulk_create(
            (
                TriageSession(
                    owner=e.owner,
                    engagement=e,
                    status=TriageSession.Status.COMPLETED,
                    pack_id="gb-base",
                    pack_version="bench",
                    pack_digest="0" * 64,
                    outcome={"tier": {"id": rng.choice(tiers), "label": "", "reasons": []}},
                    completed_by=e.owner,
                    completed_at=now,
                )
                for e in engagements
                if rng.random() < 0.8
            ),
            batch_size=2000,
        )
        for e in engagements[:AUDITED]:
            audit.record(
                actor=e.owner,
                action="trustdesk.engagement.submitted",
                target=e,
                data={"old": "draft", "new": "submitted"},
            )
    decided = [e for e in engagements[:AUDITED] if e.status == Engagement.Status.DECIDED]
    Engagement.objects.filter(pk__in=[e.pk for e in decided]).update(
        decided_at=now + timedelta(days=rng.randint(1, 60)), decision="approve"
    )
    with connection.cursor() as cursor:
        # Planner statistics, as autovacuum would gather soon after a load this size.
        cursor.execute("ANALYZE")


def measure(path: str, repeat: int) -> tuple[float, float]:
    from django.test import Client

    from trustdesk.web.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench-officer"))
    for _ in range(3):  # warm-up: caches, the pack, connections
        assert client.get(path).status_code == 200
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    p95 = statistics.quantiles(times, n=20)[-1]
    return statistics.median(times), p95


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "TRUSTDESK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/desk_bench"
        ),
        help="a PostgreSQL database of your own: migrated and seeded once, then reused",
    )
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    require(
        "desk.py",
        [
            Service(
                f"a PostgreSQL database at {args.database_url}",
                lambda: postgres_problem(args.database_url),
                "create one, or name another with --database-url",
            )
        ],
    )
    configure(args.database_url)
    from trustdesk.web.cases.models import Engagement

    existing = Engagement.objects.count()
    if existing == 0:
        started = time.perf_counter()
        seed(random.Random(args.seed))  # noqa: S311  # seeded test data, not secrets
        print(f"seeded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    elif existing < ENGAGEMENTS:
        print(
            f"desk.py: {args.database_url} holds {existing} engagements; give an empty database",
            file=sys.stderr,
        )
        return MISSING
    for label, path in PAGES.items():
        p50, p95 = measure(path, args.repeat)
        print(f"{label:32} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
