"""Declaration items from a file: lines/s of the `declaration_items` importer on a generated 1,000,000-line CSV
and a 1,000,000-line XLSX, with every row checked, into one draft declaration and its 19,999 continuations, next
to its floor, and the peak memory of the import (with that of the process reading a large XLSX sheet).

Ours: a child process (so its peak resident memory is the import's alone: VmHWM, as ru_maxrss on Linux keeps
the forking parent's) sets Django up on the bench database and runs the importer through the import engine
(`run_import`) as the enterprise's owner: streaming the file, the field checks of every row (`item_values` with
codes and tariff lines cached, the legal units against the line, the customs rate of the currency), the
continuation declarations with their events, the items in bulk and their change log. The time is the engine's
run, file open to commit.

Floor: the very item rows our importer wrote, copied back into the items table with one COPY (PostgreSQL) or
one executemany (SQLite), and nothing else: no file, checks, declarations, events or change log. Ratio =
ours ÷ floor (1.0: as fast as the bare insert; lower: slower).

    .venv/bin/python -m bench.declaration_items                                      # SQLite
    CPASS_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/cpass_bench .venv/bin/python -m bench.declaration_items

CPASS_BENCH_ITEM_LINES (default 1000000), CPASS_BENCH_ITEM_XLSX_LINES (1000000) and CPASS_BENCH_REPEAT (3) change
the sizes and the repetitions. Results: bench/results/declaration_items.json.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from bench.micro import ROOT, Figure, django_database, print_figures

LINES = int(os.environ.get("CPASS_BENCH_ITEM_LINES", "1000000"))
XLSX_LINES = int(os.environ.get("CPASS_BENCH_ITEM_XLSX_LINES", "1000000"))
TARGET_RATE = 20_000
TARGET_MB = 300
DECLARATION_DATE = dt.date(2026, 3, 2)
#: Goods of the demo tariff valid on the date: code, name, "|"-joined elements, trade unit, unit 1, unit 2.
GOODS = (
    ("8413602100", "液压齿轮泵", "4|3|液压系统用|齿轮式|Bosch Rexroth|HGP-40|||", "001", "001", "035"),
    ("8471300000", "笔记本电脑", "4|3|数据处理|1.4千克|Lenovo|X1 Carbon|||", "001", "001", "035"),
    ("8517130000", "智能手机", "4|3|通讯|通话、上网|Apple|A3090|||", "001", "001", "035"),
    ("6109100000", "棉制针织T恤衫", "4|3|针织|T恤衫|男式|100%棉|Hugo Boss|HB-2026-01|||", "011", "011", "035"),
    ("0901110000", "生咖啡豆", "0|3|未焙炒、未浸除咖啡碱|60千克/袋|Tchibo|||", "035", "035", ""),
    ("2204210000", "葡萄酒", "4|3|红葡萄酒|13.5%|0.75升|Château Margaux|2019||||", "095", "095", "035"),
    ("8418102000", "冷藏冷冻组合机", "4|3|冷藏冷冻|350升|Liebherr|CBNd 5223|||", "001", "001", ""),
    ("7202210000", "硅铁", "0|3|含硅75%|||", "035", "035", ""),
)
CURRENCIES = ("EUR", "USD", "JPY", "HKD", "GBP")
ORIGINS = ("DEU", "USA", "JPN", "FRA", "ITA", "VNM", "KOR", "GBR")
AREAS = ("31222", "44031", "11019", "32059")


def _row(rng: random.Random, number: int) -> list[str]:
    code, name, spec, trade_unit, unit_1, unit_2 = GOODS[number % len(GOODS)]
    quantity = rng.randint(1, 5000)
    price = f"{rng.randint(100, 999_999) / 100:.2f}"
    legal_2 = f"{quantity * rng.randint(1, 400) / 10:.1f}" if unit_2 and unit_2 != trade_unit else ""
    return [
        code,
        "",
        f"{name} {number}",
        spec,
        str(quantity),
        trade_unit,
        "",  # legal quantity 1: the trade quantity, as the unit is the same
        unit_1,
        legal_2,
        unit_2,
        price,
        "",  # the total: unit price × quantity
        rng.choice(CURRENCIES),
        rng.choice(ORIGINS),
        "CHN",
        rng.choice(AREAS),
        "1",
        "",
    ]


def generate_csv(path: Path, lines: int, *, seed: int = 11) -> None:
    from cpass.customs.itemsheet.importers import COLUMN_TITLES

    rng = random.Random(seed)  # noqa: S311 - test data
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([title.title for title in COLUMN_TITLES])
        writer.writerows(_row(rng, number) for number in range(lines))


#: Columns of `_row` that a spreadsheet holds as numbers (quantities, prices); the others are text.
NUMBER_COLUMNS = frozenset((4, 8, 10))
_SPREADSHEET_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIP_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_RELATIONSHIP_TYPES}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_SPREADSHEET_MAIN}" xmlns:r="{_RELATIONSHIP_TYPES}">'
        '<sheets><sheet name="Items" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_RELATIONSHIP_TYPES}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_RELATIONSHIP_TYPES}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}


def generate_xlsx(path: Path, lines: int, *, seed: int = 12) -> None:
    """The item sheet as Excel saves one: text in the shared-string table, quantities and prices as numbers, rows
    with `spans` and blank cells left out. Written directly (openpyxl writes inline strings, and slowly)."""
    from xml.sax.saxutils import escape

    from cpass.customs.itemsheet.importers import COLUMN_TITLES

    rng = random.Random(seed)  # noqa: S311 - test data
    letters = [chr(ord("A") + index) for index in range(len(COLUMN_TITLES))]
    shared: dict[str, int] = {}

    def row_xml(number: int, cells: list[str]) -> str:
        parts = [f'<row r="{number}" spans="1:{len(letters)}">']
        for column, text in enumerate(cells):
            if not text:
                continue
            if column in NUMBER_COLUMNS and number > 1:
                parts.append(f'<c r="{letters[column]}{number}"><v>{text}</v></c>')
            else:
                index = shared.setdefault(text, len(shared))
                parts.append(f'<c r="{letters[column]}{number}" t="s"><v>{index}</v></c>')
        parts.append("</row>")
        return "".join(parts)

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, xml in _XLSX_PARTS.items():
            archive.writestr(name, xml)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_SPREADSHEET_MAIN}">'
            sheet.write(f'{head}<dimension ref="A1:R{lines + 1}"/><sheetData>'.encode())
            sheet.write(row_xml(1, [title.title for title in COLUMN_TITLES]).encode())
            chunk: list[str] = []
            for number in range(lines):
                chunk.append(row_xml(number + 2, _row(rng, number)))
                if len(chunk) == 2000:
                    sheet.write("".join(chunk).encode())
                    chunk.clear()
            sheet.write(("".join(chunk) + "</sheetData></worksheet>").encode())
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(
                f'<sst xmlns="{_SPREADSHEET_MAIN}" count="{len(shared)}" uniqueCount="{len(shared)}">'.encode()
            )
            texts = list(shared)
            for start in range(0, len(texts), 5000):
                strings.write(
                    "".join(f"<si><t>{escape(text)}</t></si>" for text in texts[start : start + 5000]).encode()
                )
            strings.write(b"</sst>")


def _world() -> tuple[int, int]:
    """The enterprise's owner and its draft declaration (ids), with the demo tariff and rates loaded."""
    from django.db import transaction

    from cpass.accounts.tests.factories import UserFactory
    from cpass.customs.choices import DECLARATION_PREFIX
    from cpass.customs.tests.factories import DeclarationFactory
    from cpass.fx.demo import load_demo as load_demo_rates
    from cpass.organizations.tests.factories import EnterpriseFactory, MembershipFactory
    from cpass.shipments.services import next_sequence_numbers
    from cpass.tariff.demo import load_demo as load_demo_tariff

    load_demo_tariff()
    load_demo_rates()
    enterprise = EnterpriseFactory.create(name="Bench Trading Co., Ltd.")
    user = UserFactory.create(email="bench@example.com", name="Bench User")
    MembershipFactory.create(enterprise=enterprise, user=user, role="owner")
    # Its reference from the enterprise's counter, as the product numbers declarations: the factory's own
    # sequence (from DC-2026-90000) would meet the continuations' numbers after four million-line imports.
    with transaction.atomic():
        (reference,) = next_sequence_numbers(enterprise_id=enterprise.pk, prefix=DECLARATION_PREFIX, count=1)
    declaration = DeclarationFactory.create(
        enterprise=enterprise, declaration_date=DECLARATION_DATE, reference=reference
    )
    return user.pk, declaration.pk


