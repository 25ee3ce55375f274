"""Trigram indexes for substring searches, on PostgreSQL only (docs/decisions/0006).

A B-tree cannot answer `LIKE '%word%'`; a GIN index with pg_trgm's `gin_trgm_ops` can, for a word of three
characters or more. It must be on the very expression the query compares: Django's `icontains` compiles to
`UPPER(col::text) LIKE UPPER('%word%')` on PostgreSQL, so those columns are indexed as `UPPER(col)`, and
`contains` or `startswith` (`col::text LIKE …`) as the column itself. SQLite has no such index and reads every
row, as before: the operation does nothing there. The statements are SQL because Django renders an expression
with an operator class only with django.contrib.postgres installed, which C-pass is not (it runs on both).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

#: The migration that creates the pg_trgm extension (decision 0001): migrations adding these indexes depend on it.
PG_TRGM = ("classification", "0001_initial")


def trigram_indexes(app_label: str, model_name: str, lookups: dict[str, str]) -> migrations.RunPython:
    """An operation adding, on PostgreSQL, a trigram index per field of `lookups` (field → the lookup the search
    uses on it), named `<table>_<column>_trgm`."""

    def statements(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor, *, create: bool) -> Iterator[str]:
        if schema_editor.connection.vendor != "postgresql":
            return
        model = apps.get_model(app_label, model_name)
        quote = schema_editor.quote_name
        table = model._meta.db_table
        for field_name, lookup in lookups.items():
            column = model._meta.get_field(field_name).column
            name = quote(f"{table}_{column}_trgm")
            expression = f"UPPER({quote(column)})" if lookup == "icontains" else quote(column)
            if create:
                yield f"CREATE INDEX {name} ON {quote(table)} USING gin ({expression} gin_trgm_ops)"
            else:
                yield f"DROP INDEX IF EXISTS {name}"

    def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for statement in statements(apps, schema_editor, create=True):
            schema_editor.execute(statement)

    def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for statement in statements(apps, schema_editor, create=False):
            schema_editor.execute(statement)

    return migrations.RunPython(create, drop, elidable=False)
