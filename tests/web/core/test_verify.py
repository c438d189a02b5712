import json

import pytest
from django.db import DatabaseError, connection, transaction

from tests.web.core.support import behind_the_back, note
from trustdesk.web.core import audit
from trustdesk.web.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_empty_trail_is_intact() -> None:
    result = audit.verify_chain()

    assert result.intact
    assert result.exit_code == 0
    assert result.message == "audit trail intact: no events yet"


def test_an_untouched_trail_is_intact_and_reports_its_head_as_an_anchor() -> None:
    events = note(10)

    result = audit.verify_chain()

    head = events[-1].hash
    assert result.as_dict() == {
        "intact": True,
        "events": 10,
        "head": {"sequence": 10, "hash": head},
        "broken": None,
        "message": f"audit trail intact: 10 events; head (keep it as an anchor) 10:{head}",
    }
    assert result.exit_code == 0


def test_a_row_edited_behind_the_applications_back_is_named() -> None:
    note(10)
    behind_the_back(
        "UPDATE core_auditevent SET data = %s WHERE sequence = %s",
        [json.dumps({"i": 600}), 7],
    )

    result = audit.verify_chain()

    assert not result.intact
    assert result.exit_code == 1
    assert result.broken == audit.ChainBreak(
        7, "hash-mismatch", "event #7: hash mismatch — the row was changed after it was written"
    )
    assert result.message == (
        "audit trail broken: event #7: hash mismatch — the row was changed after it was written"
    )
    assert (result.events, result.head_sequence) == (6, 6)


def test_a_changed_actor_label_is_a_hash_mismatch_too() -> None:
    note(3)
    behind_the_back(
        "UPDATE core_auditevent SET actor_label = %s WHERE sequence = %s", ["someone", 2]
    )

    broken = audit.verify_chain().broken

    assert broken is not None
    assert (broken.sequence, broken.problem) == (2, "hash-mismatch")


def test_a_deleted_row_is_a_gap_named_by_its_sequence() -> None:
    note(10)
    behind_the_back("DELETE FROM core_auditevent WHERE sequence IN (%s, %s)", [5, 6])

    broken = audit.verify_chain().broken

    assert broken == audit.ChainBreak(
        5, "missing", "event #5: missing — the chain jumps from #4 to #7; #5–#6 were deleted"
    )


def test_deleting_the_first_event_is_caught() -> None:
    note(3)
    behind_the_back("DELETE FROM core_auditevent WHERE sequence = %s", [1])

    broken = audit.verify_chain().broken

    assert broken == audit.ChainBreak(
        1, "missing", "event #1: missing — the chain starts at #2; #1 was deleted"
    )


def test_a_forged_event_with_a_recomputed_hash_breaks_the_next_link() -> None:
    note(10)
    forged = AuditEvent.objects.get(sequence=7)
    forged.data = {"i": 600}
    behind_the_back(
        "UPDATE core_auditevent SET data = %s, hash = %s WHERE sequence = %s",
        [json.dumps(forged.data), audit.event_hash(forged), 7],
    )

    broken = audit.verify_chain().broken

    assert broken == audit.ChainBreak(
        8,
        "link-mismatch",
        "event #8: link mismatch — its previous hash is not event #7's hash (an event before it "
        "was rewritten, or the chain was re-ordered or forged)",
    )


def test_swapping_two_events_is_caught_at_the_first_of_them() -> None:
    note(5)
    swap = "UPDATE core_auditevent SET sequence = %s WHERE sequence = %s"
    for new, old in [(1003, 3), (1004, 4), (4, 1003), (3, 1004)]:
        behind_the_back(swap, [new, old])

    broken = audit.verify_chain().broken

    assert broken is not None
    assert (broken.sequence, broken.problem) == (3, "link-mismatch")


def test_events_removed_from_the_end_are_caught_only_with_an_anchor() -> None:
    note(10)
    anchor = audit.ChainAnchor.parse(f"10:{AuditEvent.objects.get(sequence=10).hash}")
    behind_the_back("DELETE FROM core_auditevent WHERE sequence >= %s", [9])

    without = audit.verify_chain()
    with_anchor = audit.verify_chain(anchor=anchor)

    assert without.intact
    assert with_anchor.broken == audit.ChainBreak(
        10,
        "missing",
        "event #10: missing — the trail ends at #8 but the anchor names a later event "
        "(events were removed from the end)",
    )


def test_a_wholly_recomputed_chain_is_caught_by_an_anchor() -> None:
    note(4)
    anchor = audit.ChainAnchor(3, AuditEvent.objects.get(sequence=3).hash)
    prev_hash = AuditEvent.objects.get(sequence=1).hash
    for event in AuditEvent.objects.filter(sequence__gte=2).order_by("sequence"):
        event.prev_hash = prev_hash
        event.actor_label = "framed"
        event.hash = audit.event_hash(event)
        behind_the_back(
            "UPDATE core_auditevent SET actor_label = %s, prev_hash = %s, hash = %s "
            "WHERE sequence = %s",
            [event.actor_label, event.prev_hash, event.hash, event.sequence],
        )
        prev_hash = event.hash

    assert audit.verify_chain().intact
    assert audit.verify_chain(anchor=anchor).broken == audit.ChainBreak(
        3,
        "anchor-mismatch",
        "event #3: anchor mismatch — its hash is not the one kept outside the database "
        "(the chain was rewritten from here or earlier)",
    )


def test_anchor_parse_refuses_anything_but_sequence_colon_sha256() -> None:
    with pytest.raises(ValueError, match="an anchor is SEQUENCE:SHA256") as caught:
        audit.ChainAnchor.parse("12:abc")

    assert str(caught.value) == (f"an anchor is SEQUENCE:SHA256, e.g. 12:{'0' * 64}; got '12:abc'")
    assert audit.ChainAnchor.parse(f"12:{'a' * 64}") == audit.ChainAnchor(12, "a" * 64)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    ("sql", "operation"),
    [
        ("UPDATE core_auditevent SET actor_label = 'x'", "UPDATE"),
        ("DELETE FROM core_auditevent", "DELETE"),
    ],
)
def test_postgresql_refuses_raw_update_and_delete(sql: str, operation: str) -> None:
    note(1)

    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as c:
        c.execute(sql)

    assert str(caught.value).splitlines()[0] == (
        f"the audit trail is append-only: {operation} on core_auditevent refused"
    )
    assert AuditEvent.objects.get().actor_label == "cli:root@host"
