"""The impact preview of a new policy pack over thousands of open cases: time and memory.

Run on demand (never by the test suite):

    .venv/bin/python benchmarks/pack_impact.py [--home DIR] [--cases 5000]

Why it is built this way:

- The cases are real triages: `trustdesk demo` (run into a fresh TRUSTDESK_HOME unless --home
  names one that has it) triages its engagements through the services under gb-base. Their
  engagements and latest sessions are then copied with `bulk_create` until there are --cases
  open cases, inside a transaction rolled back at the end, so the home is left as it was.
- The candidate is an institution pack extending gb-base that lowers a threshold, adds a rule
  raising contract research of GBP 100,000 or more to senior approval and asks one new
  question, so a share of the cases changes tier or gains a question, as a real new version would.
- What is timed is `impact_compute`, what the preview task and `trustdesk policy preview` run:
  one streamed query for the sessions, then the engine over each case under both packs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from _common import TRUSTDESK, child_env, open_home, peak_rss_mib
from _requires import require


@dataclass(frozen=True)
class Home:
    """A TRUSTDESK_HOME named with --home, which must exist (the demo loaded into it)."""

    path: Path

    def missing(self) -> str | None:
        if self.path.is_dir():
            return None
        return f"{self.path} (a TRUSTDESK_HOME with the demo loaded; or leave out --home)"


CANDIDATE = b"""
id: bench-institution
urn: urn:trustdesk:policy:bench-institution
version: "2027.1"
publication_date: 2027-01-04
publisher: Benchmark University
jurisdiction: GB
title: Benchmark institution pack
extends: gb-base
thresholds:
  funding_review_gbp: 10000
questions:
  - id: bench_lab_access
    kind: yes_no
    label: Laboratory access
    text: Will anyone from the partner work in or visit University laboratories?
    help: Visitors to laboratories need approval first.
    ask_when: {answer: engagement_kind, contains: research-collaboration}
rules:
  - id: bench-large-contract
    when:
      all:
        - {answer: engagement_kind, contains: contract-research}
        - {answer: funding_amount, gte: 100000}
    then:
      tier: senior-approval
    reason: Contract research of GBP 100,000 or more needs the senior approver.
"""


class Rollback(Exception):
    """Raised to leave the copies out of the home."""


def _copies(wanted: int) -> int:
    """Copy the open engagements and their latest triage until there are `wanted` of them."""
    from trustdesk.web.cases.models import Engagement
    from trustdesk.web.packs.impact import CLOSED
    from trustdesk.web.triage.models import TriageSession

    latest: dict[int, TriageSession] = {}
    for session in (
        TriageSession.objects.filter(status="completed", engagement__isnull=False)
        .exclude(engagement__status__in=CLOSED)
        .order_by("engagement_id", "-completed_at")
    ):
        latest.setdefault(session.engagement_id or 0, session)
    originals = list(latest.values())
    if not originals:
        sys.exit("the home has no triaged open engagements: run `trustdesk demo` into it")
    made = len(originals)
    while made < wanted:
        batch = originals[: min(len(originals), wanted - made)]
        engagements = [Engagement.objects.get(pk=s.engagement_id) for s in batch]
        for number, copy in enumerate(engagements, start=made):
            copy.pk, copy.public_id = None, uuid.uuid4()
            copy.title = f"{copy.title} (copy {number})"
        Engagement.objects.bulk_create(engagements)
        for session, engagement in zip(batch, engagements, strict=True):
            session.pk, session.public_id, session.engagement = None, uuid.uuid4(), engagement
        TriageSession.objects.bulk_create(batch)
        made += len(batch)
    return made


def measure(cases: int) -> None:
    from django.db import transaction

    from trustdesk.policy import registry
    from trustdesk.web.packs.impact import impact_compute
    from trustdesk.web.triage.selectors import pack

    try:
        with transaction.atomic():
            started = time.perf_counter()
            total = _copies(cases)
            print(
                f"{total:,} open cases with a triage "
                f"({time.perf_counter() - started:.0f} s to copy)"
            )
            current = pack()
            candidate = registry.load_text(CANDIDATE, name="bench-institution.yaml")
            started, cpu = time.perf_counter(), time.process_time()
            impact = impact_compute(current=current, candidate=candidate)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            print(
                f"impact: {impact.examined:,} cases in {seconds:.1f} s "
                f"({impact.examined / seconds:,.0f} cases/s), {cpu:.1f} s of CPU "
                f"({1000 * cpu / max(impact.examined, 1):.1f} ms a case); {impact.current} -> "
                f"{impact.candidate}: {len(impact.changes):,} listed "
                f"({impact.tier_changes:,} change tier, {impact.needs_triage} need a new "
                f"triage); peak RSS {peak_rss_mib():,.0f} MiB"
            )
            one, five, fifteen = os.getloadavg()
            print(f"load {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs")
            raise Rollback
    except Rollback:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--home", type=Path, help="a TRUSTDESK_HOME with the demo loaded")
    parser.add_argument("--cases", type=int, default=5000)
    args = parser.parse_args()
    if args.home is not None:
        require("pack_impact.py", [Home(args.home)])
    with tempfile.TemporaryDirectory(prefix="trustdesk-impact-") as tmp:
        home = args.home or Path(tmp)
        if args.home is None:
            print(f"loading the demo into {home} …")
            subprocess.run(
                [str(TRUSTDESK), "demo"], env=child_env(home), check=True, capture_output=True
            )
        open_home(home)
        measure(args.cases)


if __name__ == "__main__":
    main()
