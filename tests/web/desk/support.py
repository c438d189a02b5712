"""Records the desk tests need beyond the services' reach: a completed screening with hits, and a
completed triage with a given tier (the triage engine's own tests cover how a tier is reached)."""

from __future__ import annotations

from django.utils import timezone

from tests import factories
from trustdesk.web.accounts.models import User
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement, EngagementPartner
from trustdesk.web.partners.models import ScreeningHit, ScreeningRun
from trustdesk.web.triage import services as triage_services
from trustdesk.web.triage.models import TriageSession


def screened_partner(
    engagement: Engagement, actor: User, name: str, verdicts: list[str]
) -> EngagementPartner:
    """An organisation on the engagement whose latest completed screening has these hits."""
    org = factories.make_organisation(actor, name)
    run = ScreeningRun.objects.filter(organisation=org).order_by("pk").last()
    if run is None:
        run = ScreeningRun.objects.create(organisation=org, trigger="created", requested_by="test")
    run.status, run.completed_at = ScreeningRun.Status.COMPLETED, timezone.now()
    run.save(update_fields=["status", "completed_at"])
    run.hits.all().delete()
    for i, verdict in enumerate(verdicts):
        ScreeningHit.objects.create(
            run=run,
            source="custom:test",
            entry_id=f"{name}-{i}",
            entry_name=name,
            matched_name=name,
            query_name=name,
            score=0.95,
            explanation="Every word matched.",
            verdict=verdict,
        )
    return case_services.engagement_partner_add(
        actor=actor, engagement=engagement, partner=org, role="partner_institution", note=""
    )


def triaged(engagement: Engagement, tier: str) -> TriageSession:
    """A completed triage with this tier, and the engagement's stored tier following it."""
    session = TriageSession.objects.create(
        owner=engagement.owner,
        engagement=engagement,
        status=TriageSession.Status.COMPLETED,
        pack_id="gb-base",
        pack_version="test",
        pack_digest="0" * 64,
        outcome={"tier": {"id": tier, "label": tier, "description": "", "reasons": []}},
        completed_by=engagement.owner,
        completed_at=timezone.now(),
    )
    triage_services.engagement_tier_sync(engagement_id=engagement.pk)
    return session