def _peak_kb(ru_maxrss: int) -> int:
    """The process's own peak resident memory. On Linux ru_maxrss also keeps the high-water mark of the process
    that forked it (exec keeps it), here the bench with its generated data; VmHWM is this process's alone."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return ru_maxrss


def child(user_id: int, declaration_id: int, path: str, out: str) -> None:
    """Run one import (in its own process) and write its time, counts and peak memory to `out` (the peak of the
    whole process: Django, every app and its libraries, about 160 MB before the first row, included)."""
    import resource

    import django

    django.setup()
    from cpass.core.context import acting_as
    from cpass.customs.models import Declaration
    from cpass.imports.framework import importer_class, run_import
    from cpass.organizations.selectors import actor_for

    reader_peaks: list[int] = []

    class ReaderPeak(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            reader_peaks.append(getattr(record, "reader_peak_kb", 0))

    reader_log = logging.getLogger("cpass.imports.xlsx")
    reader_log.addHandler(ReaderPeak())
    reader_log.setLevel(logging.INFO)
    declaration = Declaration.objects.unscoped().get(pk=declaration_id)
    from cpass.accounts.models import User

    actor = actor_for(user=User.objects.get(pk=user_id), enterprise_id=declaration.enterprise_id)
    file = Path(path)
    start = time.perf_counter()
    importer = importer_class("declaration_items")(actor=actor, options={"declaration": str(declaration_id)})
    with file.open("rb") as stream, acting_as(user_id, declaration.enterprise_id):
        result = run_import(importer, stream, filename=file.name, size=file.stat().st_size)
    seconds = time.perf_counter() - start
    peak_kb = _peak_kb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    reader_kb = sum(reader_peaks)  # the XLSX reading process, if the sheet was read in one
    Path(out).write_text(
        json.dumps(
            {
                "seconds": seconds,
                "rows": result.rows,
                "written": result.written,
                "issues": result.issue_count,
                "first_issues": [issue.as_dict() for issue in result.issues[:3]],
                "peak_mb": (peak_kb + reader_kb) / 1024,
                "reader_peak_mb": reader_kb / 1024,
            }
        )
    )


def _run_child(user_id: int, declaration_id: int, path: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "result.json"
        arguments = f"{user_id}, {declaration_id}, {str(path)!r}, {str(out)!r}"
        code = f"from bench.declaration_items import child; child({arguments})"
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not out.exists():
            raise RuntimeError(f"the import process failed: {done.stderr.strip()[-2000:]}")
        result: dict[str, Any] = json.loads(out.read_text())
    if result["issues"] or result["written"] != result["rows"]:
        raise RuntimeError(f"the import was refused: {result['issues']} issues, e.g. {result['first_issues']}")
    return result


def _tables() -> dict[str, str]:
    from django.db import connection

    from cpass.audit.models import ObjectChange
    from cpass.customs.models import Declaration, DeclarationEvent, DeclarationItem

    quote = connection.ops.quote_name
    return {
        "item": quote(DeclarationItem._meta.db_table),
        "declaration": quote(Declaration._meta.db_table),
        "event": quote(DeclarationEvent._meta.db_table),
        "link": quote(Declaration.containers.through._meta.db_table),
        "change": quote(ObjectChange._meta.db_table),
    }


#: The item columns the floor copies (every column but the id, which the table's sequence gives).
ITEM_COLUMNS = (
    "created_at", "updated_at", "enterprise_id", "declaration_id", "item_number", "goods_line_id", "product_id",
    "hs_code", "ciq_code", "name", "elements", "specification", "quantity", "trade_unit", "legal_quantity_1",
    "legal_unit_1", "legal_quantity_2", "legal_unit_2", "unit_price", "total_price", "currency", "origin_country",
    "destination_country", "domestic_area", "duty_mode", "origin_certificate",
)  # fmt: skip


def _empty(declaration_id: int) -> None:
    """Delete what an import wrote (items, continuations and their events and links, the change log) with a few
    statements, not the ORM's cascade collector."""
    from django.db import connection, transaction

    t = _tables()
    parts = f"SELECT id FROM {t['declaration']} WHERE split_from_id = %s"  # noqa: S608 - constant names
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {t['change']}")  # noqa: S608
        cursor.execute(f"DELETE FROM {t['item']}")  # noqa: S608
        cursor.execute(f"DELETE FROM {t['event']} WHERE declaration_id IN ({parts})", [declaration_id])  # noqa: S608
        cursor.execute(f"DELETE FROM {t['link']} WHERE declaration_id IN ({parts})", [declaration_id])  # noqa: S608
        cursor.execute(f"DELETE FROM {t['declaration']} WHERE split_from_id = %s", [declaration_id])  # noqa: S608


