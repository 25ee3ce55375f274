"""Bulk writes of prepared rows for the item import: ids reserved up front, rows sent with COPY (PostgreSQL) or one
executemany (SQLite), the change log written the same way.

Why not `bulk_create` and `audit.registry.record_bulk`: on PostgreSQL Django 5.2 sends a bulk insert as arrays
(UNNEST) that psycopg's client-side binding quotes element by element in Python, a regular-expression callback
per quote character; the change log's JSON is all quotes. A million items took minutes that way; COPY of
plain tuples takes seconds (bench/declaration_items.py). The rows written are the same: ids from the table's
own sequence, timestamps as the ORM writes them, and change-log rows exactly as `record_bulk` makes them (a
test compares them).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone

from cpass.audit import registry
from cpass.audit.models import ObjectChange
from cpass.tariff.importers import bulk_insert


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys of `model`'s table, taken from its sequence (PostgreSQL) or its AUTOINCREMENT
    counter (SQLite), so that no other insert can take them. Call it inside the transaction."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [pk for (pk,) in cursor.fetchall()]
        # SQLite: this UPDATE is a write, so the transaction holds the database's write lock from here on and
        # the counter cannot move under us.
        cursor.execute("UPDATE sqlite_sequence SET seq = seq + %s WHERE name = %s", [count, table])
        if cursor.rowcount == 0:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            last = cursor.fetchone()[0]
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last + count])
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        end = cursor.fetchone()[0]
    return list(range(end - count + 1, end + 1))


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert tuples (values as the columns store them: JSON as text, times from `db_time`)."""
    if not rows:
        return
    with connection.cursor() as cursor:
        bulk_insert(cursor, connection.ops.quote_name(model._meta.db_table), columns, rows)


def db_time(moment: Any) -> Any:
    """An aware datetime as the ORM sends it to this database (naive UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(moment)


_CHANGE_COLUMNS = (
    "time",
    "user_id",
    "user_repr",
    "enterprise_id",
    "actor_enterprise_id",
    "request_id",
    "action",
    "content_type_id",
    "object_id",
    "object_repr",
    "before",
    "after",
)


def log_created(model: type[models.Model], created: Iterable[tuple[int, int | None, str, dict[str, Any] | str]]) -> int:
    """Change-log rows for new rows of `model` written without save(): (id, enterprise id, repr, snapshot as a
    dict or as its JSON text), as `registry.record_bulk` would write them."""
    entry = registry.audited(model)
    if entry is None:
        return 0
    author = registry.change_author()
    content_type_id = ContentType.objects.get_for_model(entry.model).pk
    now = db_time(timezone.now())
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    rows = [
        (
            now,
            author.user_id,
            author.user_repr,
            enterprise_id,
            author.actor_enterprise_id,
            author.request_id,
            "create",
            content_type_id,
            str(pk),
            text[:300],
            None,
            after if isinstance(after, str) else dumps(after),
        )
        for pk, enterprise_id, text, after in created
    ]
    insert_rows(ObjectChange, _CHANGE_COLUMNS, rows)
    return len(rows)
