"""Screening quality on the independent sets (real public names, split before looking).

Run on demand (never by the test suite); `screening_eval.py --independent DIR` calls this:

    .venv/bin/python benchmarks/screening_eval.py --independent DIR [--split held-out]
        [--home HOME] [--threshold T] [--build-from ROR_MIRROR NAMES_MIRROR]

DIR holds `ror.csv` and `people.csv` (see `_independent.py`; `--build-from` writes them from
mirrors of ror-community/ror-records and sigpwned/popular-names-by-country-dataset). The lists
are imported through the CLI into HOME (kept and reused when given), the index is built in this
process over the entries with the variant queries' aliases taken out, and every query is
screened through `MatchIndex.search`. logic-v2 (at 0.70, yente's default) scores the same
candidates trustdesk's blocking proposes for each query (threshold 0), as in the dev benchmark.

Figures: organisations - false alarms per 1,000 unlisted records and the share of listed records
found; people - false alarms per 1,000 names by origin, the worst origin beside the average;
variants - recall; listed names without their middle names - recall; overall - recall (of the
variants), false-alarm rate over all benign queries, F1; and the
calibration table: of the hits scored in each band, the share that are right.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import LogicV2, entry_to_ftm, query_to_ftm
from _independent import (
    EvalQuery,
    org_queries,
    partial_queries,
    people_queries,
    ror_name_queries,
    variant_queries,
    without_aliases,
)
from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.matching import MatchIndex, Query, ScoringConfig

HIT_LIMIT = 10
BANDS = ((0.7, 0.8), (0.8, 0.9), (0.9, 1.01))

Answers = dict[str, list[tuple[str, float]]]


@dataclass(slots=True)
class Sets:
    orgs: list[EvalQuery]
    people: list[EvalQuery]
    variants: list[EvalQuery]
    partial: list[EvalQuery]
    ror_names: list[EvalQuery]

    @property
    def all(self) -> list[EvalQuery]:
        return [*self.orgs, *self.people, *self.variants, *self.partial, *self.ror_names]


def load_sets(
    directory: Path, entries: dict[str, Entry], split: str
) -> tuple[Sets, dict[str, str]]:
    variants, removed = variant_queries(entries)

    def pick(queries: list[EvalQuery]) -> list[EvalQuery]:
        return [q for q in queries if split == "all" or q.split == split]

    sets = Sets(
        pick(org_queries(directory, entries)),
        pick(people_queries(directory)),
        pick(variants),
        pick(partial_queries(entries)),
        pick(ror_name_queries(directory, entries)),
    )
    # Only the held-out variants' aliases need removing for a held-out run, but removing all is
    # the same index for both splits.
    return sets, removed


def as_query(q: EvalQuery) -> Query:
    return Query(q.name, type=EntityType(q.type) if q.type else None, country=q.country or None)


def screen(
    index: MatchIndex,
    queries: Sequence[EvalQuery],
    threshold: float,
    config: ScoringConfig | None = None,
) -> tuple[Answers, list[float]]:
    out: Answers = {}
    times: list[float] = []
    for q in queries:
        start = time.perf_counter()
        hits = index.search(as_query(q), threshold=threshold, limit=HIT_LIMIT, config=config)
        times.append(time.perf_counter() - start)
        out[q.qid] = [(h.key, h.score) for h in hits]
    return out, times


def logic_v2(index: MatchIndex, entries: dict[str, Entry], queries: Sequence[EvalQuery]) -> Answers:
    logic = LogicV2()
    ftm: dict[str, Any] = {}
    out: Answers = {}
    for q in queries:
        pool = index.search(as_query(q), threshold=0.0, limit=200)
        qf = query_to_ftm(as_query(q), q.qid)
        scored = []
        for order, hit in enumerate(pool):
            if hit.key not in ftm:
                ftm[hit.key] = entry_to_ftm(entries[hit.key])
            value = logic.score(qf, ftm[hit.key])
            if value >= LogicV2.THRESHOLD:
                scored.append((value, order, hit.key))
        scored.sort(key=lambda s: (-s[0], s[1]))
        out[q.qid] = [(k, v) for v, _, k in scored[:HIT_LIMIT]]
    return out


def _found(queries: list[EvalQuery], answers: Answers) -> list[EvalQuery]:
    """The queries with an expected entry among their hits."""
    return [q for q in queries if q.expected & {k for k, _ in answers[q.qid]}]


def _per_group(queries: list[EvalQuery], found: list[EvalQuery]) -> str:
    """Recall of each group of `queries`: "acronym 0.579 (n=19), other name 0.409 (n=44)"."""
    total = Counter(q.group for q in queries)
    hit = Counter(q.group for q in found)
    return ", ".join(f"{g} {hit[g] / total[g]:.3f} (n={total[g]})" for g in sorted(total))


def report(label: str, sets: Sets, answers: Answers) -> dict[str, float]:
    """Print one system's figures; returns the headline numbers for the side-by-side table."""
    print(f"\n== {label}")
    figures: dict[str, float] = {}
    # organisations
    unlisted = [q for q in sets.orgs if not q.expected]
    listed = [q for q in sets.orgs if q.expected]
    fa = [q for q in unlisted if answers[q.qid]]
    found = [q for q in listed if q.expected & {k for k, _ in answers[q.qid]}]
    wrong_on_listed = [q for q in listed if {k for k, _ in answers[q.qid]} - q.expected]
    figures["org FA/1000"] = 1000 * len(fa) / max(1, len(unlisted))
    figures["org found"] = len(found) / max(1, len(listed))
    print(
        f"organisations (ROR): {len(unlisted)} unlisted, {len(fa)} flagged = "
        f"{figures['org FA/1000']:.1f} per 1,000; {len(listed)} listed, {len(found)} found "
        f"({figures['org found']:.3f}); {len(wrong_on_listed)} listed records also hit another "
        "entry"
    )
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for q in unlisted:
        by_kind[q.group][0] += 1
        by_kind[q.group][1] += bool(answers[q.qid])
    print(
        "  per ROR type: "
        + ", ".join(f"{k} {1000 * a / n:.1f}/1000 (n={n})" for k, (n, a) in sorted(by_kind.items()))
    )
    edu = by_kind.get("education", [0, 0])
    figures["university FA/1000"] = 1000 * edu[1] / max(1, edu[0])
    # people
    by_origin: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for q in sets.people:
        by_origin[q.group][0] += 1
        by_origin[q.group][1] += bool(answers[q.qid])
    total_n = sum(n for n, _ in by_origin.values())
    total_a = sum(a for _, a in by_origin.values())
    average = 1000 * total_a / max(1, total_n)
    rates = {o: 1000 * a / max(1, n) for o, (n, a) in by_origin.items()}
    worst = max(rates, key=lambda o: rates[o]) if rates else "-"
    figures["people FA/1000"] = average
    figures["worst origin / average"] = rates.get(worst, 0.0) / average if average else 0.0
    print(
        f"people: {total_n} names, {total_a} flagged = {average:.1f} per 1,000; worst origin "
        f"{worst} {rates.get(worst, 0.0):.1f} ({figures['worst origin / average']:.1f}x average)"
    )
    print(
        "  per origin: "
        + ", ".join(f"{o} {rates[o]:.1f} (n={by_origin[o][0]})" for o in sorted(rates))
    )
    # variants
    found_v = _found(sets.variants, answers)
    top1 = [q for q in sets.variants if answers[q.qid] and answers[q.qid][0][0] in q.expected]
    recall = len(found_v) / max(1, len(sets.variants))
    figures["variant recall"] = recall
    print(
        f"listed-name variants: {len(sets.variants)} queries, recall {recall:.3f}, hit@1 "
        f"{len(top1) / max(1, len(sets.variants)):.3f}; {_per_group(sets.variants, found_v)}"
    )
    # listed names without their middle names
    found_p = _found(sets.partial, answers)
    figures["no-middle recall"] = len(found_p) / max(1, len(sets.partial))
    print(
        f"listed names without their middle names: {len(sets.partial)} queries, recall "
        f"{figures['no-middle recall']:.3f}"
    )
    # listed organisations by their other ROR names
    found_r = _found(sets.ror_names, answers)
    figures["ROR-name recall"] = len(found_r) / max(1, len(sets.ror_names))
    print(
        f"listed ROR organisations by their other ROR names: {len(sets.ror_names)} queries, "
        f"recall {figures['ROR-name recall']:.3f}; {_per_group(sets.ror_names, found_r)}"
    )
    # overall
    benign = [*unlisted, *sets.people]
    fa_rate = sum(bool(answers[q.qid]) for q in benign) / max(1, len(benign))
    spec = 1 - fa_rate
    f1 = 2 * recall * spec / (recall + spec) if recall + spec else 0.0
    figures["FA rate"] = fa_rate
    figures["F1"] = f1
    print(
        f"overall: recall {recall:.3f}, false-alarm rate {fa_rate:.4f} over {len(benign)} "
        f"benign, F1 {f1:.3f}"
    )
    # calibration: every hit shown, right when its entry is an expected one (on the three sets
    # measured since the first round, so that the bands compare across rounds)
    bands: dict[tuple[float, float], list[int]] = {b: [0, 0] for b in BANDS}
    for q in [*sets.orgs, *sets.people, *sets.variants]:
        for key, value in answers[q.qid]:
            for lo, hi in BANDS:
                if lo <= value < hi:
                    bands[(lo, hi)][0] += 1
                    bands[(lo, hi)][1] += key in q.expected
    print(
        "calibration (hits in band: share right): "
        + ", ".join(
            f"[{lo:.1f},{min(hi, 1.0):.1f}] {r / n:.2f} of {n}" if n else f"[{lo:.1f},{hi:.1f}] -"
            for (lo, hi), (n, r) in bands.items()
        )
    )
    return figures