def _floor(declaration_id: int, scratch: Path) -> float:
    """Seconds to put the rows our import wrote back into the emptied items table with the bare bulk path."""
    from django.db import connection, transaction

    t = _tables()
    names = ", ".join(ITEM_COLUMNS)
    dump = scratch / "items.copy"
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with dump.open("wb") as out, cursor.cursor.copy(f"COPY {t['item']} ({names}) TO STDOUT") as copy:
                for data in copy:
                    out.write(data)
        else:
            cursor.execute(f"SELECT {names} FROM {t['item']}")  # noqa: S608
            rows = cursor.fetchall()
    _empty(declaration_id)  # the floor needs the continuations back: re-created below from the dump's ids
    from cpass.customs.models import Declaration

    # Put the continuation declarations back (outside the timing), so the items' foreign keys hold.
    with transaction.atomic(), connection.cursor() as cursor:
        _restore_parts(cursor, declaration_id, dump if connection.vendor == "postgresql" else None, rows)
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with dump.open("rb") as source, cursor.cursor.copy(f"COPY {t['item']} ({names}) FROM STDIN") as copy:
                while data := source.read(1 << 20):
                    copy.write(data)
        else:
            marks = ", ".join(["%s"] * len(ITEM_COLUMNS))
            cursor.executemany(f"INSERT INTO {t['item']} ({names}) VALUES ({marks})", rows)  # noqa: S608
    elapsed = time.perf_counter() - start
    del rows
    _empty(declaration_id)
    Declaration.objects.unscoped().filter(split_from_id=declaration_id).delete()
    return elapsed


