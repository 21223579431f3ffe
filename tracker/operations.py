"""Migration operations for what only PostgreSQL has."""

from django.db import migrations

from tracker.text import clean_text, fold_sql, text_fields


class PostgreSQLOnly(migrations.RunSQL):
    """``RunSQL`` that runs on PostgreSQL and does nothing elsewhere (SQLite in development
    and tests): for extensions and index types SQLite does not have. The model state is not
    touched, so the index is documented beside the model rather than in ``Meta.indexes``."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_index(table: str, column: str, name: str) -> PostgreSQLOnly:
    """A GIN trigram index, which serves ``column LIKE '%term%'`` (Django's ``__contains``)."""
    return PostgreSQLOnly(
        sql=[
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)",
        ],
        reverse_sql=[f"DROP INDEX IF EXISTS {name}"],
    )


class RefoldSearchColumns(migrations.operations.base.Operation):
    """Recompute generated ``search_*`` columns with today's ``tracker.text.fold_sql``.

    ``columns`` are ``(table, generated column, source column)``. PostgreSQL 15 cannot change a
    generated column's expression in place (``SET EXPRESSION`` is 17+), so each column is
    dropped and added again, which computes it for every row, and the indexes that used it
    (trigram indexes) are created again from their own definitions. On SQLite the column calls
    the Python fold, so there is nothing to do. The model state does not change: the field is
    still ``folded(…)``; only the SQL behind it did.
    """

    reduces_to_sql = False
    reversible = True

    def __init__(self, columns):
        self.columns = columns

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        with schema_editor.connection.cursor() as cursor:
            for table, column, source in self.columns:
                cursor.execute(
                    "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
                    "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                    "WHERE i.indrelid = %s::regclass AND a.attname = %s",
                    [table, column],
                )
                indexes = [definition for (definition,) in cursor.fetchall()]
                schema_editor.execute(f"ALTER TABLE {quote(table)} DROP COLUMN {quote(column)}")
                schema_editor.execute(
                    f"ALTER TABLE {quote(table)} ADD COLUMN {quote(column)} text "
                    f"GENERATED ALWAYS AS ({fold_sql(quote(source))}) STORED"
                )
                for definition in indexes:
                    schema_editor.execute(definition)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        # The previous expression gave the same result on clean text; nothing to undo.
        pass

    def describe(self):
        return "Recompute the folded search columns " + ", ".join(
            f"{table}.{column}" for table, column, _source in self.columns
        )


def clean_stored_text(app_label: str):
    """A ``RunPython`` function that cleans the text already stored in ``app_label``'s tables
    (``tracker.text.clean_text``), writing only the rows that change."""

    def forwards(apps, schema_editor):
        for model in apps.get_app_config(app_label).get_models():
            fields = text_fields(model)
            if not fields:
                continue
            names = [name for name, _multiline in fields]
            rows = model._base_manager.order_by("pk").values_list("pk", *names)
            changes = []
            for pk, *values in rows.iterator(chunk_size=2000):
                changed = {
                    name: clean_text(value, multiline=multiline)
                    for (name, multiline), value in zip(fields, values, strict=True)
                    if isinstance(value, str) and clean_text(value, multiline=multiline) != value
                }
                if changed:
                    changes.append((pk, changed))
            for pk, changed in changes:
                model._base_manager.filter(pk=pk).update(**changed)

    return forwards
