"""A hit's listed entry is `entry_id`, as everywhere else; a hit not yet adjudicated is
"unresolved" (the screening engine's `HitStatus`), no longer "open"."""

from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def _open_to_unresolved(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    hits = apps.get_model("partners", "ScreeningHit")
    hits.objects.filter(verdict="open").update(verdict="unresolved")


def _unresolved_to_open(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    hits = apps.get_model("partners", "ScreeningHit")
    hits.objects.filter(verdict="unresolved").update(verdict="open")


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0002_screeningrun_coverage"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="screeninghit",
            options={"ordering": ["-score", "source", "entry_id"]},
        ),
        migrations.RemoveConstraint(
            model_name="screeninghit",
            name="partners_hit_unique_entry_per_run",
        ),
        migrations.RenameField(
            model_name="screeninghit",
            old_name="entity_id",
            new_name="entry_id",
        ),
        migrations.AlterField(
            model_name="screeninghit",
            name="verdict",
            field=models.CharField(
                choices=[
                    ("unresolved", "Not yet adjudicated"),
                    ("confirmed", "Confirmed match"),
                    ("false_positive", "False positive"),
                    ("needs_information", "Needs information"),
                ],
                default="unresolved",
                max_length=20,
            ),
        ),
        migrations.RunPython(_open_to_unresolved, _unresolved_to_open),
        migrations.AddConstraint(
            model_name="screeninghit",
            constraint=models.UniqueConstraint(
                fields=("run", "source", "entry_id"), name="partners_hit_unique_entry_per_run"
            ),
        ),
    ]
