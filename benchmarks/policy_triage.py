"""How long triage takes: loading a policy pack, and one triage, on random answer sets.

Run on demand (not part of the test suite):

    .venv/bin/python benchmarks/policy_triage.py [--pack gb-base] [--cases 5000] [--seed 1]

It loads the pack cold several times (YAML parse, model validation, extends, cross-checks), then
runs triage on random but valid answer sets drawn from the pack's own questions (every question
answered with a random value of its kind, screening hits on some of the pack's list sources), so
the figure covers the whole rule set rather than a few hand-picked cases. It also checks, on the
same random cases, that answers given in another order give the same outcome (determinism).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time

from trustdesk.policy.conditions import ScreeningHit, ancestry
from trustdesk.policy.models import Pack, Question
from trustdesk.policy.registry import load
from trustdesk.policy.triage import triage


def _value(q: Question, pack: Pack, rng: random.Random, countries: list[str]) -> object:
    options = [o.id for o in q.options]
    match q.kind:
        case "yes_no":
            return rng.random() < 0.5
        case "single_choice":
            return rng.choice(options)
        case "multiple_choice":
            return rng.sample(options, rng.randint(1, min(3, len(options))))
        case "country":
            return rng.choice(countries)
        case "organisation":
            return rng.choice(["Example University", "Example Institute of Technology"])
        case "technology_area":
            nodes = list(ancestry(pack, q.taxonomy or ""))
            return rng.sample(nodes, rng.randint(1, min(3, len(nodes))))
        case "amount":
            return rng.choice([0, 10_000, 60_000, 500_000, 2_000_000])
        case "date":
            return dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 365))
    raise AssertionError(q.kind)


def cases(pack: Pack, n: int, seed: int) -> list[tuple[dict[str, object], list[ScreeningHit]]]:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    countries = [p.country for p in pack.country_profiles] or ["GB"]
    sources = [s.id for s in pack.list_sources]
    out = []
    for i in range(n):
        answers = {q.id: _value(q, pack, rng, countries) for q in pack.questions}
        hits = [
            ScreeningHit(rng.choice(sources), f"e{i}", "Example Institute", "unresolved")
            for _ in range(rng.choice([0, 0, 0, 1, 2]))
            if sources
        ]
        out.append((answers, hits))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pack", default="gb-base")
    ap.add_argument("--cases", type=int, default=5000)
    ap.add_argument("--loads", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    load_times = []
    for _ in range(args.loads):
        t = time.perf_counter()
        pack = load(args.pack)
        load_times.append(time.perf_counter() - t)
    print(
        f"pack {pack.id} {pack.version}: {len(pack.questions)} questions, {len(pack.rules)} rules, "
        f"{len(pack.country_profiles)} country profiles"
    )
    print(f"load (cold, {args.loads} runs): median {statistics.median(load_times) * 1000:.0f} ms")

    work = cases(pack, args.cases, args.seed)
    times = []
    asked = []
    for answers, hits in work:
        t = time.perf_counter()
        outcome = triage(pack, answers, screening=hits)
        times.append(time.perf_counter() - t)
        asked.append(len(outcome.asked))
    times.sort()
    total = sum(times)
    print(
        f"triage ({len(work)} random cases): p50 {times[len(times) // 2] * 1000:.2f} ms, "
        f"p99 {times[int(len(times) * 0.99)] * 1000:.2f} ms, {len(times) / total:.0f} per second"
    )
    print(f"questions asked per case: median {statistics.median(asked):.0f}, max {max(asked)}")

    mismatches = 0
    for answers, hits in work[:500]:
        first = triage(pack, answers, screening=hits).to_dict()
        again = triage(pack, dict(reversed(list(answers.items()))), screening=hits[::-1])
        mismatches += again.to_dict() != first
    print(f"determinism: {mismatches} of {min(500, len(work))} reordered cases differ")


if __name__ == "__main__":
    main()
