"""How fast the officer's desk, the engagement list and a large case page answer, at scale.

5,000 engagements and 20,000 hits; the list with each of its filters.

Run on demand (not part of the test suite), against a PostgreSQL database of your own:

    .venv/bin/python benchmarks/desk.py --database-url postgres://postgres@127.0.0.1:5432/desk_bench

The database is migrated, then seeded once (an empty database only; a database already seeded to
the volume is reused, anything else is refused rather than touched).

In bulk (the services would take hours at this volume): 5,000 engagements across the statuses,
2,500 screened organisations with 20,000 hits between them (one partner each), a completed triage
with a tier for four engagements in five (the engagement's stored tier set as the triage service
sets it), the audit trail's submissions and decisions for a few hundred, three mitigation items
for each of 2,000 engagements, and 1,000 risk assessments cloned from the one the service made.

Through the services, as an officer and a researcher would: the case the case page is measured
on, with 10 partner institutions of 4 hits each (the organisations and their screening in bulk,
the partner links through the service), a triage completed under the pack, submitted, in review,
some hits adjudicated, a risk assessment run, the pack's mitigations proposed and two added, and
questions asked.

Each page is requested in-process through Django's test client as an officer, after a warm-up;
p50/p95 in milliseconds and the SQL statements per request are printed, with the load average
before and after and a baseline (the signed-in account page) to compare noisy runs by ratio.
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
MITIGATED = 2_000  # engagements given three mitigation items each
ASSESSED = 1_000  # engagements given a (cloned) risk assessment
CASE_TITLE = "Benchmark case page: joint campaign with ten institutions"
CASE_PARTNERS, CASE_HITS_EACH = 10, 4
BASELINE = "baseline: account page"
LIST_FILTERS = {
    "engagement list": "",
    "  status=in_review": "status=in_review",
    "  kind=research_collaboration": "kind=research_collaboration",
    "  department": "department={department}",
    "  q=engagement 42": "q=engagement+42",
    "  assignee=me": "assignee=me",
    "  assignee=none": "assignee=none",
    "  screening=open": "screening=open",
    "  screening=confirmed": "screening=confirmed",
    "  screening=clear": "screening=clear",
    "  tier=enhanced": "tier=enhanced",
    "  tier=none": "tier=none",
    "  age=30": "age=30",
    "  page 50": "page=50",
}
# The answers the UK base pack asks beyond what the engagement prefills (as the demo gives them).
CASE_ANSWERS = {
    "partner_kind": "university",
    "research_areas": ["aerospace-engineering"],
    "transfer_abroad": True,
    "military_end_use": "unsure",
    "partner_military_links": True,
    "personal_data": "none",
    "human_participants": False,
    "publication_restrictions": False,
    "ip_transfer": False,
    "payment_to_partner": False,
    "goods_rating": "no-goods",
    "publication_status": "unpublished",
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
    from django.db import transaction
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
        triaged = [(e, rng.choice(tiers)) for e in engagements if rng.random() < 0.8]
        TriageSession.objects.bulk_create(
            (
                TriageSession(
                    owner=e.owner,
                    engagement=e,
                    status=TriageSession.Status.COMPLETED,
                    pack_id="gb-base",
                    pack_version="bench",
                    pack_digest="0" * 64,
                    outcome={"tier": {"id": tier, "label": "", "reasons": []}},
                    completed_by=e.owner,
                    completed_at=now,
                )
                for e, tier in triaged
            ),
            batch_size=2000,
        )
        # The stored tier, as the triage service's `engagement_tier_sync` keeps it.
        for e, tier in triaged:
            e.triage_tier = tier
        Engagement.objects.bulk_update([e for e, _ in triaged], ["triage_tier"], batch_size=1000)
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


def seed_volume_extras(rng: random.Random, case: int) -> None:
    """Mitigation items and risk assessments in bulk, the assessments cloned from the case's own."""
    from django.utils import timezone

    from trustdesk.web.accounts.models import User
    from trustdesk.web.assessments.models import AreaRating, RiskAssessment
    from trustdesk.web.cases.models import Engagement
    from trustdesk.web.mitigations.models import MitigationItem
    from trustdesk.web.triage.models import TriageSession

    officer = User.objects.get(username="bench-officer")
    today = timezone.localdate()
    others = list(Engagement.objects.exclude(pk=case).order_by("pk").select_related("owner"))
    MitigationItem.objects.bulk_create(
        (
            MitigationItem(
                engagement=e,
                title=f"Mitigation {j} of {e.pk}",
                area=rng.choice(["partner", "funding", "knowledge", "people"]),
                source=MitigationItem.Source.OFFICER,
                owner=e.owner,
                due_date=today + timedelta(days=rng.randint(-30, 120)),
                status=rng.choice(list(MitigationItem.Status)),
                status_note="benchmark",  # a waived item must say why
                created_by=officer,
                updated_by=officer,
            )
            for e in others[:MITIGATED]
            for j in range(3)
        ),
        batch_size=2000,
    )
    model = RiskAssessment.objects.filter(engagement_id=case).order_by("-pk").first()
    if model is None:  # the pack gave no assessment: nothing to clone
        return
    areas = list(model.areas.all())
    sessions = dict(
        TriageSession.objects.filter(engagement__in=others[-ASSESSED:]).values_list(
            "engagement_id", "pk"
        )
    )
    clones = [
        RiskAssessment(
            engagement=e,
            triage_session_id=sessions[e.pk],
            pack_id=model.pack_id,
            pack_version=model.pack_version,
            pack_digest=model.pack_digest,
            result=model.result,
            facts=model.facts,
            screenings=[],
            state=model.state,
            run_by=officer,
        )
        for e in others[-ASSESSED:]
        if e.pk in sessions
    ]
    RiskAssessment.objects.bulk_create(clones, batch_size=1000)
    AreaRating.objects.bulk_create(
        (
            AreaRating(
                assessment=clone,
                area=a.area,
                label=a.label,
                position=a.position,
                computed=a.computed,
                chosen=a.chosen,
            )
            for clone in clones
            for a in areas
        ),
        batch_size=2000,
    )


