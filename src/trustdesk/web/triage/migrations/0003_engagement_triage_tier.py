"""Fill `Engagement.triage_tier` from each engagement's latest completed triage.

From this migration on the triage services keep the copy current; this sets it once for the
engagements triaged before, in one statement. Backwards there is nothing to undo: the column
goes with the cases migration that added it.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import OuterRef, Subquery, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce


def _forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    engagements = apps.get_model("cases", "Engagement")
    sessions = apps.get_model("triage", "TriageSession")
    latest = (
        sessions.objects.filter(engagement=OuterRef("pk"), status="completed")
        .order_by("-completed_at", "-pk")
        .annotate(tier_id=KT("outcome__tier__id"))
        .values("tier_id")[:1]
    )
    engagements.objects.update(triage_tier=Coalesce(Subquery(latest), Value("")))


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0002_outcome_schema_2"),
        ("cases", "0006_engagement_triage_tier"),
    ]

    operations = [migrations.RunPython(_forward, migrations.RunPython.noop)]
