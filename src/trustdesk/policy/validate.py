"""Cross-reference checks on a pack whose shape is already valid, and the anti-profiling check.

The models check each item on its own; this module checks that items agree with each other (a
rule names a question that exists, a tier that exists, a list source the pack declares), because
a rule that silently never fires is worse than a pack that fails to load.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence

from trustdesk.policy.conditions import ancestry, mapped_into
from trustdesk.policy.loader import PackError
from trustdesk.policy.models import (
    ENGAGEMENT_KINDS,
    SUBSTANTIVE_FACTORS,
    Condition,
    Pack,
    PlaceOfWork,
    Question,
    Source,
    TaxonomyNode,
    ThresholdRef,
)

_ISO2 = re.compile(r"^[A-Z]{2}$")


def _children(c: Condition, path: str) -> Iterator[tuple[Condition, str]]:
    for key, subs in (("all", c.all), ("any", c.any)):
        for i, sub in enumerate(subs or []):
            yield sub, f"{path}.{key}[{i}]"
    if c.not_ is not None:
        yield c.not_, f"{path}.not"


def walk(c: Condition, path: str) -> Iterator[tuple[Condition, str]]:
    """Every node of a condition tree with its path, parents first."""
    yield c, path
    for sub, sub_path in _children(c, path):
        yield from walk(sub, sub_path)


def is_substantive(c: Condition, pack: Pack) -> bool:
    """True when *every* way of satisfying ``c`` involves an activity, technology or affiliation.

    ``all`` needs one substantive part; ``any`` needs every branch substantive; a ``not`` never
    counts, since "not X" can hold for reasons that are not X. This is deliberately conservative:
    a pack author can always restate a rule so that the substantive factor is explicit.
    """
    if c.all is not None:
        return any(is_substantive(s, pack) for s in c.all)
    if c.any is not None:
        return all(is_substantive(s, pack) for s in c.any)
    if c.not_ is not None or c.country_of is not None or c.process is not None:
        return False  # a process may be applied on a country alone (a sanctions check)
    if c.technology_of is not None or c.screening is not None:
        return True
    if c.tier_at_least is not None:
        # Only the highest tier is known to rest on more than a country: the validator
        # refuses a rule that reaches it on a country or nationality alone.
        return bool(pack.tiers) and c.tier_at_least == pack.tiers[-1].id
    if c.answer is not None:
        q = next((q for q in pack.questions if q.id == c.answer), None)
        return q is not None and q.effective_factor() in SUBSTANTIVE_FACTORS
    if c.fact is not None:
        f = next((f for f in pack.facts if f.id == c.fact), None)
        return f is not None and f.factor in SUBSTANTIVE_FACTORS
    return False  # pragma: no cover


def _duplicates(file: str, section: str, ids: Iterable[str]) -> list[PackError]:
    seen: set[str] = set()
    out = []
    for i, ident in enumerate(ids):
        if ident in seen:
            out.append(PackError(file, f"{section}[{i}]({ident})", f"duplicate id {ident!r}"))
        seen.add(ident)
    return out


def _check_condition(
    pack: Pack, file: str, root: Condition, base: str, *, reads_outcome: bool = False
) -> list[PackError]:
    """Cross-references of one condition; ``reads_outcome`` for risk rules, run after triage."""
    questions = {q.id: q for q in pack.questions}
    errors: list[PackError] = []

    def err(path: str, problem: str) -> None:
        errors.append(PackError(file, path, problem))

    def bound(path: str, b: object) -> None:
        if isinstance(b, ThresholdRef) and b.threshold not in pack.thresholds:
            err(path, f"unknown threshold {b.threshold!r}")

    for c, path in walk(root, base):
        bound(f"{path}.gte", c.gte)
        bound(f"{path}.lte", c.lte)
        ref = c.answer or c.country_of or c.technology_of
        if ref is not None:
            q = questions.get(ref)
            key = "answer" if c.answer else "country_of" if c.country_of else "technology_of"
            if q is None:
                err(f"{path}.{key}", f"unknown question {ref!r}")
                continue
            if c.country_of is not None and q.kind != "country":
                err(f"{path}.country_of", f"question {ref!r} is {q.kind}, not country")
            if c.technology_of is not None:
                _check_under(pack, q, c.under or [], f"{path}.under", err)
            if c.answer is not None:
                _check_answer_test(q, c, path, err)
        if c.in_list is not None and c.in_list not in {x.id for x in pack.country_lists}:
            err(f"{path}.in_list", f"unknown country list {c.in_list!r}")
        if c.indicator is not None and c.indicator not in {i.id for i in pack.indicators}:
            err(f"{path}.indicator", f"undeclared indicator {c.indicator!r}")
        for i, src in enumerate(c.source_in or []):
            if src not in {s.id for s in pack.list_sources}:
                err(f"{path}.source_in[{i}]", f"unknown list source {src!r}")
        if c.fact is not None and c.fact not in {f.id for f in pack.facts}:
            err(f"{path}.fact", f"undeclared fact {c.fact!r}")
        for key, ref, known, what in (
            ("tier_at_least", c.tier_at_least, {t.id for t in pack.tiers}, "tier"),
            ("process", c.process, {p.id for p in pack.processes}, "process"),
        ):
            if ref is None:
                continue
            if not reads_outcome:
                err(f"{path}.{key}", "reads the triage outcome; only risk rules may use it")
            elif ref not in known:
                err(f"{path}.{key}", f"unknown {what} {ref!r}")
    return errors


def _check_under(
    pack: Pack, q: Question, under: Sequence[str], path: str, err: Callable[[str, str], None]
) -> None:
    if q.kind != "technology_area" or q.taxonomy is None:
        err(path, f"question {q.id!r} is {q.kind}, not technology_area")
        return
    nodes = ancestry(pack, q.taxonomy)
    for i, node in enumerate(under):
        if "/" not in node:
            if node not in nodes:
                err(f"{path}[{i}]", f"{node!r} is not in taxonomy {q.taxonomy!r}")
            continue
        other, target = node.split("/", 1)
        paths = ancestry(pack, other)
        if target not in paths:
            err(f"{path}[{i}]", f"{target!r} is not in taxonomy {other!r}")
            continue
        reached = any(
            ref.split("/", 1)[0] == other and target in paths.get(ref.split("/", 1)[1], ())
            for area in nodes
            for ref in mapped_into(pack, q.taxonomy, area)
        )
        if not reached:
            err(
                f"{path}[{i}]",
                f"no area of taxonomy {q.taxonomy!r} maps into {node!r} (also_in), "
                "so this can never hold",
            )


def _check_also_in(pack: Pack, file: str) -> list[PackError]:
    errors: list[PackError] = []

    def visit(nodes: Sequence[TaxonomyNode], where: str) -> None:
        for n in nodes:
            for j, ref in enumerate(n.also_in):
                other, _, target = ref.partition("/")
                if not target or target not in ancestry(pack, other):
                    errors.append(
                        PackError(
                            file,
                            f"{where}({n.id}).also_in[{j}]",
                            f"{ref!r} is not a taxonomy/node of this pack",
                        )
                    )
            visit(n.children, f"{where}({n.id}).children")

    for t, tax in enumerate(pack.taxonomies):
        visit(tax.nodes, f"taxonomies[{t}]({tax.id}).nodes")
    return errors


def _check_answer_test(
    q: Question, c: Condition, path: str, err: Callable[[str, str], None]
) -> None:
    options = {o.id for o in q.options}
    if q.kind == "yes_no" and c.equals is not None and not isinstance(c.equals, bool):
        err(f"{path}.equals", f"{q.id!r} is yes/no; compare with true or false")
    if q.kind in ("single_choice", "multiple_choice"):
        for key, values in (
            ("equals", [c.equals]),
            ("in", c.in_ or []),
            ("contains", [c.contains]),
        ):
            for v in values:
                if v is not None and v not in options:
                    err(f"{path}.{key}", f"{v!r} is not an option of {q.id!r}")
    if (c.gte is not None or c.lte is not None) and q.kind != "amount":
        err(path, f"gte/lte compare amounts; {q.id!r} is {q.kind}")


def _question_cycles(pack: Pack, file: str) -> list[PackError]:
    """Finds questions whose ``ask_when`` depends, directly or not, on their own answer."""
    deps: dict[str, set[str]] = {}
    for q in pack.questions:
        refs: set[str] = set()
        if q.ask_when is not None:
            for c, _ in walk(q.ask_when, ""):
                refs |= {r for r in (c.answer, c.country_of, c.technology_of) if r is not None}
        deps[q.id] = refs
    errors = []
    for i, q in enumerate(pack.questions):
        stack, seen = list(deps[q.id]), set()
        while stack:
            cur = stack.pop()
            if cur == q.id:
                errors.append(
                    PackError(
                        file, f"questions[{i}]({q.id}).ask_when", "depends on itself (a cycle)"
                    )
                )
                break
            if cur not in seen:
                seen.add(cur)
                stack.extend(deps.get(cur, ()))
    return errors


def validate_pack(pack: Pack, *, file: str) -> list[PackError]:
    """Every cross-reference problem in ``pack``, in a stable order (empty when it is usable)."""
    errors: list[PackError] = []
    for section in (
        "questions", "processes", "tiers", "verdicts", "risk_areas", "mitigations", "rules",
        "taxonomies", "country_lists", "list_sources", "facts", "indicators",
        "sanctions_regimes", "training",
    ):  # fmt: skip
        errors += _duplicates(file, section, (item.id for item in getattr(pack, section)))
    for t, tax in enumerate(pack.taxonomies):
        if len(ancestry(pack, tax.id)) != _count_nodes(tax.nodes):
            errors.append(
                PackError(file, f"taxonomies[{t}]({tax.id}).nodes", "node ids must be unique")
            )
    errors += _check_also_in(pack, file)
    if not pack.tiers:
        errors.append(PackError(file, "tiers", "a pack needs at least one due-diligence tier"))
    for i, q in enumerate(pack.questions):
        where = f"questions[{i}]({q.id})"
        if q.taxonomy is not None and q.taxonomy not in {t.id for t in pack.taxonomies}:
            errors.append(PackError(file, f"{where}.taxonomy", f"unknown taxonomy {q.taxonomy!r}"))
        if q.ask_when is not None:
            errors += _check_condition(pack, file, q.ask_when, f"{where}.ask_when")
    errors += _question_cycles(pack, file)
    for i, p in enumerate(pack.processes):
        if p.legal_basis is None and p.practice is None:
            errors.append(
                PackError(
                    file,
                    f"processes[{i}]({p.id})",
                    "a process needs a legal_basis, or a practice saying it is the institution's "
                    "own practice and which guidance recommends it",
                )
            )
        if p.contact not in pack.contacts:
            errors.append(
                PackError(file, f"processes[{i}]({p.id}).contact", f"unknown contact {p.contact!r}")
            )
    for i, m in enumerate(pack.mitigations):
        if m.area not in {a.id for a in pack.risk_areas}:
            errors.append(
                PackError(file, f"mitigations[{i}]({m.id}).area", f"unknown risk area {m.area!r}")
            )
    for i, lst in enumerate(pack.country_lists):
        for j, code in enumerate(lst.countries):
            if not _ISO2.match(code):
                errors.append(
                    PackError(
                        file,
                        f"country_lists[{i}]({lst.id}).countries[{j}]",
                        f"{code!r} is not ISO 3166-1 alpha-2",
                    )
                )
    for i, regime in enumerate(pack.sanctions_regimes):
        for j, code in enumerate(regime.countries):
            if not _ISO2.match(code):
                errors.append(
                    PackError(
                        file,
                        f"sanctions_regimes[{i}]({regime.id}).countries[{j}]",
                        f"{code!r} is not ISO 3166-1 alpha-2",
                    )
                )
    declared = {i.id for i in pack.indicators}
    for i, prof in enumerate(pack.country_profiles):
        for key in prof.indicators:
            if key not in declared:
                errors.append(
                    PackError(
                        file,
                        f"country_profiles[{i}]({prof.country}).indicators.{key}",
                        f"undeclared indicator {key!r}; declare it with its source",
                    )
                )
    errors += _unchecked_sources(pack, file)
    errors += _check_training(pack, file)
    errors += _check_risk(pack, file)
    errors += _check_routing(pack, file)
    errors += _check_self_assessment(pack, file)
    highest = pack.tiers[-1].id if pack.tiers else None
    for i, r in enumerate(pack.rules):
        where = f"rules[{i}]({r.id})"
        errors += _check_condition(pack, file, r.when, f"{where}.when")
        errors += _check_place_indicators(pack, file, r.when, where)
        then = r.then
        for j, pid in enumerate(then.processes):
            if pid not in {p.id for p in pack.processes}:
                errors.append(
                    PackError(file, f"{where}.then.processes[{j}]", f"unknown process {pid!r}")
                )
        for j, mid in enumerate(then.mitigations):
            if mid not in {m.id for m in pack.mitigations}:
                errors.append(
                    PackError(file, f"{where}.then.mitigations[{j}]", f"unknown mitigation {mid!r}")
                )
        if then.tier is not None and then.tier not in {t.id for t in pack.tiers}:
            errors.append(PackError(file, f"{where}.then.tier", f"unknown tier {then.tier!r}"))
        if then.verdict is not None and then.verdict not in {v.id for v in pack.verdicts}:
            errors.append(
                PackError(file, f"{where}.then.verdict", f"unknown verdict {then.verdict!r}")
            )
        if then.tier is not None and then.tier == highest and not is_substantive(r.when, pack):
            errors.append(
                PackError(
                    file,
                    f"{where}.when",
                    f"raises the tier to the highest level ({highest!r}) on a country or "
                    "nationality alone; add an activity, technology or affiliation factor "
                    "(anti-profiling)",
                )
            )
    return errors


def _check_training(pack: Pack, file: str) -> list[PackError]:
    """Training requirements name engagement kinds a case can have and tiers the pack has."""
    errors = []
    tiers = {t.id for t in pack.tiers}
    for i, req in enumerate(pack.training):
        where = f"training[{i}]({req.id})"
        for j, kind in enumerate(req.kinds):
            if kind not in ENGAGEMENT_KINDS:
                errors.append(
                    PackError(
                        file,
                        f"{where}.kinds[{j}]",
                        f"unknown engagement kind {kind!r} (known: {', '.join(ENGAGEMENT_KINDS)})",
                    )
                )
        if req.tier_at_least is not None and req.tier_at_least not in tiers:
            errors.append(
                PackError(file, f"{where}.tier_at_least", f"unknown tier {req.tier_at_least!r}")
            )
    return errors


def _names_place_of_work(c: Condition, place: PlaceOfWork) -> bool:
    """Whether ``c`` can only hold when the answers put the work in the place."""
    if c.any is not None:
        return bool(c.any) and all(_names_place_of_work(s, place) for s in c.any)
    return c.answer == place.question and (
        (c.contains is not None and c.contains in place.options)
        or (c.equals is not None and c.equals in place.options)
    )


def _check_place_indicators(pack: Pack, file: str, when: Condition, where: str) -> list[PackError]:
    """A place-of-work indicator is read only with a place-of-work answer, never on nationality.

    The answer must be a direct part of the rule's top-level ``all`` (so no ``any`` branch can
    reach the indicator without it), and the country read must not be a nationality.
    """
    places = {i.id: i.place_of_work for i in pack.indicators if i.place_of_work is not None}
    questions = {q.id: q for q in pack.questions}
    errors = []
    for node, path in walk(when, f"{where}.when"):
        place = places.get(node.indicator or "")
        if node.country_of is None or place is None:
            continue
        q = questions.get(node.country_of)
        if q is not None and q.effective_factor() == "nationality":
            errors.append(
                PackError(
                    file,
                    path,
                    f"reads {node.indicator!r} of a nationality; it describes a place of work, "
                    "never a person's home country (anti-profiling)",
                )
            )
        if not any(_names_place_of_work(part, place) for part in when.all or []):
            errors.append(
                PackError(
                    file,
                    path,
                    f"reads {node.indicator!r} without requiring that the work is in that country "
                    f"({place.question} naming one of {place.options}) in the rule's top-level "
                    "'all' (anti-profiling)",
                )
            )
    return errors


def _check_risk(pack: Pack, file: str) -> list[PackError]:
    """The risk scale and risk rules: known areas and ratings, and no rating on a country alone."""
    errors = _duplicates(file, "risk_scale", (r.id for r in pack.risk_scale))
    errors += _duplicates(file, "risk_rules", (r.id for r in pack.risk_rules))
    if pack.risk_rules and not pack.risk_scale:
        errors.append(PackError(file, "risk_scale", "risk rules need a risk scale to rate on"))
    areas = {a.id for a in pack.risk_areas}
    ratings = {r.id for r in pack.risk_scale}
    highest = pack.risk_scale[-1].id if pack.risk_scale else None
    for i, rule in enumerate(pack.risk_rules):
        where = f"risk_rules[{i}]({rule.id})"
        if rule.area not in areas:
            errors.append(PackError(file, f"{where}.area", f"unknown risk area {rule.area!r}"))
        if rule.rating not in ratings:
            errors.append(
                PackError(file, f"{where}.rating", f"{rule.rating!r} is not on the risk scale")
            )
        errors += _check_condition(pack, file, rule.when, f"{where}.when", reads_outcome=True)
        errors += _check_place_indicators(pack, file, rule.when, where)
        if rule.rating == highest and not is_substantive(rule.when, pack):
            errors.append(
                PackError(
                    file,
                    f"{where}.when",
                    f"raises a risk area to the highest rating ({highest!r}) on a country or "
                    "nationality alone; add an activity, technology or affiliation factor "
                    "(anti-profiling)",
                )
            )
    return errors


def _check_routing(pack: Pack, file: str) -> list[PackError]:
    """Every tier has exactly one route, and a committee has seats and a quorum it can reach."""
    errors = _duplicates(file, "routing", (r.tier for r in pack.routing))
    tiers = {t.id for t in pack.tiers}
    for i, route in enumerate(pack.routing):
        where = f"routing[{i}]({route.tier})"
        if route.tier not in tiers:
            errors.append(PackError(file, f"{where}.tier", f"unknown tier {route.tier!r}"))
        if not route.options:
            errors.append(PackError(file, f"{where}.options", "a route needs decision options"))
        errors += [
            PackError(file, f"{where}.options[{j}]", f"{o!r} is listed twice")
            for j, o in enumerate(route.options)
            if o in route.options[:j]
        ]
        committee = route.committee
        if committee is None:
            continue
        errors += _duplicates(file, f"{where}.committee.seats", (s.id for s in committee.seats))
        if not committee.seats:
            errors.append(
                PackError(file, f"{where}.committee.seats", "a committee needs at least one seat")
            )
        if committee.quorum < 1:
            errors.append(
                PackError(file, f"{where}.committee.quorum", "the quorum must be at least 1")
            )
        elif committee.quorum > len(committee.seats):
            errors.append(
                PackError(
                    file,
                    f"{where}.committee.quorum",
                    f"is {committee.quorum} but the committee has {len(committee.seats)} "
                    "seat(s); it could never decide",
                )
            )
    if pack.routing:
        routed = {r.tier for r in pack.routing}
        errors += [
            PackError(file, "routing", f"tier {t.id!r} has no route: nobody could decide it")
            for t in pack.tiers
            if t.id not in routed
        ]
    return errors


def _check_self_assessment(pack: Pack, file: str) -> list[PackError]:
    """The questionnaire's scale runs 0, 1, 2 … and every target and level descriptor is on it.

    A question id is unique across sections, because answers and actions are keyed by it alone
    and an assessment is compared with the previous one question by question.
    """
    sa = pack.self_assessment
    if sa is None:
        return []
    errors: list[PackError] = []
    where = "self_assessment"
    levels = [m.level for m in sa.scale]
    if not levels:
        errors.append(PackError(file, f"{where}.scale", "a questionnaire needs a maturity scale"))
    elif levels != list(range(len(levels))):
        errors.append(
            PackError(
                file, f"{where}.scale", f"levels must run 0, 1, 2 … in order (found {levels})"
            )
        )
    if not sa.sections:
        errors.append(PackError(file, f"{where}.sections", "a questionnaire needs a section"))
    on_scale = set(levels)
    if sa.default_target is not None and sa.default_target not in on_scale:
        errors.append(
            PackError(file, f"{where}.default_target", f"{sa.default_target} is not on the scale")
        )
    errors += _duplicates(file, f"{where}.sections", (s.id for s in sa.sections))
    seen: set[str] = set()
    for i, section in enumerate(sa.sections):
        for j, q in enumerate(section.questions):
            at = f"{where}.sections[{i}]({section.id}).questions[{j}]({q.id})"
            if q.id in seen:
                errors.append(PackError(file, at, f"duplicate question id {q.id!r}"))
            seen.add(q.id)
            if q.target is not None and q.target not in on_scale:
                errors.append(PackError(file, f"{at}.target", f"{q.target} is not on the scale"))
            errors += [
                PackError(file, f"{at}.levels.{level}", f"{level} is not on the scale")
                for level in q.levels
                if level not in on_scale
            ]
    return errors


def _cited_sources(pack: Pack) -> Iterator[tuple[str, Source]]:
    for i, src in enumerate(pack.sources):
        yield f"sources[{i}]", src
    for section in (
        "taxonomies",
        "country_lists",
        "sanctions_regimes",
        "indicators",
        "list_sources",
    ):
        for i, item in enumerate(getattr(pack, section)):
            yield f"{section}[{i}]({item.id}).source", item.source
    for i, proc in enumerate(pack.processes):
        for j, src in enumerate(proc.sources):
            yield f"processes[{i}]({proc.id}).sources[{j}]", src
        for j, src in enumerate(proc.practice.recommended_by if proc.practice else ()):
            yield f"processes[{i}]({proc.id}).practice.recommended_by[{j}]", src
    sa = pack.self_assessment
    for i, part in enumerate(sa.sections if sa is not None else ()):
        for j, q in enumerate(part.questions):
            for k, ref in enumerate(q.guidance):
                at = f"self_assessment.sections[{i}]({part.id}).questions[{j}]({q.id})"
                yield f"{at}.guidance[{k}].source", ref.source


def _unchecked_sources(pack: Pack, file: str) -> list[PackError]:
    """Every cited source must say when its facts were checked, so stale facts can be found."""
    return [
        PackError(file, f"{where}.checked", "a source needs the date its facts were checked")
        for where, src in _cited_sources(pack)
        if src.checked is None
    ]


def _count_nodes(nodes: Sequence[TaxonomyNode]) -> int:
    return sum(1 + _count_nodes(n.children) for n in nodes)
