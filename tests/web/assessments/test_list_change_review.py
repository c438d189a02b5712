"""Ongoing monitoring and reviews: a list change that lists a decided case's partner makes the
case due for review at once, tells the officers, and puts the hit on the officer's desk."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests import factories
from tests.web.assessments.conftest import Case
from tests.web.cases.conftest import REVIEW_DATE, Cast
from tests.web.triage.conftest import LIST_SOURCE
from trustdesk.web.assessments import services
from trustdesk.web.cases.models import Engagement
from trustdesk.web.desk.providers import hits_awaiting_verdict
from trustdesk.web.lists.services import list_snapshot_import
from trustdesk.web.notify.models import Notification
from trustdesk.web.partners.models import ScreeningRun
from trustdesk.web.watch.models import Rescreen

pytestmark = pytest.mark.django_db
PARTNER = "Université Exemple de Lyon"  # not on the test list at first
ROWS = (
    "id,name,aliases,type,countries,notes\n"
    "TT-001,Example Institute of Applied Physics,EIAP,organization,CN,Test entry\n"
    "TT-002,Example Aerospace Design Bureau,,organization,RU,Test entry\n"
)


def test_a_new_listing_of_a_decided_case_s_partner_makes_its_review_due(
    cast: Cast,
    in_review: Case,
    watch_list: str,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a decided case whose partner matched nothing
    engagement, hit = in_review(partner=PARTNER)
    assert hit is None
    services.assessment_run(actor=cast.olga, engagement=engagement)
    factories.recommend_and_decide(
        engagement, cast.olga, what=factories.proposal(review_date=REVIEW_DATE)
    )

    # when the list is published again with the partner on it
    path = tmp_path / "v2" / "triage-test.csv"
    path.parent.mkdir()
    path.write_text(ROWS + f"TT-003,{PARTNER},,organization,FR,Added\n", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        list_snapshot_import(paths=[path], source=LIST_SOURCE, actor="test:monitoring")

    # then the partner has a new screening with the hit, and the case is due for review
    run = ScreeningRun.objects.filter(trigger="list_changed").get()
    assert [h.key for h in run.hits.all()] == [f"{LIST_SOURCE}:TT-003"]
    rescreen = Rescreen.objects.get(source=LIST_SOURCE, old_snapshot__isnull=False)
    assert (rescreen.status, rescreen.added, rescreen.changed, rescreen.removed) == (
        "completed",
        1,
        0,
        0,
    )
    assert rescreen.engagements_due == [str(engagement.public_id)]
    assert Engagement.objects.get(pk=engagement.pk).status == Engagement.Status.REVIEW_DUE
    told = Notification.objects.filter(kind=Notification.Kind.LIST_HITS)
    assert {n.recipient.username for n in told} == {"olga"}
    items = list(hits_awaiting_verdict(user=cast.olga, today=date(2026, 12, 1)))
    assert [i.engagement.pk if i.engagement else None for i in items] == [engagement.pk]
