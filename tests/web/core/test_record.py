import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal

import pytest

from trustdesk.web.accounts.models import Department, User
from trustdesk.web.core import audit
from trustdesk.web.core.context import audit_context
from trustdesk.web.core.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


def test_record_stores_actor_action_target_data_and_request_id(
    officer: User, department: Department
) -> None:
    request_id = uuid.UUID("12345678-1234-5678-1234-567812345678")

    with audit_context(request_id=request_id):
        event = audit.record(
            actor=officer,
            action="trustdesk.test.renamed",
            target=department,
            data={"old": "Physics", "new": "Physics & Astronomy"},
        )

    stored = AuditEvent.objects.get()
    assert stored == event
    assert stored.sequence == 1
    assert stored.prev_hash == "0" * 64
    assert stored.hash == audit.event_hash(stored)
    assert stored.actor == officer
    assert stored.actor_label == "Jane Doe (jdoe)"
    assert stored.action == "trustdesk.test.renamed"
    assert (stored.target_type, stored.target_id, stored.target_label) == (
        "accounts.department",
        str(department.pk),
        "Physics",
    )
    assert stored.data == {"old": "Physics", "new": "Physics & Astronomy"}
    assert stored.request_id == request_id
    assert audit.describe(stored) == "Renamed Physics to Physics & Astronomy"


def test_a_system_actor_is_stored_by_its_label_and_each_event_links_to_the_last() -> None:
    first = audit.record(actor="task:lists.update", action="trustdesk.test.noted")
    second = audit.record(
        actor="cli:root@host",
        action="trustdesk.test.noted",
        target=audit.AuditTarget("lists.source", "ofac-sdn", "OFAC SDN"),
    )

    assert (first.actor, first.actor_label) == (None, "task:lists.update")
    assert second.sequence == 2
    assert second.prev_hash == first.hash
    assert (second.target_type, second.target_id, second.target_label) == (
        "lists.source",
        "ofac-sdn",
        "OFAC SDN",
    )
    assert audit.describe(second) == "Noted: OFAC SDN"
    assert audit.describe(first) == "Noted"


def test_events_outside_a_context_each_get_their_own_request_id_and_inside_share_one() -> None:
    lone_a, lone_b = (audit.record(actor="t", action="trustdesk.test.noted") for _ in range(2))
    with audit_context() as ctx:
        grouped = [audit.record(actor="t", action="trustdesk.test.noted") for _ in range(2)]

    assert lone_a.request_id != lone_b.request_id
    assert [e.request_id for e in grouped] == [ctx.request_id, ctx.request_id]


def test_secret_looking_keys_are_masked_at_any_depth() -> None:
    event = audit.record(
        actor="t",
        action="trustdesk.test.noted",
        data={
            "password": "hunter2",
            "source": {"url": "https://example.org", "api_key": "k", "Client-Secret": "s"},
            "headers": [{"Authorization": "Bearer x", "accept": "text/csv"}],
            "access_token": "t",
            "tokens": 3,
        },
    )

    assert event.data == {
        "password": "********",
        "source": {
            "url": "https://example.org",
            "api_key": "********",
            "Client-Secret": "********",
        },
        "headers": [{"Authorization": "********", "accept": "text/csv"}],
        "access_token": "********",
        "tokens": 3,
    }


def test_a_reason_is_stored_in_data_and_required_where_the_action_says() -> None:
    with pytest.raises(audit.AuditError) as missing:
        audit.record(actor="t", action="trustdesk.test.decided")
    with pytest.raises(audit.AuditError) as blank:
        audit.record(actor="t", action="trustdesk.test.decided", reason="  ")

    event = audit.record(
        actor="t", action="trustdesk.test.decided", data={"new": "approve"}, reason=" fits policy "
    )

    assert str(missing.value) == "trustdesk.test.decided requires a reason"
    assert str(blank.value) == "a reason, when given, must not be blank"
    assert event.data == {"new": "approve", "reason": "fits policy"}