def misses(
    sets: Sets,
    answers: Answers,
    entries: dict[str, Entry],
    limit: int,
    closest: Callable[[EvalQuery], float],
) -> None:
    """Each wrong answer; a missed one with the best score a right entry got (0 when none)."""
    shown = 0
    print(
        "\nwrong answers (FA: benign flagged; MISS: variant not found; "
        "LOST: listed organisation not found; PART: listed name without its middle names "
        "not found; RNAM: listed organisation's other ROR name not found)"
    )
    for q in sets.all:
        keys = [k for k, _ in answers[q.qid]]
        if q.expected and not (q.expected & set(keys)):
            target = min(q.expected)  # one of them, the same each run
            kind = {"variant": "MISS", "partial": "PART", "rorname": "RNAM"}.get(
                q.qid.split(":")[0], "LOST"
            )
            print(
                f"{kind} {q.name!r} [{q.type}/{q.country}] want {entries[target].name!r} "
                f"({closest(q):.3f})"
            )
        elif not q.expected and keys:
            k, v = answers[q.qid][0]
            hit = entries[k]
            print(
                f"FA   {q.group:10} {q.name!r} [{q.country}] -> {hit.name!r} "
                f"({hit.type.value}) {v:.3f}"
            )
        else:
            continue
        shown += 1
        if shown >= limit:
            return


