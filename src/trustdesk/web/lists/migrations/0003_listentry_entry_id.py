from django.db import migrations, models


class Migration(migrations.Migration):
    """The listed entry's id has one name everywhere (the matcher's hit, partners' hits, policy)."""

    dependencies = [("lists", "0002_leased_runs")]

    operations = [
        migrations.RemoveConstraint(model_name="listentry", name="entry_unique_id_per_snapshot"),
        migrations.RenameField(model_name="listentry", old_name="entity_id", new_name="entry_id"),
        migrations.AddConstraint(
            model_name="listentry",
            constraint=models.UniqueConstraint(
                fields=("snapshot", "entry_id"), name="entry_unique_id_per_snapshot"
            ),
        ),
    ]
