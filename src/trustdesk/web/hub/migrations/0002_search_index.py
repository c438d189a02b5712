"""The full-text index over SearchDocument, in each database's own dialect.

SQLite: an external-content FTS5 table kept in step by triggers (porter stemming over unicode61
tokens), so a search is one MATCH ranked by bm25. PostgreSQL: a GIN index on the same
``to_tsvector('english', …)`` expression the search query builds, so the planner uses it.
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
# The expression Django's SearchVector("title", "body", config="english") compiles to, weighted
# as search.py weighs it; it must match character for character for the index to be used.
POSTGRES_UP = [
    "CREATE INDEX hub_search_vector ON hub_searchdocument USING gin (("
    "setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'B')))",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS hub_search_vector"]


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
