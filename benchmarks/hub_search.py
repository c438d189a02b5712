"""Guidance-hub search on 5,000 pages: p50/p95/p99 of a search, on SQLite FTS5 or PostgreSQL.

    .venv/bin/python benchmarks/hub_search.py                       # embedded SQLite (FTS5)
    .venv/bin/python benchmarks/hub_search.py --postgres postgres://postgres@127.0.0.1:5432

Steps: a fresh TRUSTDESK_HOME (and, with --postgres, a fresh database `--database`, default
`hubbench`, dropped first and after); `migrate`; 5,000 guidance pages of generated prose
(2-6 paragraphs each, a research-security vocabulary among 4,000 filler words drawn with
Zipf weights, as real prose uses words) written straight into the page
and search tables with bulk inserts, as the indexing triggers and the GIN index see any insert
(the services would add an audit event per page, which is not what is measured); the policy
pack's processes and mitigations indexed by `search_pack_sync`; then `--queries` searches of one
to three words, each timed from the call to the ranked, highlighted, escaped results (what the
search page renders), after 20 unmeasured warm-up searches. Prints the corpus, the database,
p50, p95, p99 and the mean hits per query.

The target (issue 16): fast on 5,000 pages, p95 well under 100 ms on the embedded default.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from _common import percentile
from _requires import Service, require

VOCABULARY = [
    "export",
    "control",
    "licence",
    "technology",
    "software",
    "dual-use",
    "quantum",
    "sensing",
    "gravimeter",
    "laser",
    "partner",
    "university",
    "funding",
    "gift",
    "donation",
    "sanctions",
    "designation",
    "screening",
    "visitor",
    "host",
    "laboratory",
    "containment",
    "travel",
    "laptop",
    "device",
    "encryption",
    "data",
    "protection",
    "agreement",
    "consent",
    "ethics",
    "committee",
    "approval",
    "due",
    "diligence",
    "risk",
    "assessment",
    "mitigation",
    "condition",
    "review",
    "academic",
    "freedom",
    "reputation",
    "campus",
    "people",
    "partnership",
    "intellectual",
    "property",
    "patent",
    "publication",
    "embargo",
    "collaboration",
    "contract",
    "studentship",
    "scholarship",
    "visa",
    "certificate",
    "atas",
    "nsi",
    "acquisition",
    "semiconductor",
    "battery",
    "robotics",
    "artificial",
    "intelligence",
    "satellite",
    "communications",
    "cryptography",
    "biology",
    "vaccine",
    "pathogen",
    "materials",
    "nuclear",
    "aerospace",
    "defence",
]


def postgres_problem(server_url: str) -> str | None:
    import psycopg  # the [dev] install has it; only asked for with --postgres

    try:
        with psycopg.connect(f"{server_url.rstrip('/')}/postgres", connect_timeout=5):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


@contextmanager
def fresh_database(server_url: str, name: str) -> Iterator[str]:
    import psycopg
    from psycopg import sql

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


def lexicon(rng: random.Random) -> tuple[list[str], list[float]]:
    """The domain words spread among 4,000 filler words, drawn with Zipf weights (1/rank).

    Real prose uses a few words often and most words rarely; a corpus drawn evenly from a
    hundred words would put every query word on nearly every page, the worst case for ranking.
    """
    filler = [f"w{n:04d}" for n in range(4000)]
    words = filler + VOCABULARY
    rng.shuffle(words)
    # Cumulative weights, so each draw is a bisection rather than a sum over 4,000 words.
    return words, list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))


def sentence(rng: random.Random, words: list[str], weights: list[float]) -> str:
    words = rng.choices(words, cum_weights=weights, k=rng.randint(8, 18))
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def page_text(rng: random.Random, words: list[str], weights: list[float]) -> str:
    paragraphs = [
        " ".join(sentence(rng, words, weights) for _ in range(rng.randint(3, 6)))
        for _ in range(rng.randint(2, 6))
    ]
    return "\n\n".join(paragraphs)


def build(pages: int, rng: random.Random) -> float:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from trustdesk.web.accounts.models import User
    from trustdesk.web.hub import markup, services
    from trustdesk.web.hub.models import GuidancePage, SearchDocument
    from trustdesk.web.reference.selectors import active_pack

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    owner = User.objects.create(username="bench-officer", role=User.Role.OFFICER)
    review_by = timezone.localdate()
    words, weights = lexicon(rng)
    with transaction.atomic():
        rows = [
            GuidancePage(
                slug=f"page-{i}",
                title=" ".join(rng.choices(VOCABULARY, k=rng.randint(2, 5))).capitalize(),
                body=page_text(rng, words, weights),
                owner=owner,
                review_by=review_by,
            )
            for i in range(pages)
        ]
        made = GuidancePage.objects.bulk_create(rows, batch_size=500)
        docs = [
            SearchDocument(
                kind=SearchDocument.Kind.PAGE,
                key=str(p.public_id),
                title=p.title,
                body=markup.plain_text(p.body),
                url=f"/guidance/pages/{p.public_id}/",
            )
            for p in made
        ]
        SearchDocument.objects.bulk_create(docs, batch_size=500)
    services.search_pack_sync(pack=active_pack())
    return time.perf_counter() - started


def measure(queries: int, rng: random.Random) -> tuple[list[float], list[int]]:
    from trustdesk.web.hub import search

    asked = [" ".join(rng.sample(VOCABULARY, rng.randint(1, 3))) for _ in range(queries + 20)]
    for q in asked[:20]:
        search.search(q)
    times, hits = [], []
    for q in asked[20:]:
        started = time.perf_counter()
        found = search.search(q)
        times.append((time.perf_counter() - started) * 1000)
        hits.append(len(found))
    return times, hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (without a database)")
    parser.add_argument("--database", default="hubbench")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    if args.postgres:
        require(
            "hub_search.py",
            [
                Service(
                    f"a PostgreSQL server at {args.postgres}",
                    lambda: postgres_problem(args.postgres),
                    "start one, or name another with --postgres",
                )
            ],
        )
    rng = random.Random(args.seed)  # noqa: S311  # a reproducible corpus, not a secret
    with tempfile.TemporaryDirectory(prefix="hubbench-") as home:
        database = (
            fresh_database(args.postgres, args.database) if args.postgres else nullcontext(None)
        )
        with database as url:
            os.environ["TRUSTDESK_HOME"] = str(Path(home))
            os.environ["DJANGO_SETTINGS_MODULE"] = "trustdesk.web.settings"
            os.environ["TRUSTDESK_POLICY_PACK"] = "gb-base"
            if url:
                os.environ["TRUSTDESK_DATABASE_URL"] = url
                # Production settings want a key; this run's own, thrown away with the database.
                os.environ["TRUSTDESK_SECRET_KEY"] = secrets.token_urlsafe(48)
            else:
                os.environ.pop("TRUSTDESK_DATABASE_URL", None)
            import django

            django.setup()
            from django.db import connection

            built = build(args.pages, rng)
            times, hits = measure(args.queries, rng)
            vendor = connection.vendor
            connection.close()
    print(f"hub search: {args.pages} pages on {vendor} (built in {built:.1f} s)")
    print(
        f"{args.queries} queries of research-security terms, 1-3 words: "
        f"p50 {percentile(times, 0.50):.2f} ms, "
        f"p95 {percentile(times, 0.95):.2f} ms, p99 {percentile(times, 0.99):.2f} ms, "
        f"mean {statistics.fmean(times):.2f} ms; {statistics.fmean(hits):.1f} hits per query "
        "(at most 20)"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
