"""The scheduled review-due sweep, as an operator or a timer runs it."""

from __future__ import annotations

import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from tests.web.cases.conftest import Advance
from trustdesk.web.cases.models import Engagement
from trustdesk.web.core.models import AuditEvent

Status = Engagement.Status

pytestmark = pytest.mark.django_db


def test_the_sweep_marks_due_engagements_once_and_says_which(advance: Advance) -> None:
    engagement = advance(Status.ACTIVE)  # review date 2027-03-01
    out, again = StringIO(), StringIO()

    with time_machine.travel("2027-03-01 08:00Z", tick=False):
        call_command("engagements_review_due", "--json", stdout=out)
        call_command("engagements_review_due", stdout=again)

    assert json.loads(out.getvalue()) == {
        "marked": [
            {
                "id": str(engagement.public_id),
                "title": "Quantum sensing with Example University",
                "review_date": "2027-03-01",
            }
        ]
    }
    assert again.getvalue() == "0 engagement(s) now due for review.\n"
    event = AuditEvent.objects.get(action="trustdesk.engagement.review_due")
    assert (event.actor_label, event.data["old"], event.data["new"]) == (
        "task:cases.review_due",
        "active",
        "review_due",
    )


def test_before_the_review_date_nothing_moves(advance: Advance) -> None:
    engagement = advance(Status.ACTIVE)
    out = StringIO()

    with time_machine.travel("2027-02-28 23:59Z", tick=False):
        call_command("engagements_review_due", stdout=out)

    assert out.getvalue() == "0 engagement(s) now due for review.\n"
    assert Engagement.objects.get(pk=engagement.pk).status == Status.ACTIVE