def _restore_parts(cursor: Any, declaration_id: int, dump: Path | None, rows: list[tuple[Any, ...]]) -> None:
    """Bare declaration rows with the ids the dumped items point at (copies of the target's row)."""
    from cpass.customs.models import Declaration

    if dump is not None:
        index = ITEM_COLUMNS.index("declaration_id")
        ids: set[int] = set()
        with dump.open("rb") as source:
            for line in source:
                ids.add(int(line.split(b"\t", index + 1)[index]))
    else:
        index = ITEM_COLUMNS.index("declaration_id")
        ids = {row[index] for row in rows}
    ids.discard(declaration_id)
    target = Declaration.objects.unscoped().get(pk=declaration_id)
    parts = []
    for pk in sorted(ids):
        part = Declaration(
            **{
                field.attname: getattr(target, field.attname)
                for field in Declaration._meta.concrete_fields
                if field.attname not in ("id", "reference")
            }
        )
        part.pk, part.reference, part.split_from_id = pk, f"F-{pk}", declaration_id
        parts.append(part)
    Declaration.objects.unscoped().bulk_create(parts, batch_size=2000)


def _figure(name: str, ours: list[dict[str, Any]], floors: list[float] | None, target: str, notes: str) -> Figure:
    rates = [run["rows"] / run["seconds"] for run in ours]
    spread: dict[str, float] = {"min": min(rates), "max": max(rates), "n": float(len(rates))}
    floor = ratio = None
    if floors:
        floor_rates = [ours[0]["rows"] / seconds for seconds in floors]
        ratios = [o / f for o, f in zip(rates, floor_rates, strict=True)]
        floor, ratio = statistics.median(floor_rates), statistics.median(ratios)
        spread |= {
            "floor_min": min(floor_rates),
            "floor_max": max(floor_rates),
            "ratio_min": min(ratios),
            "ratio_max": max(ratios),
        }
    return Figure(
        name=name,
        unit="lines/s",
        ours=statistics.median(rates),
        floor=floor,
        ratio=ratio,
        spread=spread,
        target=target,
        notes=notes,
    )


