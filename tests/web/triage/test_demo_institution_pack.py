"""The demo under the example UK institution pack: Wessex's own people on its triage results."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings

from trustdesk.web import demo
from trustdesk.web.triage.models import TriageSession

pytestmark = pytest.mark.django_db


def test_the_demo_triages_under_the_wessex_pack_with_its_named_contacts(settings: Any) -> None:
    settings.TRUSTDESK_POLICY_PACK = "example-uk-university"

    demo.demo_load(actor="cli:tester@host", force=not django_settings.EMBEDDED)

    # Every case the demo submits is triaged (its tier routes the decision), all under Wessex's.
    sessions = list(TriageSession.objects.order_by("pk"))
    # One triage per engagement: every demo case is submitted, and decisions route by its tier.
    assert len(sessions) == len(demo.data.ENGAGEMENTS)
    assert {(s.status, s.pack_id, tuple(s.pack_lineage)) for s in sessions} == {
        ("completed", "example-uk-university", ("gb-base@2026.1",))
    }
    contacts = {
        process["id"]: process["contact"]["name"]
        for s in sessions
        for process in (s.outcome or {})["processes"]
    }
    assert contacts["visitor-check"] == "Oluwaseun Adeyemi"
    assert contacts["export-control"] == "Graham Pike"
    assert all(s.outcome and "wessex_containment_lab" not in s.outcome["asked"] for s in sessions)
