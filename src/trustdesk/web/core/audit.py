"""The audit trail: `record()` appends a hash-chained event; `verify_chain()` proves none changed.

Every service writes its audit event with `record()` inside its own transaction, so the event and
the change it describes commit or roll back together. Each event's hash covers its content and the
previous event's hash; changing, deleting, inserting or re-ordering a row breaks the chain at the
first affected event, which `verify_chain()` names. An attacker who can rewrite the table can also
recompute every later hash, so operators keep an external anchor (the head sequence and hash that
`verify_chain()` reports) and pass it back to later checks.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from decimal import Context, Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from trustdesk.web.core.context import current_request_id
from trustdesk.web.core.models import AuditEvent

if TYPE_CHECKING:
    # Any AUTH_USER_MODEL, as Django's own reusable apps take it: core sits below accounts in the
    # app order (accounts' services record here), so it names no model of accounts, even for types.
    from django.contrib.auth.base_user import AbstractBaseUser as User

log = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64  # the prev_hash of event #1
HASH_FORMAT = 1  # bump when the canonical form changes; old events keep verifying under theirs
MASK = "********"
ACTION_PATTERN = re.compile(r"^trustdesk(\.[a-z][a-z0-9_]*){2,}$")
# Keys whose values are never stored, at any depth (pretix log_action, wagtail): a form's
# "password" or a source's "api_key" must not end up in a permanent, exportable record.
_SECRET_SUBSTRINGS = (
    "password",
    "passwd",
    "secret",
    "credential",
    "authorization",
    "cookie",
    "apikey",
    "api_key",
    "private_key",
)
_SECRET_WORDS = re.compile(r"(^|[^a-z])(token|pwd|otp)($|[^a-z])")


class AuditError(ValueError):
    """A `record()` call that cannot be written; its message says what to fix."""


NOT_IN_TRANSACTION = (
    "audit.record() must run inside transaction.atomic, so the event commits with its change"
)
DATA_NOT_DICT = "audit data must be a dict, not {kind}"
DATA_NOT_JSON = "audit data must be JSON (numbers, strings, lists, dicts): {error}"
UNSAVED_TARGET = "the audit target {kind} is not saved: record the event after saving it"
UNSAVED_ACTOR = "the audit actor is not a saved user"
BLANK_ACTOR = "a system actor needs a label, such as 'cli:root@host' or 'task:lists.update'"
BAD_ACTION = "audit action {action!r} is not namespaced like 'trustdesk.case.submitted'"
UNREGISTERED_ACTION = "audit action {action!r} has no registered formatter (register_action)"
REASON_REQUIRED = "{action} requires a reason"


@dataclass(frozen=True, slots=True)
class AuditTarget:
    """A target that is not a model row, e.g. a list source known only by its key."""

    type: str
    id: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class ActionType:
    """How an action reads in the trail: its label, and a summary of one event (wagtail)."""

    action: str
    label: str
    summary: Callable[[AuditEvent], str] | None = None
    reason_required: bool = False


_ACTIONS: dict[str, ActionType] = {}


def register_action(
    action: str,
    *,
    label: str,
    summary: Callable[[AuditEvent], str] | None = None,
    reason_required: bool = False,
) -> ActionType:
    """Declare an action before any service records it; an app does this when it is imported.

    `summary` turns one event into a sentence for auditors and exports; without it the event
    reads as "<label>: <target label>". `reason_required` makes `record()` refuse the action
    without a reason (decisions, adjudications, overrides).
    """
    if not ACTION_PATTERN.match(action):
        raise AuditError(BAD_ACTION.format(action=action))
    if action in _ACTIONS:
        raise AuditError(f"audit action {action!r} is already registered")
    _ACTIONS[action] = ActionType(action, label, summary, reason_required)
    return _ACTIONS[action]


def action_type(action: str) -> ActionType | None:
    return _ACTIONS.get(action)


def describe(event: AuditEvent) -> str:
    """A sentence for the event; an action no longer registered still reads, by its name."""
    kind = _ACTIONS.get(event.action)
    if kind is not None and kind.summary is not None:
        try:
            return kind.summary(event)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            # Old events may lack keys a newer formatter expects; the trail must still read.
            log.warning("audit formatter for %s failed on event #%s", event.action, event.sequence)
    label = kind.label if kind is not None else event.action
    return f"{label}: {event.target_label}" if event.target_label else label


def record(
    *,
    actor: User | str,
    action: str,
    target: models.Model | AuditTarget | None = None,
    data: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    Takes the chain lock until the caller commits, so call it last in a service: every other
    audited write waits for it (and a long transaction holding it stalls them all).
    """
    [event] = record_many([Entry(actor, action, target, data, reason)])
    return event


@dataclass(frozen=True, slots=True)
class Entry:
    """One event to append with `record_many`: the arguments `record` takes."""

    actor: User | str
    action: str
    target: models.Model | AuditTarget | None = None
    data: dict[str, Any] | None = None
    reason: str | None = None


