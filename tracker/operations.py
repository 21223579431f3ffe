"""Migration operations for what only PostgreSQL has."""

from django.db import migrations


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
