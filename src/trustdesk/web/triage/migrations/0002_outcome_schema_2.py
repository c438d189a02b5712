"""Stored outcomes from schema 1 (reasons' facts as sentences only) to schema 2 (structured).

Schema 1 kept each fact a rule rested on as its sentence alone. The engine wrote a screening
fact as "screening found NAME on LIST[ (PROGRAMME)], entry ID, STATUS WORDS"; this upgrade is the
one place that reads that wording, once, to turn such a sentence into a screening-hit fact that
refers to the hit (from the session's stored hits where it is there), so that it is redacted by
its kind from then on. Every other sentence becomes a "recorded" fact that keeps its words.

The conversion is written out here rather than imported, so that this migration keeps doing
what it did when later versions of the engine change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SCHEMA = 2
_FOUND = re.compile(
    r"^screening found (?P<name>.+) on (?P<list>.+), entry (?P<entry>[^,]+), (?P<words>[^,]+)$"
)
_STATUS = {
    "not yet reviewed by an officer": "unresolved",
    "confirmed by an officer": "confirmed",
    "dismissed by an officer": "false_positive",
}


def _hit_ref(match: re.Match[str], hits: list[Mapping[str, Any]]) -> dict[str, Any]:
    name, entry = match["name"], match["entry"]
    for hit in hits:
        if str(hit.get("entry_id")) == entry and str(hit.get("name")) == name:
            return {
                "source": str(hit.get("source", "")),
                "entry_id": entry,
                "name": name,
                "status": str(hit.get("status") or "unresolved"),
                "programme": None,  # kept in the list title below, as the sentence said it
                "matched_name": str(hit.get("matched_name") or ""),
                "score": float(hit.get("score") or 0.0),
                "subject": str(hit.get("subject") or ""),
                "origin": str(hit.get("origin") or ""),
                "role": str(hit.get("role") or ""),
            }
    return {
        "source": "",
        "entry_id": entry,
        "name": name,
        "status": _STATUS.get(match["words"], "unresolved"),
        "programme": None,
    }


def upgrade_fact(sentence: str, hits: list[Mapping[str, Any]]) -> dict[str, Any]:
    """One schema-1 sentence as a schema-2 fact."""
    found = _FOUND.match(sentence) if sentence.startswith("screening found ") else None
    if sentence.startswith("screening found "):
        # Even a sentence this cannot take apart names an entry: keep it a screening fact.
        refs = {"hit": _hit_ref(found, hits)} if found is not None else {}
        return {
            "kind": "screening_hit",
            "relation": "found",
            "subject": "",
            "value": "",
            "bound": found["list"] if found is not None else "",
            "refs": refs,
            "text": sentence,
        }
    return {
        "kind": "recorded",
        "relation": "stated",
        "subject": sentence,
        "value": "",
        "bound": "",
        "refs": {},
        "text": sentence,
    }


def upgrade_outcome(outcome: Mapping[str, Any], hits: list[Mapping[str, Any]]) -> dict[str, Any]:
    """A schema-1 outcome as schema 2; an outcome already marked with a schema is unchanged."""
    if "schema" in outcome:
        return dict(outcome)

    def reasons(items: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                **r,
                "because": list(r.get("because") or []),
                "facts": [upgrade_fact(str(b), hits) for b in r.get("because") or []],
            }
            for r in items
        ]

    def each(items: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [{**item, "reasons": reasons(item.get("reasons") or [])} for item in items]

    return {
        "schema": SCHEMA,
        **outcome,
        "tier": {**outcome["tier"], "reasons": reasons(outcome["tier"].get("reasons") or [])},
        "processes": each(outcome.get("processes") or []),
        "verdicts": each(outcome.get("verdicts") or []),
        "mitigations": each(outcome.get("mitigations") or []),
    }


def downgrade_outcome(outcome: Mapping[str, Any]) -> dict[str, Any]:
    """Schema 2 back to 1: the sentences stay in ``because``; the structure is dropped."""

    def strip(items: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in r.items() if k != "facts"} for r in items]

    def each(items: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [{**item, "reasons": strip(item.get("reasons") or [])} for item in items]

    return {
        **{k: v for k, v in outcome.items() if k != "schema"},
        "tier": {**outcome["tier"], "reasons": strip(outcome["tier"].get("reasons") or [])},
        "processes": each(outcome.get("processes") or []),
        "verdicts": each(outcome.get("verdicts") or []),
        "mitigations": each(outcome.get("mitigations") or []),
    }


def _forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    sessions = apps.get_model("triage", "TriageSession")
    for session in sessions.objects.filter(outcome__isnull=False).iterator():
        if "schema" in session.outcome:
            continue
        hits = [h for h in session.hits if isinstance(h, Mapping)]
        session.outcome = upgrade_outcome(session.outcome, hits)
        session.save(update_fields=["outcome"])


def _backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    sessions = apps.get_model("triage", "TriageSession")
    for session in sessions.objects.filter(outcome__isnull=False).iterator():
        session.outcome = downgrade_outcome(session.outcome)
        session.save(update_fields=["outcome"])


class Migration(migrations.Migration):
    dependencies = [("triage", "0001_initial")]

    operations = [migrations.RunPython(_forward, _backward)]