def record_many(entries: Sequence[Entry]) -> list[AuditEvent]:
    """Append several events to the chain in order, inside the caller's transaction.

    Each is the event `record` would write (checked the same way, chained one after another);
    they share one lock and one read of the head, for a service that records hundreds of things
    at once (a re-screen's batch of screenings).
    """
    if not transaction.get_connection().in_atomic_block:
        raise AuditError(NOT_IN_TRANSACTION)
    events = [_event(entry) for entry in entries]
    if not events:
        return []
    _lock_chain()
    head = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    sequence, prev_hash = (head[0], head[1]) if head else (0, GENESIS_HASH)
    now = timezone.now()  # after the lock, so times never run backwards in the chain
    for event in events:
        sequence += 1
        event.sequence, event.prev_hash, event.created_at = sequence, prev_hash, now
        event.hash = prev_hash = event_hash(event)
    for event in events:
        # One insert each: the model refuses bulk_create, so that no path writes events but this.
        event.save(force_insert=True)
    return events


def _event(entry: Entry) -> AuditEvent:
    """The unchained event for an entry, refused if its action, reason or data are wrong."""
    kind = _ACTIONS.get(entry.action)
    if kind is None:
        raise AuditError(
            BAD_ACTION.format(action=entry.action)
            if not ACTION_PATTERN.match(entry.action)
            else UNREGISTERED_ACTION.format(action=entry.action)
        )
    payload = _clean_data(entry.data, entry.reason)
    if kind.reason_required and not payload.get("reason"):
        raise AuditError(REASON_REQUIRED.format(action=entry.action))
    actor_user, actor_label = _actor_fields(entry.actor)
    target_type, target_id, target_label = _target_fields(entry.target)
    return AuditEvent(
        actor_id=actor_user.pk if actor_user is not None else None,
        actor_label=actor_label,
        action=entry.action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        data=payload,
        request_id=current_request_id() or uuid.uuid4(),
    )


