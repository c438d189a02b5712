"""Sessions stored before the digest-keyed store (core.sessions) kept their raw key as the row's
primary key, readable by anyone with a copy of the database. They can no longer be found by the
new store anyway; deleting them removes the readable keys (their users sign in again once).
"""

from django.db import migrations


def delete_raw_key_sessions(apps, schema_editor):
    Session = apps.get_model("sessions", "Session")
    Session.objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_append_only_trigger"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(delete_raw_key_sessions, migrations.RunPython.noop, elidable=True),
    ]