def run_independent(
    directory: Path,
    entries: dict[str, Entry],
    split: str,
    threshold: float,
    show: int,
    with_logic: bool,
    config: ScoringConfig | None = None,
) -> None:
    sets, removed = load_sets(directory, entries, split)
    print(
        f"\nindependent sets ({split}): {len(sets.orgs)} ROR organisations "
        f"({sum(bool(q.expected) for q in sets.orgs)} listed word for word), {len(sets.people)} "
        f"person names, {len(sets.variants)} listed-name variants, {len(sets.partial)} listed "
        f"names without their middle names, {len(sets.ror_names)} other ROR names of listed "
        "organisations"
    )
    start = time.perf_counter()
    full = MatchIndex.build(entries.values())
    # A variant is screened with its own alias taken out, so the engine must find the entry
    # through its other names; everything else is screened against the lists as loaded.
    reduced = list(without_aliases(entries, removed))
    index = MatchIndex.build(reduced)
    print(
        "two indexes, the lists and the lists minus the variant aliases: "
        f"{time.perf_counter() - start:.1f}s"
    )
    kept = {e.key: e for e in reduced}
    variant_ids = {q.qid for q in sets.variants}
    as_loaded = [q for q in sets.all if q.qid not in variant_ids]
    answers, times = screen(full, as_loaded, threshold, config)
    variant_answers, variant_times = screen(index, sets.variants, threshold, config)
    answers.update(variant_answers)
    times += variant_times
    times.sort()
    print(
        f"trustdesk: {len(times)} queries, {len(times) / sum(times):,.0f}/s, "
        f"p99 {1000 * times[int(0.99 * len(times))]:.2f} ms"
    )
    ours = report(f"trustdesk @{threshold}", sets, answers)
    rows = [("trustdesk", ours)]
    if with_logic:
        start = time.perf_counter()
        lv2 = logic_v2(full, entries, as_loaded)
        lv2.update(logic_v2(index, kept, sets.variants))
        print(f"\nlogic-v2 scored in {time.perf_counter() - start:.0f}s")
        rows.append((f"logic-v2 @{LogicV2.THRESHOLD}", report("logic-v2", sets, lv2)))
    print("\nside by side (" + split + ")")
    names = list(ours)
    print(f"{'':22}" + "".join(f"{n:>24}" for n in names))
    for label, figures in rows:
        print(f"{label:22}" + "".join(f"{figures[n]:>24.3f}" for n in names))
    if show:

        def closest(q: EvalQuery) -> float:
            on = index if q.qid in variant_ids else full
            hits = on.search(as_query(q), threshold=0.0, limit=1000, config=config)
            return max((h.score for h in hits if h.key in q.expected), default=0.0)

        misses(sets, answers, kept, show, closest)