def test_dates_uuids_and_decimals_are_stored_as_their_json_text() -> None:
    when = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    event = audit.record(
        actor="t",
        action="trustdesk.test.noted",
        data={"when": when, "id": uuid.UUID(int=1), "amount": Decimal("1.50")},
    )

    assert AuditEvent.objects.get().data == {
        "when": "2025-01-02T03:04:05Z",
        "id": "00000000-0000-0000-0000-000000000001",
        "amount": "1.50",
    }
    assert event.data == AuditEvent.objects.get().data


def test_numbers_hash_the_same_after_the_database_round_trip() -> None:
    audit.record(
        actor="t",
        action="trustdesk.test.noted",
        data={"big": 1e100, "tiny": 1e-7, "neg_zero": -0.0, "one": 1.0, "huge_int": 10**40},
    )

    assert audit.verify_chain().intact
    assert audit.canonical_json({"b": 1e100, "a": [-0.0, 1.0, 10**100, "x"]}) == (
        '{"a":[0,1,1E+100,"x"],"b":1E+100}'
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"data": ["a"]}, "audit data must be a dict, not list"),
        ({"data": "a"}, "audit data must be a dict, not str"),
        (
            {"data": {"x": object()}},
            "audit data must be JSON (numbers, strings, lists, dicts): "
            "Object of type object is not JSON serializable",
        ),
        (
            {"data": {"x": float("nan")}},
            "audit data must be JSON (numbers, strings, lists, dicts): "
            "Out of range float values are not JSON compliant",
        ),
        (
            {"action": "trustdesk.test.unknown"},
            "audit action 'trustdesk.test.unknown' has no registered formatter (register_action)",
        ),
        (
            {"action": "case.submitted"},
            "audit action 'case.submitted' is not namespaced like 'trustdesk.case.submitted'",
        ),
        (
            {"actor": " "},
            "a system actor needs a label, such as 'cli:root@host' or 'task:lists.update'",
        ),
        (
            {"target": Department(name="unsaved")},
            "the audit target accounts.department is not saved: record the event after saving it",
        ),
        ({"actor": User(username="ghost")}, "the audit actor is not a saved user"),
    ],
)
def test_record_refuses_what_cannot_be_a_faithful_record(
    kwargs: dict[str, object], message: str
) -> None:
    call: dict[str, object] = {"actor": "t", "action": "trustdesk.test.noted", **kwargs}

    with pytest.raises(audit.AuditError) as caught:
        audit.record(**call)  # type: ignore[arg-type]

    assert str(caught.value) == message
    assert not AuditEvent.objects.exists()


def test_register_action_refuses_duplicates_and_unnamespaced_names() -> None:
    with pytest.raises(audit.AuditError) as duplicate:
        audit.register_action("trustdesk.test.noted", label="Again")
    with pytest.raises(audit.AuditError) as bad:
        audit.register_action("Trustdesk.Test", label="Bad")

    assert str(duplicate.value) == "audit action 'trustdesk.test.noted' is already registered"
    assert str(bad.value) == (
        "audit action 'Trustdesk.Test' is not namespaced like 'trustdesk.case.submitted'"
    )


def test_a_formatter_that_fails_on_an_old_event_falls_back_to_its_label() -> None:
    event = audit.record(actor="t", action="trustdesk.test.renamed", data={"old": "A"}, target=None)

    assert audit.describe(event) == "Renamed"


def test_the_orm_cannot_change_or_delete_events() -> None:
    event = audit.record(actor="t", action="trustdesk.test.noted")
    event.actor_label = "someone else"
    attempts: list[Callable[[], object]] = [
        event.save,
        lambda: event.save(update_fields=["actor_label"]),
        event.delete,
        lambda: AuditEvent.objects.update(actor_label="x"),
        lambda: AuditEvent.objects.filter(sequence=1).delete(),
        lambda: AuditEvent.objects.all().delete(),
        lambda: AuditEvent.objects.bulk_create([AuditEvent(sequence=2)]),
        lambda: AuditEvent.objects.bulk_update([event], ["actor_label"]),
    ]

    for attempt in attempts:
        with pytest.raises(AppendOnlyError) as caught:
            attempt()
        assert str(caught.value) == (
            "the audit trail is append-only: events cannot be changed or deleted"
        )
    assert AuditEvent.objects.get().actor_label == "t"
