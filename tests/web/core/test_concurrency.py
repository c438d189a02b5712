import threading

import pytest
from django.db import connection, connections, transaction

from tests.web.core.support import note
from trustdesk.web.core import audit
from trustdesk.web.core.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


def test_record_outside_a_transaction_is_refused() -> None:
    with pytest.raises(audit.AuditError) as caught:
        audit.record(actor="t", action="trustdesk.test.noted")

    assert str(caught.value) == (
        "audit.record() must run inside transaction.atomic, so the event commits with its change"
    )
    assert not AuditEvent.objects.exists()


@transaction.atomic
def _service_failing_after_its_audit() -> None:
    audit.record(actor="t", action="trustdesk.test.noted")
    raise RuntimeError("the service failed after recording")


def test_a_rolled_back_event_leaves_no_gap_in_the_chain() -> None:
    note(1)
    with pytest.raises(RuntimeError):
        _service_failing_after_its_audit()
    note(1)

    assert list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == [
        1,
        2,
    ]
    assert audit.verify_chain().intact


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's test database is in memory, shared-cache"
)
def test_concurrent_appends_on_postgresql_never_fork_the_chain() -> None:
    threads, per_thread = 4, 15
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    audit.record(
                        actor=f"task:worker-{worker}",
                        action="trustdesk.test.noted",
                        data={"i": i},
                    )
        except BaseException as exc:  # noqa: BLE001  (reported to the main thread below)
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=append, args=(w,)) for w in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()

    assert errors == []
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, threads * per_thread + 1))
    result = audit.verify_chain()
    assert result.intact
    assert result.events == threads * per_thread
    labels = set(AuditEvent.objects.values_list("actor_label", flat=True))
    assert labels == {f"task:worker-{w}" for w in range(threads)}
