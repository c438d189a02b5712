"""Installed packs and ``extends:`` resolution.

Packs shipped with trustdesk live in ``trustdesk/policy/packs/<id>.yaml`` and are found through
``importlib.resources``, so they work from a wheel or a zip as well as from a checkout. An
institution's pack names a base with ``extends:`` and adds to it (its own contacts, thresholds,
questions, rules) without copying it, so that a new base version reaches it unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from trustdesk.policy.loader import PackError, PackInvalid, parse_pack, parse_yaml, read_yaml
from trustdesk.policy.models import Pack, SelfAssessment
from trustdesk.policy.reference import IndicatorOverlay, apply_overlays
from trustdesk.policy.validate import validate_pack

PACKS_PACKAGE = "trustdesk.policy"
PACKS_DIR = "packs"

#: Sections an extension may only add to: an id already in the base is an error.
_ADDITIVE = (
    "questions", "facts", "processes", "verdicts", "mitigations", "rules", "taxonomies",
    "country_lists", "sanctions_regimes", "list_sources", "indicators", "risk_rules",
    "training",
)  # fmt: skip


@dataclass(frozen=True)
class PackSummary:
    """What ``trustdesk policy list`` shows for one installed pack."""

    id: str
    version: str
    jurisdiction: str
    publication_date: str


def installed_ids() -> list[str]:
    """Ids of the packs shipped in the package, sorted."""
    root = resources.files(PACKS_PACKAGE) / PACKS_DIR
    return sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))


def _read_installed(pack_id: str) -> Pack:
    res = resources.files(PACKS_PACKAGE) / PACKS_DIR / f"{pack_id}.yaml"
    name = f"{PACKS_DIR}/{pack_id}.yaml"
    if not res.is_file():
        known = ", ".join(installed_ids())
        raise PackInvalid(
            [PackError(pack_id, "", f"no installed pack with this id (installed: {known})")]
        )
    pack = parse_pack(parse_yaml(res.read_bytes(), file=name), file=name)
    if pack.id != pack_id:
        raise PackInvalid(
            [
                PackError(
                    name, "id", f"is {pack.id!r}; an installed pack's id must match its file name"
                )
            ]
        )
    return pack


def _is_path(ref: str) -> bool:
    return ref.endswith((".yaml", ".yml")) or "/" in ref or "\\" in ref


def _read(ref: str, relative_to: Path | None) -> tuple[Pack, str, Path | None]:
    if _is_path(ref):
        path = Path(ref)
        if relative_to is not None and not path.is_absolute():
            path = relative_to / path
        return parse_pack(read_yaml(path), file=str(path)), str(path), path.parent
    return _read_installed(ref), f"{PACKS_DIR}/{ref}.yaml", None


def _merge(base: Pack, child: Pack, file: str) -> tuple[Pack, list[PackError]]:
    """The child's metadata over the base's content plus the child's additions and overrides.

    Problems are returned, not raised, with the offending additions left out, so that the merged
    pack can still be checked and an author sees every problem in one run.
    """
    errors: list[PackError] = []
    merged: dict[str, object] = {}
    for section in _ADDITIVE:
        base_items = list(getattr(base, section))
        base_ids = {item.id for item in base_items}
        for i, item in enumerate(getattr(child, section)):
            if item.id in base_ids:
                errors.append(
                    PackError(
                        file,
                        f"{section}[{i}]({item.id})",
                        f"already defined in base pack {base.id!r}; "
                        "an extension adds, it does not replace",
                    )
                )
        merged[section] = base_items + [
            item for item in getattr(child, section) if item.id not in base_ids
        ]
    for i, t in enumerate(child.tiers or []):
        if t.id not in {b.id for b in base.tiers}:
            errors.append(
                PackError(
                    file,
                    f"tiers[{i}]({t.id})",
                    "an extension may relabel the base's tiers, not add tiers",
                )
            )
    if child.tiers and [t.id for t in child.tiers] != [t.id for t in base.tiers]:
        errors.append(
            PackError(file, "tiers", "must list the base's tiers in the same order, or be left out")
        )
    tiers_ok = not child.tiers or [t.id for t in child.tiers] == [t.id for t in base.tiers]
    scale = [r.id for r in base.risk_scale]
    scale_ok = not child.risk_scale or [r.id for r in child.risk_scale] == scale
    if not scale_ok:
        errors.append(
            PackError(
                file,
                "risk_scale",
                "may relabel the base's risk scale (same ids, same order), not change it",
            )
        )
    # A route names its tier, so an extension's route for a tier replaces the base's route
    # for it (a different approver, a larger quorum); tiers it does not route keep the base's.
    routes = {r.tier: r for r in base.routing} | {r.tier: r for r in child.routing}
    profiles = {p.country: p for p in base.country_profiles}
    for p in child.country_profiles:
        had = profiles.get(p.country)
        profiles[p.country] = (
            p
            if had is None
            else p.model_copy(
                update={"name": p.name or had.name, "indicators": had.indicators | p.indicators}
            )
        )
    assessment, assessment_errors = _merge_self_assessment(base, child, file)
    errors += assessment_errors
    merged_pack = child.model_copy(
        update={
            **merged,
            "sources": base.sources + child.sources,
            "thresholds": base.thresholds | child.thresholds,
            "contacts": base.contacts | child.contacts,
            "tiers": child.tiers if child.tiers and tiers_ok else base.tiers,
            "risk_scale": child.risk_scale if child.risk_scale and scale_ok else base.risk_scale,
            "routing": list(routes.values()),
            "risk_areas": base.risk_areas
            + [a for a in child.risk_areas if a.id not in {b.id for b in base.risk_areas}],
            "country_profiles": [profiles[c] for c in sorted(profiles)],
            "self_assessment": assessment,
            "lineage": [*base.lineage, f"{base.id}@{base.version}"],
        }
    )
    return merged_pack, errors


def _merge_self_assessment(
    base: Pack, child: Pack, file: str
) -> tuple[SelfAssessment | None, list[PackError]]:
    """The base's questionnaire plus the extension's new sections, on the base's scale.

    An extension adds sections; it does not rewrite the base's questions or change its scale,
    since assessments made under the base are compared question by question with later ones.
    """
    mine, theirs = child.self_assessment, base.self_assessment
    if mine is None or theirs is None:
        return mine or theirs, []
    errors: list[PackError] = []
    relabels = bool(mine.scale) and [m.level for m in mine.scale] == [m.level for m in theirs.scale]
    if mine.scale and not relabels:
        errors.append(
            PackError(file, "self_assessment.scale", "may relabel the base's scale, not change it")
        )
    known = {s.id for s in theirs.sections}
    for i, section in enumerate(mine.sections):
        if section.id in known:
            errors.append(
                PackError(
                    file,
                    f"self_assessment.sections[{i}]({section.id})",
                    f"already defined in base pack {base.id!r}; an extension adds sections",
                )
            )
    merged = theirs.model_copy(
        update={
            "title": mine.title,
            "scale": mine.scale if relabels else theirs.scale,
            "default_target": mine.default_target
            if mine.default_target is not None
            else theirs.default_target,
            "sections": theirs.sections + [s for s in mine.sections if s.id not in known],
        }
    )
    return merged, errors


_PATH_HEAD = re.compile(r"^(?P<section>[a-z_]+)\[(?P<index>\d+)\]\((?P<id>[^)]*)\)")


def _own_index(error: PackError, child: Pack) -> PackError:
    """Restates a merged pack's ``rules[35](x)`` as the extension's own ``rules[0](x)``.

    Validation runs on the merged pack, whose lists hold the base's items first; an author
    editing the extension needs the position in their own file.
    """
    m = _PATH_HEAD.match(error.path)
    if m is None or m["section"] not in (*_ADDITIVE, "routing"):
        return error
    if m["section"] == "routing":  # a route is named by its tier
        ids = [route.tier for route in child.routing]
    else:
        ids = [item.id for item in getattr(child, m["section"])]
    if m["id"] not in ids:
        return error
    path = f"{m['section']}[{ids.index(m['id'])}]({m['id']}){error.path[m.end() :]}"
    return PackError(error.file, path, error.problem)


def load(
    ref: str,
    *,
    overlays: Sequence[IndicatorOverlay] = (),
    _relative_to: Path | None = None,
    _seen: tuple[str, ...] = (),
) -> Pack:
    """Loads a pack by installed id or path, resolves ``extends`` and checks it completely.

    ``overlays`` replace shipped indicator values with fresher ones (see
    :mod:`trustdesk.policy.reference`) before the pack is checked. Raises :class:`PackInvalid`
    listing every problem. A pack that extends itself, directly or through others, is reported
    as a cycle instead of recursing forever.
    """
    pack, file, here = _read(ref, _relative_to)
    return _resolved(pack, file, here, overlays, _seen)


def load_text(content: bytes, *, name: str, overlays: Sequence[IndicatorOverlay] = ()) -> Pack:
    """Loads a pack from its YAML bytes (an uploaded file), checked exactly as `load` checks one.

    ``name`` is what problems are reported against. Its ``extends`` must name an installed pack
    or an absolute path: there is no folder for a relative path to be read from.
    """
    pack = parse_pack(parse_yaml(content, file=name), file=name)
    return _resolved(pack, name, None, overlays, ())


def _resolved(
    pack: Pack,
    file: str,
    here: Path | None,
    overlays: Sequence[IndicatorOverlay],
    _seen: tuple[str, ...],
) -> Pack:
    key = f"{pack.id}"
    if key in _seen:
        chain = " -> ".join((*_seen, key))
        raise PackInvalid([PackError(file, "extends", f"cycle in extends: {chain}")])
    if pack.extends is not None:
        try:
            base = load(pack.extends, _relative_to=here, _seen=(*_seen, key))
        except PackInvalid as exc:
            if any(e.problem.startswith("cycle in extends") for e in exc.errors):
                raise
            raise PackInvalid(
                [
                    PackError(file, "extends", f"base pack {pack.extends!r} is not usable"),
                    *exc.errors,
                ]
            ) from exc
        child: Pack | None = pack
        pack, merge_errors = _merge(base, pack, file)
    else:
        child, merge_errors = None, []
    pack = apply_overlays(pack, overlays)
    problems = validate_pack(pack, file=file)
    if child is not None:
        problems = [_own_index(e, child) for e in problems]
    errors = merge_errors + problems
    if errors:
        raise PackInvalid(errors)
    return pack


def check(ref: str) -> list[PackError]:
    """Every problem with a pack (empty when it loads); for ``trustdesk policy check``."""
    try:
        load(ref)
    except PackInvalid as exc:
        return exc.errors
    return []


def list_installed() -> list[PackSummary]:
    """One summary per installed pack, from its own metadata (an invalid pack is still listed)."""
    out = []
    for pack_id in installed_ids():
        try:
            pack = _read_installed(pack_id)
        except PackInvalid:
            out.append(PackSummary(pack_id, "?", "?", "?"))
            continue
        out.append(
            PackSummary(pack.id, pack.version, pack.jurisdiction, pack.publication_date.isoformat())
        )
    return out
