"""The demo's triage: engagements triaged by their owners under the UK pack before submission."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings

from trustdesk.web import demo
from trustdesk.web.cases.models import Engagement
from trustdesk.web.triage import selectors
from trustdesk.web.triage.models import TriageSession

pytestmark = pytest.mark.django_db


def test_the_demo_holds_completed_triage_and_one_an_adjudication_has_made_stale(
    settings: Any,
) -> None:
    settings.TRUSTDESK_POLICY_PACK = "gb-base"

    demo.demo_load(actor="cli:tester@host", force=not django_settings.EMBEDDED)

    sessions = TriageSession.objects.select_related("engagement", "owner").order_by("pk")
    current = selectors.pack()
    rows = [
        (s.engagement.title[:20] if s.engagement else "", s.owner.username, s.status)
        for s in sessions
    ]
    explicit = {"Keynote at the Afric", "Hypersonic boundary-", "Visiting researcher "}
    stale = {
        s.engagement.title[:20]: selectors.staleness(session=s, current=current)
        for s in sessions
        if s.engagement is not None and s.engagement.title[:20] in explicit
    }
    assert [row for row in rows if row[0] in explicit] == [
        ("Keynote at the Afric", "dlevi", "completed"),
        ("Hypersonic boundary-", "jwhitfield", "completed"),
        ("Visiting researcher ", "frahimi", "completed"),
    ]
    # Decisions are routed by the triage tier, so every engagement submitted has one (the rest
    # answered the quiet way by the demo).
    assert {s.status for s in sessions} == {"completed"}
    assert sorted(s.engagement_id for s in sessions) == sorted(
        Engagement.objects.values_list("pk", flat=True)
    )
    # Beihang's hits were open when its owner triaged; the officer has adjudicated them since.
    assert stale == {
        "Keynote at the Afric": [],
        "Hypersonic boundary-": [
            "The screening of the engagement's partners changed (new hits or adjudications)."
        ],
        "Visiting researcher ": [],
    }
    hypersonic = next(s for s in sessions if s.engagement.title.startswith("Hypersonic"))
    assert hypersonic.hits
    assert {h["status"] for h in hypersonic.hits} == {"unresolved"}


def test_the_demo_leaves_triage_out_under_a_pack_that_asks_other_questions(
    settings: Any,
) -> None:
    settings.TRUSTDESK_POLICY_PACK = "ca-base"

    demo.demo_load(actor="cli:tester@host", force=not django_settings.EMBEDDED)

    assert TriageSession.objects.count() == 0