def seed_case() -> int:
    """The case the case page is measured on, built through the services; its primary key."""
    from django.utils import timezone

    from trustdesk.web.accounts.models import Department, User
    from trustdesk.web.assessments import services as assessment_services
    from trustdesk.web.cases import services as case_services
    from trustdesk.web.mitigations import services as mitigation_services
    from trustdesk.web.partners.models import Organisation, ScreeningHit, ScreeningRun
    from trustdesk.web.partners.services import screening as screening_services
    from trustdesk.web.triage import services as triage_services

    now = timezone.now()
    officer = User.objects.get(username="bench-officer")
    researcher = User.objects.filter(role=User.Role.RESEARCHER).order_by("pk").first()
    assert researcher is not None  # seeded above
    colleague = User.objects.filter(role=User.Role.RESEARCHER).order_by("pk")[1]
    engagement = case_services.engagement_create(
        actor=researcher,
        fields=case_services.EngagementFields(
            title=CASE_TITLE,
            kind="research_collaboration",
            summary="Shared wind-tunnel measurements with ten institutions.",
            department=Department.objects.get(name="Physics"),
            countries=["CN"],
            research_areas=["Hypersonics", "Aerodynamics"],
            team=[colleague],
        ),
    )
    orgs = Organisation.objects.bulk_create(
        Organisation(
            name=f"Case Partner Institute {i}",
            kind="university",
            owner=officer,
            search_text=f"case partner institute {i}",
        )
        for i in range(CASE_PARTNERS)
    )
    runs = ScreeningRun.objects.bulk_create(
        ScreeningRun(
            organisation=o,
            status=ScreeningRun.Status.COMPLETED,
            trigger=ScreeningRun.Trigger.CREATED,
            requested_by="benchmark",
            completed_at=now,
        )
        for o in orgs
    )
    ScreeningHit.objects.bulk_create(
        ScreeningHit(
            run=run,
            source=f"custom:bench-{j % 2}",
            entry_id=f"case-{run.pk}-{j}",
            entry_name=f"Listed institute {j}",
            matched_name=f"Listed institute {j}",
            query_name=f"Case Partner Institute {i}",
            score=0.9,
            explanation="benchmark",
        )
        for i, run in enumerate(runs)
        for j in range(CASE_HITS_EACH)
    )
    for org in orgs:
        case_services.engagement_partner_add(
            actor=researcher,
            engagement=engagement,
            partner=org,
            role="partner_institution",
            note="",
        )
    session = triage_services.triage_start(actor=researcher, engagement=engagement)
    session = triage_services.triage_answers_save(
        actor=researcher, session=session, answers=CASE_ANSWERS, questions=list(CASE_ANSWERS)
    )
    triage_services.triage_complete(actor=researcher, session=session)
    engagement = case_services.engagement_submit(actor=researcher, engagement=engagement)
    engagement = case_services.engagement_review_start(actor=officer, engagement=engagement)
    for hit in ScreeningHit.objects.filter(run__in=runs).order_by("pk")[:CASE_PARTNERS]:
        screening_services.hit_adjudicate(
            actor=officer, hit=hit, verdict="false_positive", reason="A different institution."
        )
    assessment_services.assessment_run(actor=officer, engagement=engagement)
    mitigation_services.mitigation_propose(actor=officer, engagement=engagement)
    for title in ("Export-control classification of the shared data", "Visitor vetting"):
        mitigation_services.mitigation_add(
            actor=officer,
            engagement=engagement,
            fields=mitigation_services.ItemFields(title, due_date=(now - timedelta(days=3)).date()),
        )
    case_services.information_request(
        actor=officer,
        engagement=engagement,
        questions=["Who funds the partners' tunnels?", "Which data leaves the UK?"],
    )
    return engagement.pk


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min, {os.cpu_count()} CPUs)"