def _clean_data(data: object, reason: str | None) -> dict[str, Any]:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise AuditError(DATA_NOT_DICT.format(kind=type(data).__name__))
    if reason is not None:
        if not reason.strip():
            raise AuditError("a reason, when given, must not be blank")
        data = {**data, "reason": reason.strip()}
    try:
        # Through JSON once, so the stored, hashed and re-read values are the same plain JSON.
        text = json.dumps(_masked(data), cls=DjangoJSONEncoder, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise AuditError(DATA_NOT_JSON.format(error=exc)) from exc
    cleaned: dict[str, Any] = json.loads(text)
    return cleaned


def _masked(value: object) -> object:
    if isinstance(value, Mapping):
        return {k: MASK if _is_secret(str(k)) else _masked(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(v) for v in value]
    return value


def _is_secret(key: str) -> bool:
    lowered = key.lower()
    return any(s in lowered for s in _SECRET_SUBSTRINGS) or bool(_SECRET_WORDS.search(lowered))


def _actor_fields(actor: User | str) -> tuple[User | None, str]:
    if isinstance(actor, str):
        if not actor.strip():
            raise AuditError(BLANK_ACTOR)
        return None, actor.strip()[:200]
    if actor._state.adding or not actor.pk:
        raise AuditError(UNSAVED_ACTOR)
    username = actor.get_username()
    shown = str(actor)
    return actor, (f"{shown} ({username})" if shown != username else username)[:200]


def _target_fields(target: models.Model | AuditTarget | None) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    if isinstance(target, AuditTarget):
        return target.type, target.id, target.label[:300]
    if target.pk is None or target._state.adding:
        raise AuditError(UNSAVED_TARGET.format(kind=target._meta.label_lower))
    return target._meta.label_lower, str(target.pk), str(target)[:300]


def _lock_chain() -> None:
    """Serialise appends so two transactions never both extend the same head (a fork).

    PostgreSQL: SHARE ROW EXCLUSIVE conflicts with itself and with INSERT, not with reads, and
    is held to commit. SQLite: an IMMEDIATE transaction already holds the database's write lock.
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(AuditEvent._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    elif connection.vendor == "sqlite":
        mode = connection.settings_dict.get("OPTIONS", {}).get("transaction_mode")
        if str(mode).upper() != "IMMEDIATE":
            raise ImproperlyConfigured(
                "SQLite needs OPTIONS transaction_mode IMMEDIATE, or audit appends can fork"
            )
    else:
        raise ImproperlyConfigured(f"the audit trail has no chain lock for {connection.vendor}")


def event_hash(event: AuditEvent) -> str:
    """SHA-256 of the event's canonical form: every column but `hash` itself and the row id."""
    payload = {
        "v": HASH_FORMAT,
        "sequence": event.sequence,
        "prev_hash": event.prev_hash,
        "time": event.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor": event.actor_label,
        "action": event.action,
        "target": [event.target_type, event.target_id, event.target_label],
        "data": event.data,
        "request_id": str(event.request_id),
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def canonical_json(value: object) -> str:
    """Sorted keys, no spaces, numbers by value: the same text after a PostgreSQL jsonb round trip.

    jsonb returns 1e100 as 1 followed by 100 zeros and -0.0 as 0.0, so numbers are written as
    normalised decimals (1E+100, 0) rather than as Python prints them.
    """
    if value is None or isinstance(value, bool | str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return _canonical_number(value)
    if isinstance(value, Mapping):
        items = sorted((str(k), v) for k, v in value.items())
        body = ",".join(
            f"{json.dumps(k, ensure_ascii=False)}:{canonical_json(v)}" for k, v in items
        )
        return "{" + body + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(canonical_json(v) for v in value) + "]"
    raise TypeError(f"not JSON: {type(value).__name__}")


def _canonical_number(value: int | float) -> str:
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if number.is_zero():
        return "0"
    digits = len(number.as_tuple().digits)
    return str(number.normalize(Context(prec=digits)))


@dataclass(frozen=True, slots=True)
class ChainAnchor:
    """A head seen earlier and kept outside the database; a later check must still contain it."""

    sequence: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> ChainAnchor:
        """`1234:9f86d0…` as `verify_chain()` prints it."""
        number, _, digest = text.partition(":")
        if not number.isdigit() or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise ValueError(f"an anchor is SEQUENCE:SHA256, e.g. 12:{'0' * 64}; got {text!r}")
        return cls(int(number), digest)


@dataclass(frozen=True, slots=True)
class ChainBreak:
    sequence: int
    problem: str  # missing | duplicate | link-mismatch | hash-mismatch | anchor-mismatch
    message: str


@dataclass(frozen=True, slots=True)
class ChainVerification:
    events: int
    head_sequence: int
    head_hash: str
    broken: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.broken is None

    @property
    def exit_code(self) -> int:
        return 0 if self.broken is None else 1

    @property
    def message(self) -> str:
        if self.broken is not None:
            return f"audit trail broken: {self.broken.message}"
        if not self.events:
            return "audit trail intact: no events yet"
        return (
            f"audit trail intact: {self.events:,} events; "
            f"head (keep it as an anchor) {self.head_sequence}:{self.head_hash}"
        )

    def as_dict(self) -> dict[str, object]:
        broken = self.broken
        return {
            "intact": self.intact,
            "events": self.events,
            "head": {"sequence": self.head_sequence, "hash": self.head_hash},
            "broken": None
            if broken is None
            else {
                "sequence": broken.sequence,
                "problem": broken.problem,
                "message": broken.message,
            },
            "message": self.message,
        }


def verify_chain(*, anchor: ChainAnchor | None = None) -> ChainVerification:
    """Recompute the whole chain in order and name the first event that does not fit.

    Reads one consistent snapshot in chunks, so it runs beside live appends and on millions of
    rows. Without an anchor, removing events from the end cannot be seen: nothing after them
    is left to disagree.
    """
    expected, prev_hash, count = 1, GENESIS_HASH, 0
    anchor_seen = False
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        broken = _check(event, expected=expected, prev_hash=prev_hash)
        if broken is None and anchor is not None and event.sequence == anchor.sequence:
            anchor_seen = True
            if event.hash != anchor.hash:
                broken = ChainBreak(
                    event.sequence,
                    "anchor-mismatch",
                    f"event #{event.sequence}: anchor mismatch — its hash is not the one kept "
                    "outside the database (the chain was rewritten from here or earlier)",
                )
        if broken is not None:
            return ChainVerification(count, expected - 1, prev_hash, broken)
        expected, prev_hash, count = event.sequence + 1, event.hash, count + 1
    if anchor is not None and not anchor_seen:
        missing = ChainBreak(
            anchor.sequence,
            "missing",
            f"event #{anchor.sequence}: missing — the trail ends at #{expected - 1} but the anchor "
            "names a later event (events were removed from the end)",
        )
        return ChainVerification(count, expected - 1, prev_hash, missing)
    return ChainVerification(count, expected - 1, prev_hash, None)


def _check(event: AuditEvent, *, expected: int, prev_hash: str) -> ChainBreak | None:
    """The first thing wrong with one event, given what the chain before it says it must be."""
    n = event.sequence
    if n < expected:
        # Only possible once the unique constraint on sequence has been dropped.
        return ChainBreak(n, "duplicate", f"event #{n}: duplicate — a second row claims #{n}")
    if n > expected:
        gap = f"#{expected} was" if n == expected + 1 else f"#{expected}–#{n - 1} were"
        before = f"jumps from #{expected - 1} to #{n}" if expected > 1 else f"starts at #{n}"
        return ChainBreak(
            expected, "missing", f"event #{expected}: missing — the chain {before}; {gap} deleted"
        )
    if event.prev_hash != prev_hash:
        what = f"event #{n - 1}'s hash" if n > 1 else "the genesis hash"
        return ChainBreak(
            n,
            "link-mismatch",
            f"event #{n}: link mismatch — its previous hash is not {what} (an event before it "
            "was rewritten, or the chain was re-ordered or forged)",
        )
    if event_hash(event) != event.hash:
        return ChainBreak(
            n,
            "hash-mismatch",
            f"event #{n}: hash mismatch — the row was changed after it was written",
        )
    return None
