"""Tariff loader speed: lines/s of the `tariff` importer on a generated 100,000-line China-format CSV
and of the `us-hts` importer on the US schedule in ../shared/data, each next to its floor.

The floor inserts the very tuples our importer prepared (the distinct rate sets with their rates, then the
lines pointing to them) with one executemany (SQLite) or COPY (PostgreSQL) per table and nothing else: no file
reading, parsing, checks or upsert logic. Ratio = ours / floor (1.0: as fast as the bare insert; lower: slower).

    .venv/bin/python -m bench.tariff_loader                     # SQLite
    CPASS_DATABASE_URL=postgresql://.../cpass_bench .venv/bin/python -m bench.tariff_loader
"""

from __future__ import annotations

import csv
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.micro import SHARED_DATA, Figure, django_database, print_figures

LINES = 100_000
US_HTS = SHARED_DATA / "tariffs" / "us_hts" / "us_hts_2025_basic_approx.csv"
UNITS = ("001", "003", "007", "011", "035", "070", "095", "143")
MFN = ("0%", "3%", "5%", "6%", "8%", "10%", "12%", "14%", "15%", "20%", "25%", "30%")
CONVENTIONAL = (
    "",
    "",
    "CN-ASEAN[*]=0%",
    "RCEP[JPN]=5.3%; RCEP[KOR]=4.3%; CN-ASEAN[*]=0%",
    "CN-AU[AUS]=0%; CN-NZ[NZL]=0%; CN-CH[CHE]=2%",
    "CN-KR[KOR]=2.4%; CN-CL[CHL]=0%",
)