def measure(path: str, repeat: int) -> tuple[float, float, int]:
    """p50 and p95 in milliseconds, and the SQL statements one request runs."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from trustdesk.web.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench-officer"))
    for _ in range(3):  # warm-up: caches, the pack, connections
        assert client.get(path).status_code == 200
    reset_queries()  # a request resets the log as it starts: counted from an empty log
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    queries = len(captured.captured_queries)  # now: the next request empties the log it reads
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    p95 = statistics.quantiles(times, n=20)[-1]
    return statistics.median(times), p95, queries


def pages() -> dict[str, str]:
    from trustdesk.web.accounts.models import Department
    from trustdesk.web.cases.models import Engagement

    case = Engagement.objects.get(title=CASE_TITLE)
    department = Department.objects.get(name="Physics").public_id
    listed = {
        label: "/engagements/" + (f"?{query.format(department=department)}" if query else "")
        for label, query in LIST_FILTERS.items()
    }
    return {
        BASELINE: "/accounts/me/",
        "officer desk (/)": "/",
        **listed,
        "case page (10 partners, 40 hits)": case.get_absolute_url(),
    }


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
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="TEXT",
        help="measure only the pages whose label contains TEXT (repeatable; the baseline always)",
    )
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
    from django.db import connection, transaction

    from trustdesk.web.cases.models import Engagement

    existing = Engagement.objects.count()
    if existing == 0:
        started = time.perf_counter()
        rng = random.Random(args.seed)  # noqa: S311  # seeded test data, not secrets
        with transaction.atomic():  # all or nothing: a failed seed leaves an empty database
            seed(rng)
            seed_volume_extras(rng, seed_case())
        with connection.cursor() as cursor:
            # Planner statistics, as autovacuum would gather soon after a load this size.
            cursor.execute("ANALYZE")
        print(f"seeded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    elif existing < ENGAGEMENTS:
        print(
            f"desk.py: {args.database_url} holds {existing} engagements; give an empty database",
            file=sys.stderr,
        )
        return MISSING
    print(f"load average before: {load()}")
    baseline = 0.0
    for label, path in pages().items():
        if args.only and label != BASELINE and not any(t in label for t in args.only):
            continue
        p50, p95, queries = measure(path, args.repeat)
        baseline = baseline or p50
        print(
            f"{label:36} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   {queries:3} queries"
            f"   p50 {p50 / baseline:4.1f}× baseline"
        )
    print(f"load average after:  {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
