"""Bulk writes of prepared rows for importers: ids reserved up front, rows sent with COPY (PostgreSQL) or one
executemany (SQLite), the change log written the same way, and on PostgreSQL the COPYs sent from a writer thread
while the importer reads and checks the next rows (`write_behind`).

Why not `bulk_create` and `audit.registry.record_bulk`: on PostgreSQL Django 5.2 sends a bulk insert as arrays
(UNNEST) that psycopg's client-side binding quotes element by element in Python, a regular-expression callback
per quote character; the change log's JSON is all quotes. A million items took minutes that way; COPY of
plain tuples takes seconds (bench/declaration_items.py). The rows written are the same: ids from the table's
own sequence, timestamps as the ORM writes them, and change-log rows exactly as `record_bulk` makes them (a
test compares them). Where many rows repeat values, a writer may format them as COPY text itself
(`insert_lines`, `copy_line`): psycopg's `write_row` dumps every field of every row, about 8 µs for an item row
against 2 µs; the change log is always sent that way on PostgreSQL.

Why a writer thread: the server takes about as long to store a batch (its rows, their indexes, their change
log) as Python takes to read and check it, and a COPY returns only when the server is done. Sent from a
thread, the COPY goes on while the next batch is checked: the declaration-item import of a million lines went
from 18.8k to 22-25k lines/s on 2 cores (bench/declaration_items.py). Within the block the foreign keys are
checked as each COPY ends rather than all at commit, so that work too overlaps the parsing (a tariff load of
100,000 lines: its commit took 0.5 s of 2.3 s). SQLite stores rows inside this process, one row per call with
the GIL taken back each time, so there the insert stays in the calling thread.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from cpass.audit import registry
from cpass.audit.models import ObjectChange

#: COPYs queued in the writer thread at most; the importing thread waits for the oldest beyond it.
MAX_PENDING = 4
#: How often (seconds) Python hands the GIL to a waiting thread while a writer runs; 5 ms by default. The writer
#: lets the GIL go at every wait for the socket and must get it back from the importing thread, which holds it
#: while it checks rows: at 5 ms a turn the server ran dry between turns (18.8k lines/s, no gain); at 0.5 ms the
#: writer keeps it fed (22-23k). 0.1 ms and 1 ms measured slower. Restored when the last writer stops.
WRITER_SWITCH_INTERVAL = 0.0005

_local = threading.local()
_switch_lock = threading.Lock()
_switch_users = 0
_switch_saved = 0.0


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert tuples (values as the columns store them: JSON as text, times from `db_time`). Inside
    `write_behind` on PostgreSQL the COPY is queued to the writer thread and this returns at once; `rows` must
    not change afterwards."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608
        return
    _copy(model, columns, rows)


def insert_lines(model: type[models.Model], columns: Sequence[str], lines: list[str]) -> None:
    """PostgreSQL only: insert rows already written as lines of COPY's text format (`copy_line`, each with its
    newline), as `insert_rows` inserts tuples. For many rows that repeat values (an import's goods) this is a
    fraction of the work of psycopg's `write_row`, which dumps every field of every row one by one."""
    if connection.vendor != "postgresql":
        raise NotImplementedError("COPY text is PostgreSQL's: use insert_rows elsewhere")
    if lines:
        _copy(model, columns, "".join(lines))


def copy_field(value: str | int | Decimal | dt.datetime | None) -> str:
    """A value as a field of COPY's text format: None is NULL, text has its backslashes, tabs and line breaks
    escaped, numbers and aware datetimes are written as PostgreSQL reads them."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    return str(value)


def copy_line(values: Iterable[str | int | Decimal | dt.datetime | None]) -> str:
    """Values as one row of COPY's text format, without the newline (so that a part repeated from row to row can
    be formatted once and joined with the rest)."""
    return "\t".join(map(copy_field, values))


def _copy(model: type[models.Model], columns: Sequence[str], data: list[tuple[Any, ...]] | str) -> None:
    """COPY tuples or COPY text into the model's table: queued to the writer thread inside `write_behind`."""
    table = connection.ops.quote_name(model._meta.db_table)
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    writer: _Writer | None = getattr(_local, "writer", None)
    if writer is not None:
        writer.copy(statement, data)
        return
    with connection.cursor() as cursor, connection.wrap_database_errors:  # Django's IntegrityError, as the writer's
        _send(cursor.cursor, statement, data)


def _send(cursor: Any, statement: str, data: list[tuple[Any, ...]] | str) -> None:
    with cursor.copy(statement) as copy:
        if isinstance(data, str):
            copy.write(data)
        else:
            for row in data:
                copy.write_row(row)


