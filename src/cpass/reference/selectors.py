"""Reads of the code tables: look a code up on a date, validate it for a form or API field, list choices,
and the lists behind the reference pages and API.

Lookups by code (`code_entry`, `validate_code`, `code_choices`, the `code_name` filter) run for every
coded field of every declaration, so they are served from a per-process cache of each table's rows.
Every change empties it: the services and the importer call `codes_changed()`, and a signal does the
same for any other save or delete of a row. Inside a transaction that changed codes the cache is
bypassed, so nothing uncommitted (or later rolled back) is ever cached. Other processes see a change
after at most `CACHE_SECONDS`.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cpass.core.actor import Actor
from cpass.core.errors import NotFound, ValidationFailed
from cpass.core.platform import require_reference_read
from cpass.reference.models import CodeEntry, CodeTable
from cpass.reference.tables import Table

#: How long another process may keep serving a table after it changed.
CACHE_SECONDS = 60.0
#: Longest search text accepted; longer input is an error, not a slow query.
MAX_QUERY_LENGTH = 200


def valid_on(on: dt.date) -> Q:
    """Rows whose validity (`valid_from`..`valid_to` inclusive, open when empty) covers `on`."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def covers(entry: CodeEntry, on: dt.date) -> bool:
    """Python twin of `valid_on` for one row."""
    return (entry.valid_from is None or entry.valid_from <= on) and (entry.valid_to is None or entry.valid_to >= on)


# -- the per-process cache -------------------------------------------------------------------


@dataclass(frozen=True)
class _CachedTable:
    loaded_at: float
    #: code -> its versions, oldest first.
    versions: dict[str, list[CodeEntry]]


_cache: dict[str, _CachedTable] = {}
_local = threading.local()


def codes_changed() -> None:
    """Forget every cached table now and again when the current transaction commits."""
    _cache.clear()
    if connection.in_atomic_block:
        _local.dirty = True
    transaction.on_commit(_cache.clear)


def _cached(key: str) -> _CachedTable | None:
    """The table's rows from the cache (loading them if needed), or None to read the database."""
    if getattr(_local, "dirty", False):
        if connection.in_atomic_block:
            return None  # this transaction changed codes: read what it sees, cache nothing
        _local.dirty = False
        _cache.clear()
    cached = _cache.get(key)
    if cached is None or time.monotonic() - cached.loaded_at > CACHE_SECONDS:
        versions: dict[str, list[CodeEntry]] = {}
        for entry in CodeEntry.objects.filter(table__key=key).select_related("table").order_by("code", "valid_from"):
            versions.setdefault(entry.code, []).append(entry)
        cached = _CachedTable(loaded_at=time.monotonic(), versions=versions)
        _cache[key] = cached
    return cached


# -- lookups used by every module ----------------------------------------------------------------


def entries(table: Table | str, *, on: dt.date | None = None) -> QuerySet[CodeEntry]:
    day = on or timezone.localdate()
    return CodeEntry.objects.filter(table__key=str(table)).filter(valid_on(day)).order_by("code")


def code_entry(table: Table | str, code: str, *, on: dt.date | None = None) -> CodeEntry | None:
    """The entry of `code` valid on `on` (today by default), or None. Treat the result as read-only."""
    day = on or timezone.localdate()
    cached = _cached(str(table))
    if cached is None:
        return entries(table, on=day).filter(code=code).first()
    return next((entry for entry in cached.versions.get(code, ()) if covers(entry, day)), None)


def validate_code(table: Table | str, code: str, *, field: str, on: dt.date | None = None) -> CodeEntry:
    """The entry for `code`, or a ValidationFailed on `field` that says which table and date."""
    entry = code_entry(table, code, on=on)
    if entry is None:
        day = on or timezone.localdate()
        raise ValidationFailed.on(
            field,
            _("“%(code)s” is not a code of the %(table)s table valid on %(date)s.")
            % {"code": code, "table": str(table), "date": day.isoformat()},
        )
    return entry


def code_choices(table: Table | str, *, on: dt.date | None = None) -> list[tuple[str, str]]:
    """(code, "code name") pairs in the active language, for a select field."""
    day = on or timezone.localdate()
    cached = _cached(str(table))
    if cached is None:
        rows = list(entries(table, on=day))
    else:
        rows = [e for code in sorted(cached.versions) for e in cached.versions[code] if covers(e, day)]
    return [(entry.code, f"{entry.code} {entry.name}") for entry in rows]


# -- the reference pages and API -------------------------------------------------------------------


def table_list(*, actor: Actor) -> QuerySet[CodeTable]:
    """Every table with `entry_count` (rows of all versions)."""
    require_reference_read(actor)
    return CodeTable.objects.annotate(entry_count=Count("entries")).order_by("key")


def table_get(*, actor: Actor, key: str) -> CodeTable:
    require_reference_read(actor)
    table = CodeTable.objects.annotate(entry_count=Count("entries")).filter(key=key).first()
    if table is None:
        raise NotFound(_("There is no code table “%(key)s”.") % {"key": key})
    return table


def entry_search(
    *, actor: Actor, key: str, q: str | None = None, on: dt.date | None = None, all_versions: bool = False
) -> QuerySet[CodeEntry]:
    """Entries of a table valid on `on` (today by default; every version with `all_versions`) whose
    code starts with `q` or whose English or Chinese name contains it."""
    table = table_get(actor=actor, key=key)
    rows = CodeEntry.objects.filter(table=table).select_related("table")
    if not all_versions:
        rows = rows.filter(valid_on(on or timezone.localdate()))
    text = (q or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise ValidationFailed.on("q", _("Search for at most %(count)d characters.") % {"count": MAX_QUERY_LENGTH})
    if text:
        rows = rows.filter(Q(code__istartswith=text) | Q(name_en__icontains=text) | Q(name_zh__icontains=text))
    return rows.order_by("code", F("valid_from").asc(nulls_first=True))


def entry_on(*, actor: Actor, key: str, code: str, on: dt.date | None = None) -> CodeEntry:
    """The version of `code` valid on `on` (today by default); NotFound when none is."""
    table = table_get(actor=actor, key=key)
    day = on or timezone.localdate()
    entry = CodeEntry.objects.filter(table=table, code=code).filter(valid_on(day)).select_related("table").first()
    if entry is None:
        raise NotFound(
            _("The %(table)s table has no code “%(code)s” valid on %(date)s.")
            % {"table": table.key, "code": code, "date": day.isoformat()}
        )
    return entry


def entry_versions(*, actor: Actor, key: str, code: str) -> QuerySet[CodeEntry]:
    """Every version of one code, oldest first; NotFound when the code was never in the table."""
    table = table_get(actor=actor, key=key)
    rows = (
        CodeEntry.objects.filter(table=table, code=code)
        .select_related("table")
        .order_by(F("valid_from").asc(nulls_first=True))
    )
    if not rows.exists():
        raise NotFound(_("The %(table)s table has no code “%(code)s”.") % {"table": table.key, "code": code})
    return rows


def entry_get(*, actor: Actor, entry_id: int) -> CodeEntry:
    require_reference_read(actor)
    entry = CodeEntry.objects.select_related("table").filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("No such code table entry."))
    return entry
