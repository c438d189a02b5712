"""The full-text index over SearchDocument, in each database's own dialect.

SQLite: an external-content FTS5 table kept in step by triggers (porter stemming over unicode61
tokens), so a search is one MATCH ranked by bm25. PostgreSQL: a trigger keeps the ``vector``
column (title weighted A, body B, English configuration) and a GIN index serves ``@@``; ranking
then reads the stored vector rather than parsing each matching text again.
"""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE hub_search_fts USING fts5("
    "title, body, content='hub_searchdocument', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER hub_search_ai AFTER INSERT ON hub_searchdocument BEGIN "
    "INSERT INTO hub_search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER hub_search_ad AFTER DELETE ON hub_searchdocument BEGIN "
    "INSERT INTO hub_search_fts(hub_search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER hub_search_au AFTER UPDATE ON hub_searchdocument BEGIN "
    "INSERT INTO hub_search_fts(hub_search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO hub_search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS hub_search_au",
    "DROP TRIGGER IF EXISTS hub_search_ad",
    "DROP TRIGGER IF EXISTS hub_search_ai",
    "DROP TABLE IF EXISTS hub_search_fts",
]
POSTGRES_UP = [
    "CREATE FUNCTION hub_search_vector_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "NEW.vector := setweight(to_tsvector('english', COALESCE(NEW.title, '')), 'A') || "
    "setweight(to_tsvector('english', COALESCE(NEW.body, '')), 'B'); RETURN NEW; END $$",
    "CREATE TRIGGER hub_search_vector BEFORE INSERT OR UPDATE ON hub_searchdocument "
    "FOR EACH ROW EXECUTE FUNCTION hub_search_vector_update()",
    "CREATE INDEX hub_search_vector_gin ON hub_searchdocument USING gin (vector)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS hub_search_vector_gin",
    "DROP TRIGGER IF EXISTS hub_search_vector ON hub_searchdocument",
    "DROP FUNCTION IF EXISTS hub_search_vector_update()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("hub", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