def _memory(name: str, runs: list[dict[str, Any]], notes: str) -> Figure:
    peaks = [run["peak_mb"] for run in runs]
    return Figure(
        name=name,
        unit="MB",
        ours=statistics.median(peaks),
        floor=None,
        ratio=None,
        spread={"min": min(peaks), "max": max(peaks), "n": float(len(peaks))},
        target=f"< {TARGET_MB} MB",
        notes=notes,
    )


def run() -> list[Figure]:
    """Each figure is the median of REPEAT (env CPASS_BENCH_REPEAT, default 3) back-to-back repetitions."""
    repeat = int(os.environ.get("CPASS_BENCH_REPEAT", "3"))
    figures: list[Figure] = []
    with django_database(), tempfile.TemporaryDirectory(prefix="cpass-items-bench-") as scratch_dir:
        from django.db import connection

        scratch = Path(scratch_dir)
        user_id, declaration_id = _world()
        vendor = connection.vendor
        big = scratch / f"items_{LINES}.csv"
        generate_csv(big, LINES)
        ours, floors = [], []
        for _round in range(repeat):
            ours.append(_run_child(user_id, declaration_id, big))
            floors.append(_floor(declaration_id, scratch))
        megabytes = big.stat().st_size / 1_048_576
        parts = -(-LINES // 50)
        figures.append(
            _figure(
                f"items CSV {LINES:,} lines ({vendor})",
                ours,
                floors,
                f">= {TARGET_RATE} lines/s",
                f"{megabytes:.0f} MB file; {parts:,} declarations of 50 items; floor: COPY of the written items",
            )
        )
        figures.append(
            _memory(
                f"items CSV {LINES:,} lines, peak memory ({vendor})",
                ours,
                "peak resident memory (VmHWM) of the process running the import",
            )
        )
        small = scratch / f"items_{XLSX_LINES}.xlsx"
        generate_xlsx(small, XLSX_LINES)
        xlsx_runs, xlsx_floors = [], []
        for _round in range(repeat):
            xlsx_runs.append(_run_child(user_id, declaration_id, small))
            xlsx_floors.append(_floor(declaration_id, scratch))
        reader_mb = statistics.median(run["reader_peak_mb"] for run in xlsx_runs)
        figures.append(
            _figure(
                f"items XLSX {XLSX_LINES:,} lines ({vendor})",
                xlsx_runs,
                xlsx_floors,
                f">= {TARGET_RATE} lines/s",
                f"{small.stat().st_size / 1_048_576:.0f} MB workbook as Excel saves one (shared strings); "
                "floor: COPY of the written items",
            )
        )
        figures.append(
            _memory(
                f"items XLSX {XLSX_LINES:,} lines, peak memory ({vendor})",
                xlsx_runs,
                "peak resident memory (VmHWM) of the process running the import plus that of the process reading "
                f"the sheet ({reader_mb:.0f} MB of it)",
            )
        )
    path = ROOT / "bench" / "results" / "declaration_items.json"
    path.write_text(
        json.dumps(
            {"database": vendor, "lines": LINES, "xlsx_lines": XLSX_LINES, "figures": [f.as_dict() for f in figures]},
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    return figures


if __name__ == "__main__":
    print_figures("declaration items import", run())
