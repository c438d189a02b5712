import csv
import datetime as dt
import io

import pytest
from django.db import transaction
from django.utils import timezone

from tests import factories
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.core import audit
from trustdesk.web.core.context import audit_context
from trustdesk.web.core.selectors import (
    AuditFilter,
    audit_event_list_for_user,
    audit_export_rows,
)
from trustdesk.web.core.spreadsheet import neutralise_cell

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor() -> User:
    return factories.make_user("audit", User.Role.AUDITOR)


def _sequences(user: User, **filters: object) -> list[int]:
    events = audit_event_list_for_user(user=user, filters=AuditFilter(**filters))  # type: ignore[arg-type]
    return list(events.values_list("sequence", flat=True))


@transaction.atomic
def _trail(officer: User, department: Department) -> None:
    audit.record(actor=officer, action="trustdesk.test.noted", target=department)
    audit.record(
        actor="cli:root@host",
        action="trustdesk.test.renamed",
        target=audit.AuditTarget("lists.source", "ofac-sdn", '=HYPERLINK("http://x")'),
        data={"old": "a", "new": "b"},
    )
    audit.record(actor="=2+5", action="trustdesk.test.decided", reason="ok")


def test_only_auditors_and_admins_read_the_trail(
    auditor: User, officer: User, department: Department
) -> None:
    _trail(officer, department)
    admin = factories.make_user("root", User.Role.ADMIN)
    retired = factories.make_user("old", User.Role.AUDITOR, active=False)

    assert _sequences(auditor) == [3, 2, 1]
    assert _sequences(admin) == [3, 2, 1]
    assert _sequences(officer) == []
    assert _sequences(retired) == []


def test_filters_by_actor_action_prefix_and_target(
    auditor: User, officer: User, department: Department
) -> None:
    _trail(officer, department)

    assert _sequences(auditor, actor="jdoe") == [1]
    assert _sequences(auditor, actor="cli:root@host") == [2]
    assert _sequences(auditor, action_prefix="trustdesk.test") == [3, 2, 1]
    assert _sequences(auditor, action_prefix="trustdesk.test.renamed") == [2]
    assert _sequences(auditor, action_prefix="trustdesk.tes") == []
    assert _sequences(auditor, target_type="accounts.department") == [1]
    assert _sequences(auditor, target_type="lists.source", target_id="ofac-sdn") == [2]
    assert _sequences(auditor, target_id="nope") == []


def test_filters_by_date_range_and_request_id(auditor: User) -> None:
    with transaction.atomic(), audit_context() as first_action:
        audit.record(actor="t", action="trustdesk.test.noted")
        audit.record(actor="t", action="trustdesk.test.noted")
    between = timezone.now()
    with transaction.atomic():
        audit.record(actor="t", action="trustdesk.test.noted")

    assert _sequences(auditor, since=between) == [3]
    assert _sequences(auditor, until=between) == [2, 1]
    assert _sequences(auditor, request_id=first_action.request_id) == [2, 1]


def test_export_rows_summarise_each_event_and_neutralise_formulas(
    auditor: User, officer: User, department: Department
) -> None:
    _trail(officer, department)
    events = audit_event_list_for_user(user=auditor).order_by("sequence")

    rows = list(audit_export_rows(events))

    assert rows[0] == (
        "time",
        "sequence",
        "actor",
        "action",
        "summary",
        "target",
        "request id",
        "hash",
    )
    second = rows[2]
    event = events.get(sequence=2)
    assert second == (
        event.created_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "2",
        "cli:root@host",
        "trustdesk.test.renamed",
        "Renamed a to b",
        'lists.source:ofac-sdn =HYPERLINK("http://x")',
        str(event.request_id),
        event.hash,
    )
    assert rows[1][2:6] == (
        "Jane Doe (jdoe)",
        "trustdesk.test.noted",
        "Noted: Physics",
        f"accounts.department:{department.pk} Physics",
    )
    assert rows[3][2:5] == ("'=2+5", "trustdesk.test.decided", "Decided")
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    assert out.getvalue().count("\r\n") == 4


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        (" =1+1", "' =1+1"),
        ("  +44", "'  +44"),
        ("\t-2", "'\t-2"),
        ("\n@SUM(A1)", "'\n@SUM(A1)"),
        ("\r\n=cmd", "'\r\n=cmd"),
        (" \t \n -1", "' \t \n -1"),
        (" plain", " plain"),
        ("\nplain", "\nplain"),
        ("a=1", "a=1"),
        ("", ""),
    ],
)
def test_neutralise_cell_quotes_what_a_spreadsheet_would_evaluate(cell: str, shown: str) -> None:
    assert neutralise_cell(cell) == shown
