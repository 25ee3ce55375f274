"""Ports and places: the UN/LOCODE loader's rows/s on the full published list in ../shared/data, and
search latency (p50/p95) by code prefix and by name, each next to its floor.

Loader floor: the importer's own prepared tuples (locations, then their search keys) inserted with one
bare executemany each into emptied tables: no file reading, parsing, checks, upsert or coordinate
check. Search floor: the very SQL statements our selector runs for the same query (captured from the
database connection: the ranked union, and the word matches when the first ten reach them), run raw on a
cursor (no validation, no query building, no model instances). Ratios as in bench/micro.py: search ours ÷ floor
(1.0 = as fast as the raw SQL), loader ours rows/s ÷ floor rows/s (1.0 = as fast as the bare insert).

    .venv/bin/python -m bench.places_search                          # SQLite
    CPASS_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/cpass_bench .venv/bin/python -m bench.places_search
"""

from __future__ import annotations

import csv
import functools
import time
from typing import Any

from bench.micro import SHARED_DATA, Figure, django_database, latency_stats, print_figures, time_calls

UNLOCODE = SHARED_DATA / "unlocode" / "unlocode_code_list.csv"
ROUNDS = 5
#: What a person types into a port field: whole codes, partial codes, spaced codes.
CODE_QUERIES = [
    "CNSHA", "CNNGB", "CN SZX", "NLRTM", "DEHAM", "USLAX", "SGSIN", "KRPUS", "JPTYO", "AEJEA",
    "CNSH", "DEHA", "USNY", "GBFX", "BEAN", "FRLE", "ITGO", "ESVL", "BRSS", "INNS",
    "CN", "US", "DE", "FR", "IT",
]  # fmt: skip
#: Names and name starts, in several languages and spellings, and Chinese (matched as pinyin).
NAME_QUERIES = [
    "shanghai", "ningbo", "rotterdam", "hamburg", "los angeles", "singapore", "busan", "felixstowe",
    "antwerp", "jebel ali", "san", "port", "new", "saint", "santa", "rio", "sao paulo", "munchen",
    "pudong", "baoan", "international", "上海", "宁波", "qingdao", "ham",
]  # fmt: skip
TYPEAHEAD = 10


def _actor() -> Any:
    from cpass.accounts.tests.factories import UserFactory
    from cpass.organizations.selectors import actor_for

    return actor_for(user=UserFactory.create(), enterprise_id=None)


def _prepared() -> tuple[list[tuple[Any, ...]], list[str]]:
    """The importer's parsed rows for the whole file, as it would write them."""
    from cpass.imports.framework import importer_class

    importer = importer_class("locode")()
    rows: dict[str, Any] = {}
    with UNLOCODE.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            parsed = importer.parse({key: (value or "").strip() for key, value in row.items()}, line)
            if parsed is not None:
                rows[parsed.unlocode] = parsed
    return [(row.unlocode, *row.values) for row in rows.values()], list(rows)


def _loader_floor() -> tuple[float, int]:
    """Seconds to insert the prepared locations and their search keys with bare executemany."""
    from django.db import connection, transaction

    from cpass.places.importers import FIELDS, _Statements
    from cpass.places.models import Location
    from cpass.places.text import word_tails

    location_rows, codes = _prepared()
    key_at = 1 + FIELDS.index("search_key")
    sql = _Statements()
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql.insert_location, location_rows)
        ids = dict(Location.objects.values_list("unlocode", "id"))
        cursor.executemany(
            sql.insert_key,
            [(ids[row[0]], tail) for row in location_rows for tail in word_tails(row[key_at])],
        )
    elapsed = time.perf_counter() - start
    Location.objects.all().delete()
    return elapsed, len(codes)


def _load() -> tuple[float, Any]:
    from cpass.imports.command import import_path

    start = time.perf_counter()
    result = import_path("locode", UNLOCODE, options={})
    elapsed = time.perf_counter() - start
    if not result.committed:
        raise RuntimeError(f"locode: {result.issue_count} issues, e.g. {result.issues[:3]}")
    return elapsed, result


def _latency(name: str, actor: Any, queries: list[str]) -> Figure:
    from django.db import connection

    from cpass.places.selectors import location_search

    def ours(q: str) -> list[Any]:
        return list(location_search(actor=actor, q=q)[:TYPEAHEAD])

    def statements(q: str) -> list[tuple[str, Any]]:
        ran: list[tuple[str, Any]] = []

        def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            ran.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            ours(q)
        return ran

    compiled = {q: statements(q) for q in queries}

    def floor(q: str) -> list[Any]:
        rows: list[Any] = []
        with connection.cursor() as cursor:
            for sql, params in compiled[q]:
                cursor.execute(sql, params)
                rows += cursor.fetchall()
        return rows

    for q in queries:  # warm the caches, and check both answer the same
        assert [row.pk for row in ours(q)] == [row[0] for row in floor(q)], q
    ours_ms: list[float] = []
    floor_ms: list[float] = []
    for _ in range(ROUNDS):
        for q in queries:
            ours_ms += time_calls(functools.partial(ours, q), repeat=1)
            floor_ms += time_calls(functools.partial(floor, q), repeat=1)
    stats = latency_stats(ours_ms)
    floor_stats = latency_stats(floor_ms)
    return Figure(
        name=f"{name} ({connection.vendor})",
        unit="ms",
        ours=stats["p95"],
        floor=floor_stats["p95"],
        ratio=stats["p95"] / floor_stats["p95"] if floor_stats["p95"] else None,
        spread=stats,
        notes=f"first {TYPEAHEAD}, ranked; floor p50 {floor_stats['p50']:.3f} ms; {len(queries)} queries × {ROUNDS}",
    )


def run() -> list[Figure]:
    if not UNLOCODE.exists():
        print(f"bench: {UNLOCODE} is absent: the places figures are not measured")
        return []
    with django_database():
        from django.db import connection

        from cpass.places.models import Location

        floor_s, codes = _loader_floor()
        fresh_s, result = _load()
        located = Location.objects.count()
        figures = [
            Figure(
                name=f"locode loader, fresh ({connection.vendor})",
                unit="rows/s",
                ours=result.rows / fresh_s,
                floor=codes / floor_s,
                ratio=(result.rows / fresh_s) / (codes / floor_s),
                notes=f"{result.rows} rows, {located} locations in {fresh_s:.1f} s; floor {floor_s:.1f} s",
            )
        ]
        again_s, again = _load()
        figures.append(
            Figure(
                name=f"locode loader, reload unchanged ({connection.vendor})",
                unit="rows/s",
                ours=again.rows / again_s,
                floor=codes / floor_s,
                ratio=(again.rows / again_s) / (codes / floor_s),
                notes=f"{again.written} rows rewritten in {again_s:.1f} s",
            )
        )
        actor = _actor()
        figures.append(_latency("place search by code p95", actor, CODE_QUERIES))
        figures.append(_latency("place search by name p95", actor, NAME_QUERIES))
    return figures


if __name__ == "__main__":
    print_figures("ports and places", run())
