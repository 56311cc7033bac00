"""The full-text index, one per database vendor.

PostgreSQL: a GIN index on the maintained ``search_vector`` column.
SQLite: an FTS5 table over ``title`` and ``body`` (external content: it stores only the
index), kept in step with ``search_productdocument`` by triggers.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE INDEX search_product_vector_gin ON search_productdocument USING GIN (search_vector)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS search_product_vector_gin"]

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_product_fts USING fts5(
        title, body,
        content='search_productdocument', content_rowid='product_id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER search_product_fts_insert AFTER INSERT ON search_productdocument BEGIN
        INSERT INTO search_product_fts(rowid, title, body) VALUES (new.product_id, new.title, new.body);
    END""",
    """CREATE TRIGGER search_product_fts_delete AFTER DELETE ON search_productdocument BEGIN
        INSERT INTO search_product_fts(search_product_fts, rowid, title, body)
        VALUES ('delete', old.product_id, old.title, old.body);
    END""",
    """CREATE TRIGGER search_product_fts_update AFTER UPDATE ON search_productdocument BEGIN
        INSERT INTO search_product_fts(search_product_fts, rowid, title, body)
        VALUES ('delete', old.product_id, old.title, old.body);
        INSERT INTO search_product_fts(rowid, title, body) VALUES (new.product_id, new.title, new.body);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_product_fts_update",
    "DROP TRIGGER IF EXISTS search_product_fts_delete",
    "DROP TRIGGER IF EXISTS search_product_fts_insert",
    "DROP TABLE IF EXISTS search_product_fts",
]

STATEMENTS = {
    "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD),
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
}


def _run(schema_editor, direction: int) -> None:
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        return
    for sql in statements[direction]:
        schema_editor.execute(sql)


def forward(apps, schema_editor):
    _run(schema_editor, 0)


def backward(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
