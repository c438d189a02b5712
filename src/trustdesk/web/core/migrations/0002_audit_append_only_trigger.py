"""PostgreSQL refuses UPDATE and DELETE on the audit table, whatever client sends them.

The ORM already refuses (AuditEventQuerySet); the trigger also stops raw SQL from the application
or a console. TRUNCATE is deliberately left alone: Django's test flush uses it, and an emptied
trail is caught by an external anchor (`verify_chain(anchor=…)`), not by a trigger. A table owner
can still disable the trigger, which is why the hash chain exists. SQLite has no such trigger:
the embedded default is a single-user install whose file its owner can edit anyway.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on core_auditevent refused', TG_OP;
END
$$;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                sql, None
            )  # no params: the % in RAISE is plpgsql's, not psycopg's

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
