"""SQLite: title words weigh ten times the rest in the FTS5 table's built-in ``rank`` (bm25)."""

from django.db import migrations

SQLITE_RANK = "INSERT INTO search_product_fts(search_product_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0)')"


def weight_title(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_RANK)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext_index")]

    operations = [migrations.RunPython(weight_title, migrations.RunPython.noop)]
