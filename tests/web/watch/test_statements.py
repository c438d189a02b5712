"""How many database statements a full re-screen spends per partner it writes.

A full re-screen of 300,000 partners is bounded by its round trips to the database, so the
count per partner written is held under a ceiling here (200 partners never screened, each
gaining one hit): a change that writes per partner again what could be written per batch
fails this test rather than the benchmark weeks later.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.web.watch.conftest import ImportList
from trustdesk.web.accounts.models import User
from trustdesk.web.core.audit import verify_chain
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.partners.models import Organisation, ScreeningHit, ScreeningRun
from trustdesk.web.watch import services
from trustdesk.web.watch.models import Rescreen, RescreenOutcome

pytestmark = pytest.mark.django_db
PARTNERS = 200
CEILING = 3.0  # statements per partner written, the split and the finish included (was 16)


def test_a_full_re_screen_writes_few_statements_per_partner(
    import_list: ImportList, researcher: User, django_capture_on_commit_callbacks: Any
) -> None:
    names = [f"Example Institute of Applied Physics Number {i:03d}" for i in range(PARTNERS)]
    import_list([f"W-{i},{name},,organization,CN,Listed\n" for i, name in enumerate(names)])
    Organisation.objects.bulk_create(
        [Organisation(name=name, kind="university", owner=researcher) for name in names]
    )  # on file without a screening, as after a bulk load: each is written by the re-screen

    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        started = services.rescreen_full(actor="test:statements")

    started.refresh_from_db()
    assert (started.status, started.subjects_screened) == ("completed", PARTNERS)
    runs = ScreeningRun.objects.filter(batch=str(started.public_id))
    assert runs.count() == PARTNERS
    assert ScreeningHit.objects.filter(run__in=runs).count() >= PARTNERS
    assert RescreenOutcome.objects.filter(rescreen=started).count() == PARTNERS
    per_partner = len(queries) / PARTNERS
    assert per_partner <= CEILING, per_partner
    assert Rescreen.objects.filter(kind="full").count() == 1
    # and every screening is still audited on its own, in an unbroken chain
    events = AuditEvent.objects.filter(action="trustdesk.screening.completed")
    assert sorted(e.data["run"] for e in events) == sorted(str(r.public_id) for r in runs)
    assert verify_chain().intact
