"""Reading an answers file and rendering an outcome as text, shared by the CLI and tests.

Kept beside the engine (and free of click) so that the web shell can reuse the same reading
rules and the same wording as the command line.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from trustdesk.policy.loader import PackError, PackInvalid, read_yaml
from trustdesk.policy.models import Scalar
from trustdesk.policy.reasons import Reason
from trustdesk.policy.triage import AnswersInvalid, Outcome
from trustdesk.screening.matching.model import HitStatus, ScreeningHit


def read_answers_file(
    path: Path,
) -> tuple[dict[str, object], list[ScreeningHit], dict[str, Scalar]]:
    """Reads answers, screening hits and facts; raises :class:`AnswersInvalid` with every problem.

    The file is either a plain mapping of question ids to answers, or a mapping with ``answers``
    and optionally ``screening`` (a list of hits) and ``facts``.
    """
    name = str(path)
    try:
        data = read_yaml(path)
    except PackInvalid as exc:
        raise AnswersInvalid(exc.errors) from exc
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise AnswersInvalid([PackError(name, "", "expects a mapping of question ids to answers")])
    if "answers" not in data:
        return {str(k): v for k, v in data.items()}, [], {}
    errors = [
        PackError(name, str(key), "unknown key; expected answers, screening or facts")
        for key in data
        if key not in ("answers", "screening", "facts")
    ]
    answers = data.get("answers") or {}
    if not isinstance(answers, Mapping):
        errors.append(PackError(name, "answers", "expects a mapping of question ids to answers"))
        answers = {}
    hits: list[ScreeningHit] = []
    for i, raw in enumerate(data.get("screening") or []):
        where = f"screening[{i}]"
        if not isinstance(raw, Mapping) or not all(
            isinstance(raw.get(k), str) for k in ("source", "entry_id", "name")
        ):
            errors.append(PackError(name, where, "expects source, entry_id and name (text)"))
            continue
        status = HitStatus.read(raw.get("status", HitStatus.UNRESOLVED))
        if status is None:
            errors.append(
                PackError(name, f"{where}.status", f"expects one of {', '.join(HitStatus)}")
            )
            continue
        programme = raw.get("programme")
        if programme is not None and not isinstance(programme, str):
            errors.append(PackError(name, f"{where}.programme", "expects text"))
            continue
        hits.append(ScreeningHit(raw["source"], raw["entry_id"], raw["name"], status, programme))
    facts: dict[str, Scalar] = {}
    raw_facts = data.get("facts") or {}
    if isinstance(raw_facts, Mapping):
        for key, value in raw_facts.items():
            if isinstance(value, str | int | float | bool):
                facts[str(key)] = value
            else:
                errors.append(
                    PackError(name, f"facts.{key}", "expects text, a number or true/false")
                )
    else:
        errors.append(PackError(name, "facts", "expects a mapping"))
    if errors:
        raise AnswersInvalid(errors)
    return {str(k): v for k, v in answers.items()}, hits, facts


def _reasons(reasons: tuple[Reason, ...], indent: str) -> list[str]:
    lines = []
    for r in reasons:
        lines.append(f"{indent}- {r.text}")
        lines.extend(f"{indent}  because {b}" for b in r.because)
    return lines


def render_text(o: Outcome) -> str:
    """The outcome as a researcher reads it: verdicts first, then the tier, processes, actions."""
    lineage = f" (extends {', '.join(o.pack_lineage)})" if o.pack_lineage else ""
    lines = [f"Policy pack: {o.pack_id} {o.pack_version}{lineage}", ""]
    for v in o.verdicts:
        lines += [f"OUTCOME: {v.label}", f"  {v.description}", *_reasons(v.reasons, "  "), ""]
    lines += [f"Due-diligence tier: {o.tier.label}", *_reasons(o.tier.reasons, "  "), ""]
    lines.append("Processes that apply:" if o.processes else "No processes apply.")
    for p in o.processes:
        contact = ", ".join(x for x in (p.contact.name, p.contact.email, p.contact.url) if x)
        lines += [
            f"  {p.title}",
            f"    what: {p.what}",
            f"    contact: {contact}",
            f"    guidance: {p.guidance_url}",
            f"    typical lead time: {p.lead_time}",
            *([f"    legal basis: {p.legal_basis}"] if p.legal_basis else []),
            *([f"    basis: {p.practice}"] if p.practice else []),
            *([f"    NOTE: {p.notice}"] if p.notice else []),
            *_reasons(p.reasons, "    "),
        ]
    if o.mitigations:
        lines += ["", "Mitigations to consider:"]
        lines += [f"  [{m.label}] {m.description}" for m in o.mitigations]
    if o.ignored_answers:
        lines += ["", f"Ignored (question not asked): {', '.join(o.ignored_answers)}"]
    return "\n".join(lines)