def generate_cn_csv(path: Path, lines: int = LINES, *, seed: int = 7) -> None:
    """A China-format tariff file: unique 10-digit codes, realistic rate mixes, units and conditions."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    columns = [
        "code", "ciq_code", "description_en", "description_zh", "unit_1", "unit_2", "mfn", "general",
        "provisional", "conventional", "preferential", "export", "export_provisional", "consumption", "vat",
        "supervision_conditions", "inspection_categories", "valid_from", "valid_to",
    ]  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for number in range(lines):
            code = f"{1000000000 + number * 89:010d}"[-10:]
            mfn = rng.choice(MFN)
            writer.writerow(
                [
                    code,
                    "",
                    f"Generated goods {number}, of a kind used for testing loaders",
                    f"测试用商品 {number}",
                    rng.choice(UNITS),
                    rng.choice(("", "035")),
                    mfn,
                    rng.choice(("30%", "50%", "80%", "130%")),
                    rng.choice(("",) * 19 + ("2%",)),
                    rng.choice(CONVENTIONAL),
                    rng.choice(("",) * 9 + ("LDC[ETH RWA UGA]=0%",)),
                    "",
                    "",
                    rng.choice(("",) * 49 + ("20% + 1 CNY/095",)),
                    rng.choice(("13", "13", "9")),
                    rng.choice(("", "", "AB", "A", "4xAB")),
                    rng.choice(("", "", "M/N", "R/S", "P/Q")),
                    "2025-01-01",
                    "",
                ]
            )


def _units() -> None:
    from cpass.reference.models import CodeEntry, CodeTable

    table, _created = CodeTable.objects.get_or_create(key="unit", defaults={"name_en": "Units", "name_zh": "计量单位"})
    for code in UNITS:
        CodeEntry.objects.get_or_create(
            table=table, code=code, valid_from=None, defaults={"name_en": code, "name_zh": code}
        )


def _empty(jurisdiction_id: int) -> None:
    """Delete a jurisdiction's lines, then the rate sets no line uses (with their rates), with a few statements
    (not the ORM's cascade collector), so the next load stores its sets again."""
    from django.db import connection, transaction

    from cpass.tariff.models import DutyRate, RateSet, TariffLine

    line_table = connection.ops.quote_name(TariffLine._meta.db_table)
    rate_table = connection.ops.quote_name(DutyRate._meta.db_table)
    set_table = connection.ops.quote_name(RateSet._meta.db_table)
    used = f"SELECT rate_set_id FROM {line_table} WHERE rate_set_id IS NOT NULL"  # noqa: S608
    unused = f"SELECT id FROM {set_table} WHERE id NOT IN ({used})"  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {line_table} WHERE jurisdiction_id = %s", [jurisdiction_id])  # noqa: S608
        cursor.execute(f"DELETE FROM {rate_table} WHERE rate_set_id IN ({unused})")  # noqa: S608
        # The lines' rate_set_id has no index (the product never deletes a set): without one for this statement,
        # checking that no line uses a deleted set reads every remaining line once per set.
        cursor.execute(f"CREATE INDEX bench_line_rate_set ON {line_table} (rate_set_id)")
        cursor.execute(f"DELETE FROM {set_table} WHERE id IN ({unused})")  # noqa: S608
        cursor.execute("DROP INDEX bench_line_rate_set")


def _load(kind: str, path: Path, options: dict[str, str]) -> tuple[float, int, Any]:
    from cpass.imports.command import import_path

    start = time.perf_counter()
    result = import_path(kind, path, options=options)
    elapsed = time.perf_counter() - start
    if not result.committed:
        raise RuntimeError(f"{kind}: {result.issue_count} issues, e.g. {result.issues[:3]}")
    return elapsed, result.written, result


def _prepared(kind: str, path: Path, options: dict[str, str]) -> tuple[int, list[Any]]:
    """The jurisdiction id and the LineRecords the importer makes of `path` (parsed once, outside any timing)."""
    from cpass.imports.framework import importer_class

    importer: Any = importer_class(kind)(options=options)  # a TariffImporter or UsHtsImporter
    records: list[Any] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            record = importer.parse({key: (value or "").strip() for key, value in row.items()}, line)
            if record is not None:
                records.append(record)
    return importer.jurisdiction.pk, records


def _floor(jurisdiction_id: int, records: list[Any]) -> float:
    """Seconds to insert the importer's own prepared tuples (its rate sets with their rates, then its lines) with
    the bare bulk path, into emptied tables. Ids and set keys are prepared before the timing."""
    from django.db import transaction

    from cpass.imports.bulk import insert_rows, reserve_ids
    from cpass.tariff.importers import LineWriter
    from cpass.tariff.models import DutyRate, RateSet, TariffLine
    from cpass.tariff.rates import rate_set_key

    _empty(jurisdiction_id)
    now = "2025-01-01T00:00:00+00:00"
    with transaction.atomic():
        keys = {r.rates_repr or repr(r.rates): r.rates for r in records if r.rates}
        set_ids = dict(zip(keys, reserve_ids(RateSet, len(keys)), strict=True))
    set_rows = [(set_ids[text], rate_set_key(rates)) for text, rates in keys.items()]
    rate_rows = [(set_ids[text], *rate) for text, rates in keys.items() for rate in rates]
    line_rows = [
        (jurisdiction_id, r.code, r.ciq_code, r.valid_from, r.valid_to, r.description_en, r.description_zh, r.unit_1,
         r.unit_2, r.vat_rate, r.supervision_conditions, r.inspection_categories, r.hs_edition, r.source, "", now, now,
         set_ids.get(r.rates_repr or repr(r.rates)) if r.rates else None)
        for r in records
    ]  # fmt: skip
    start = time.perf_counter()
    with transaction.atomic():
        insert_rows(RateSet, ("id", "key"), set_rows)
        insert_rows(DutyRate, LineWriter.RATE_COLUMNS, rate_rows)
        insert_rows(TariffLine, LineWriter.INSERT_COLUMNS, line_rows)
    elapsed = time.perf_counter() - start
    _empty(jurisdiction_id)
    return elapsed


def _figure(name: str, lines: int, ours_s: list[float], floor_s: list[float], notes: str) -> Figure:
    """Median lines/s over the repetitions; the ratio is the median of each repetition's ours/floor
    (measured back to back, so a busy moment of the machine touches both alike)."""
    ours = [lines / seconds for seconds in ours_s]
    floor = [lines / seconds for seconds in floor_s]
    ratios = [o / f for o, f in zip(ours, floor, strict=True)]
    return Figure(
        name=name,
        unit="lines/s",
        ours=statistics.median(ours),
        floor=statistics.median(floor),
        ratio=statistics.median(ratios),
        spread={
            "min": min(ours),
            "max": max(ours),
            "floor_min": min(floor),
            "floor_max": max(floor),
            "ratio_min": min(ratios),
            "ratio_max": max(ratios),
            "n": float(len(ours)),
        },
        target=">= 50000 lines/s",
        notes=notes,
    )


def run() -> list[Figure]:
    """Each figure is the median of REPEAT (env CPASS_BENCH_REPEAT, default 3) back-to-back repetitions."""
    repeat = int(os.environ.get("CPASS_BENCH_REPEAT", "3"))
    figures: list[Figure] = []
    with django_database(), tempfile.TemporaryDirectory(prefix="cpass-tariff-bench-") as scratch:
        import json

        from django.db import connection

        from cpass.tariff.importers import FIXTURES
        from cpass.tariff.services import jurisdiction_upsert

        for item in json.loads((FIXTURES / "jurisdictions.json").read_text(encoding="utf-8")):
            jurisdiction_upsert(actor=None, **item)
        _units()
        cn_file = Path(scratch) / "cn_tariff_100k.csv"
        generate_cn_csv(cn_file)
        options = {"jurisdiction": "CN", "source": "bench"}
        cn_id, cn_records = _prepared("tariff", cn_file, options)
        floors, fresh, reload = [], [], []
        written = rewritten = 0
        for _round in range(repeat):
            floors.append(_floor(cn_id, cn_records))
            seconds, written, _result = _load("tariff", cn_file, options)
            fresh.append(seconds)
            seconds, rewritten, _result = _load("tariff", cn_file, options)
            reload.append(seconds)
            _empty(cn_id)
        del cn_records
        figures.append(
            _figure(f"tariff CN 100k lines, fresh ({connection.vendor})", written, fresh, floors, "generated CSV")
        )
        figures.append(
            _figure(
                f"tariff CN 100k lines, reload unchanged ({connection.vendor})",
                LINES,
                reload,
                floors,
                f"{rewritten} rows rewritten",
            )
        )
        if US_HTS.exists():
            us_options: dict[str, str] = {}
            from cpass.tariff.models import DutyRate

            _load("us-hts", US_HTS, us_options)  # creates the US jurisdiction and warms the caches
            us_id, us_records = _prepared("us-hts", US_HTS, us_options)
            floors, fresh = [], []
            for _round in range(repeat):
                floors.append(_floor(us_id, us_records))
                seconds, written, _result = _load("us-hts", US_HTS, us_options)
                fresh.append(seconds)
                if _round < repeat - 1:
                    _empty(us_id)
            us_rates = DutyRate.objects.filter(rate_set__lines__jurisdiction__code="US")  # each line's, as loaded
            unparsed = us_rates.filter(unparsed=True).count()
            total = us_rates.count()
            figures.append(
                _figure(
                    f"us-hts {written} lines, fresh ({connection.vendor})",
                    written,
                    fresh,
                    floors,
                    f"{total} rates, {unparsed} kept as text (unparsed)",
                )
            )
        else:
            print(f"bench: {US_HTS} is absent: the US HTS figure is not measured")
    return figures


if __name__ == "__main__":
    print_figures("tariff loader", run())
