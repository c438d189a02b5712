"""The engagement's stored tier (`Engagement.triage_tier`) follows its latest completed triage.

Lists and the desk count and filter by this copy, so each service that makes, changes or undoes
a completed outcome must leave it equal to what the triage sessions say.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps

from tests import factories
from tests.web.cases.conftest import Cast, fields
from tests.web.triage.conftest import LISTED, Completed
from trustdesk.web.cases import selectors as case_selectors
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement, EngagementPartner
from trustdesk.web.partners import services as partner_services
from trustdesk.web.partners.models import ScreeningHit, ScreeningRun
from trustdesk.web.triage import selectors, services

pytestmark = pytest.mark.django_db
LARGE = 2_000_000  # the test pack's large-funding rule makes the tier "standard"
MIGRATIONS = "trustdesk.web.triage.migrations"


def _stored(engagement: Engagement) -> str:
    return Engagement.objects.values_list("triage_tier", flat=True).get(pk=engagement.pk)


def _listed_as(cast: Cast, engagement: Engagement, tier: str) -> bool:
    scope = case_selectors.engagement_list_for_user(user=cast.olga)
    return selectors.engagements_with_tier(scope, tier=tier).filter(pk=engagement.pk).exists()


def test_completing_and_reopening_keep_the_tier_of_the_latest_completed_triage(
    cast: Cast, completed: Completed
) -> None:
    engagement = case_services.engagement_create(actor=cast.rita, fields=fields())
    assert _stored(engagement) == ""
    assert _listed_as(cast, engagement, selectors.NO_TIER)

    first = completed(cast.rita, engagement)
    assert _stored(engagement) == "basic"
    second = completed(cast.rita, engagement, funding=LARGE)
    assert _stored(engagement) == "standard"
    assert _listed_as(cast, engagement, "standard")
    assert not _listed_as(cast, engagement, "basic")

    services.triage_reopen(actor=cast.rita, session=second)
    assert _stored(engagement) == "basic"  # the earlier outcome is the latest completed again
    services.triage_reopen(actor=cast.rita, session=first)
    assert _stored(engagement) == ""
    assert _listed_as(cast, engagement, selectors.NO_TIER)


def test_attaching_a_completed_triage_gives_the_engagement_its_tier(
    cast: Cast, completed: Completed
) -> None:
    session = completed(cast.rita, funding=LARGE)  # stand-alone
    engagement = case_services.engagement_create(actor=cast.rita, fields=fields())

    services.triage_attach(actor=cast.rita, session=session, engagement=engagement)

    assert _stored(engagement) == "standard"


def test_a_re_run_that_changes_the_tier_changes_the_stored_tier(
    cast: Cast, completed: Completed, watch_list: str
) -> None:
    engagement = case_services.engagement_create(actor=cast.rita, fields=fields())
    org = factories.make_organisation(cast.rita, LISTED)
    run = ScreeningRun.objects.get(organisation=org)
    partner_services.screening_run(run_id=str(run.public_id), actor="test:triage")
    case_services.engagement_partner_add(
        actor=cast.rita,
        engagement=engagement,
        partner=org,
        role=EngagementPartner.Role.COLLABORATOR,
    )
    session = completed(cast.rita, engagement, sensitive_tech=True, tech_areas=["propulsion"])
    assert _stored(engagement) == "enhanced"

    partner_services.hit_adjudicate(
        actor=cast.olga,
        hit=ScreeningHit.objects.get(run__organisation=org),
        verdict="false_positive",
        reason="A different institute",
    )
    services.triage_rerun(actor=cast.olga, session=session)

    assert _stored(engagement) == "standard"


def test_the_tier_annotation_reads_the_stored_tier_as_the_latest_outcome_says(
    cast: Cast, completed: Completed
) -> None:
    engagement = case_services.engagement_create(actor=cast.rita, fields=fields())
    completed(cast.rita, engagement, funding=LARGE)
    scope = case_selectors.engagement_list_for_user(user=cast.olga)

    [row] = selectors.engagements_with_tier(scope.filter(pk=engagement.pk))

    assert row.tier == "standard"  # type: ignore[attr-defined]  # the annotation
    assert selectors.latest_tier(engagement_id=engagement.pk) == "standard"


def test_the_data_migration_fills_the_tier_of_engagements_triaged_before_it(
    cast: Cast, completed: Completed
) -> None:
    migration = importlib.import_module(
        "trustdesk.web.triage.migrations.0003_engagement_triage_tier"
    )
    triaged = case_services.engagement_create(actor=cast.rita, fields=fields())
    completed(cast.rita, triaged)
    completed(cast.rita, triaged, funding=LARGE)  # the latest says "standard"
    untouched = case_services.engagement_create(actor=cast.rita, fields=fields())
    Engagement.objects.update(triage_tier="")  # as every row was before the column existed

    migration._forward(django_apps, None)

    assert (_stored(triaged), _stored(untouched)) == ("standard", "")