@contextmanager
def write_behind() -> Iterator[None]:
    """Within the block, `insert_rows` on PostgreSQL COPYs from a writer thread on this thread's connection, in
    order. Every other query this thread sends meanwhile (through Django) first waits for the queued COPYs and
    raises the first one's error, if one failed; leaving the block waits the same way, so the transaction around
    it commits or rolls back only after every row reached the server. Elsewhere, and nested, it changes nothing.
    Use it inside the transaction (`transaction.atomic()`), around code that writes with `insert_rows`.
    """
    if connection.vendor != "postgresql" or getattr(_local, "writer", None) is not None:
        yield
        return
    # Foreign keys checked as each statement ends, in the writer's COPYs while the next rows are checked, not
    # all at commit when nothing else runs (Django declares them DEFERRABLE INITIALLY DEFERRED). Writers insert
    # what rows point to first. A rollback of the block's transaction or savepoint undoes this SET.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    writer = _Writer(connections[DEFAULT_DB_ALIAS])  # this thread's own wrapper, not the per-thread proxy
    _local.writer = writer
    _faster_switches(True)
    try:
        with connection.execute_wrapper(writer.before_query):
            yield
        writer.drain()
        if not connection.needs_rollback:  # else the rollback undoes the SET
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    except BaseException:
        writer.drain(quiet=True)
        raise
    finally:
        _local.writer = None
        _faster_switches(False)
        writer.close()


class _Writer:
    """One thread sending queued COPYs on the importing thread's psycopg connection."""

    def __init__(self, database: BaseDatabaseWrapper) -> None:
        self.database = database
        self.raw = database.connection
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cpass-copy")
        self.pending: deque[Future[None]] = deque()

    def copy(self, statement: str, data: list[tuple[Any, ...]] | str) -> None:
        self.drain(keep=MAX_PENDING - 1)
        self.pending.append(self.executor.submit(self._copy, statement, data))

    def _copy(self, statement: str, data: list[tuple[Any, ...]] | str) -> None:
        with self.database.wrap_database_errors, self.raw.cursor() as cursor:
            _send(cursor, statement, data)

    def drain(self, *, keep: int = 0, quiet: bool = False) -> None:
        """Wait for the queued COPYs, oldest first, until `keep` are left; raise the first failure unless `quiet`
        (after it the transaction has failed: the COPYs queued behind it fail too, are waited for and not
        reported)."""
        while len(self.pending) > keep:
            job = self.pending.popleft()
            try:
                job.result()
            except BaseException:
                if not quiet:
                    self.drain(quiet=True)
                    raise

    def before_query(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if self.pending:
            self.drain()
        return execute(sql, params, many, context)

    def close(self) -> None:
        self.executor.shutdown(wait=True)


def _faster_switches(on: bool) -> None:
    """Set WRITER_SWITCH_INTERVAL while at least one writer runs in the process; restore the interval after."""
    global _switch_users, _switch_saved
    with _switch_lock:
        if on:
            if _switch_users == 0:
                _switch_saved = sys.getswitchinterval()
                sys.setswitchinterval(min(_switch_saved, WRITER_SWITCH_INTERVAL))
            _switch_users += 1
        else:
            _switch_users -= 1
            if _switch_users == 0:
                sys.setswitchinterval(_switch_saved)


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


class IdPool:
    """New primary keys of a model's table, reserved `block` at a time (`reserve_ids`); unused ones stay gaps in
    the sequence. Each reservation is a query, and inside `write_behind` a query waits for the COPYs being sent:
    fewer reservations keep the parsing going."""

    def __init__(self, model: type[models.Model], block: int) -> None:
        self.model = model
        self.block = block
        self.free: list[int] = []

    def take(self, count: int) -> list[int]:
        if len(self.free) < count:
            self.free.extend(reserve_ids(self.model, max(count - len(self.free), self.block)))
        ids, self.free = self.free[:count], self.free[count:]
        return ids


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
#: The same columns in the order `log_created` writes COPY text: those alike in every row first.
_CHANGE_COPY_COLUMNS = (
    "time",
    "user_id",
    "user_repr",
    "actor_enterprise_id",
    "request_id",
    "action",
    "content_type_id",
    "before",
    "enterprise_id",
    "object_id",
    "object_repr",
    "after",
)


def log_created(
    model: type[models.Model],
    created: Iterable[tuple[int, int | None, str, dict[str, Any] | str]],
    *,
    author: registry.ChangeAuthor | None = None,
) -> int:
    """Change-log rows for new rows of `model` written without save(): (id, enterprise id, repr, snapshot as a
    dict or as its JSON text), as `registry.record_bulk` would write them.

    An importer passes the `author` it looked up once: looking it up here is a query, which inside
    `write_behind` waits for the rows just sent, where the next batch could have been checked meanwhile."""
    entry = registry.audited(model)
    if entry is None:
        return 0
    author = author or registry.change_author()
    content_type_id = ContentType.objects.get_for_model(entry.model).pk
    now = db_time(timezone.now())
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    if connection.vendor == "postgresql":
        # The same columns, those alike in every row first: formatted once, the rest row by row.
        alike = (now, author.user_id, author.user_repr, author.actor_enterprise_id, author.request_id, "create")
        head = copy_line((*alike, content_type_id, None))
        lines = [
            f"{head}\t{copy_field(enterprise_id)}\t{pk}\t{copy_field(text[:300])}\t"
            f"{copy_field(after if isinstance(after, str) else dumps(after))}\n"
            for pk, enterprise_id, text, after in created
        ]
        insert_lines(ObjectChange, _CHANGE_COPY_COLUMNS, lines)
        return len(lines)
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
