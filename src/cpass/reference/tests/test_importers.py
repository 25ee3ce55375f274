from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from cpass.imports.framework import FileRejected, importer_class, run_import
from cpass.reference import selectors
from cpass.reference.models import CodeEntry

pytestmark = pytest.mark.django_db


def _entry(table: str, code: str, on: dt.date | None = None) -> CodeEntry:
    found = selectors.code_entry(table, code, on=on)
    assert found is not None, (table, code, on)
    return found


HEADER = "table,code,name_en,name_zh,valid_from,valid_to,attributes\n"


def load(text: str | bytes, *, name: str = "codes.csv", keep: bool = False, **options: str):
    data = text.encode() if isinstance(text, str) else text
    importer = importer_class("codes")(options=options)
    return run_import(importer, io.BytesIO(data), filename=name, all_or_nothing=not keep)


def snapshot():
    return list(CodeEntry.objects.order_by("pk").values_list("table__key", "code", "name_en", "valid_from", "valid_to"))


def test_load_new_version_with_explicit_close_then_idempotent():
    text = (
        HEADER
        + 'unit,035,Kilogram,千克,,2026-12-31,"{""rec20"": ""KGM""}"\n'
        + 'unit,035,Kilogram (new),千克,2027-01-01,,"{""rec20"": ""KGM""}"\n'
        + "country,ZZZ,Testland,测试国,,,\n"
    )
    first = load(text)
    assert (first.committed, first.written, first.issue_count) == (True, 3, 0)
    assert _entry("unit", "035", on=dt.date(2027, 1, 1)).name_en == "Kilogram (new)"
    assert _entry("unit", "035", on=dt.date(2026, 12, 31)).name_en == "Kilogram"
    before = snapshot()
    again = load(text)
    assert (again.committed, again.written) == (True, 0)
    assert snapshot() == before


def test_table_option_and_builtin_fixture_reloads_unchanged():
    from pathlib import Path

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "trade_mode.csv"
    result = load(fixture.read_bytes(), name="trade_mode.csv", table="trade_mode")
    assert (result.committed, result.written, result.rows) == (True, 0, 95)


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("nope,001,A,甲,,,", "table", "There is no code table “nope”."),
        ("unit,35,A,甲,,,", "code", "“35” does not have the form of a unit code ([0-9]{3})."),
        ("unit,201,,甲,,,", "name_en", "The English name is required."),
        ("unit,201,A,,,,", "name_zh", "The Chinese name is required."),
        ("unit,201,A,甲,2026/01/01,,", "valid_from", "“2026/01/01” is not a date in the form 2026-01-31."),
        ("unit,201,A,甲,2026-02-01,2026-01-01,", "valid_to", "“Valid to” is before “valid from”."),
        ('unit,201,A,甲,,,"{bad"', "attributes", None),
        ('unit,201,A,甲,,,"[1, 2]"', "attributes", 'Attributes must be a JSON object, e.g. {"rec20": "KGM"}.'),
    ],
)
def test_bad_rows_are_reported_and_nothing_is_saved(row, column, message):
    before = snapshot()
    result = load(HEADER + "unit,202,Fine,好,,,\n" + row + "\n")
    assert not result.committed
    assert [(i.line, i.column) for i in result.issues] == [(3, column)]
    if message:
        assert result.issues[0].message == message
    assert snapshot() == before


def test_duplicate_rows_and_overlaps_are_refused():
    dup = load(HEADER + "unit,201,A,甲,,,\nunit,201,B,乙,,,\n")
    assert [(i.line, i.column, i.message) for i in dup.issues] == [
        (3, "code", "Line 2 already has this code with the same “valid from”.")
    ]
    overlap = load(HEADER + "unit,035,Kilogram,千克,2027-01-01,,\n")
    assert [(i.line, i.column) for i in overlap.issues] == [(2, "valid_from")]
    assert "overlaps" in overlap.issues[0].message
    assert not CodeEntry.objects.filter(code="035", valid_from="2027-01-01").exists()


def test_table_option_conflicts_and_unknown_option():
    result = load(HEADER + "country,201,A,甲,,,\n", table="unit")
    assert result.issues[0].column == "table"
    with pytest.raises(FileRejected.__mro__[1]):
        load(HEADER + "unit,201,A,甲,,,\n", table="nope")


def test_whole_file_problems():
    with pytest.raises(FileRejected, match="Missing column"):
        load("table,code,name_en\nunit,201,A\n")
    with pytest.raises(FileRejected, match="neither UTF-8 nor GB18030"):
        load(b"table,code,name_en,name_zh\n" + b"\xff\xfe\xfd\xfc" * 50)
    gb = (HEADER + "unit,203,Cask,千克重量单位,,,\n").encode("gb18030")
    assert load(gb).written == 1
    assert _entry("unit", "203").name_zh == "千克重量单位"


def _xlsx(rows, *, formula=False, merge=False) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if formula:
        sheet["C3"] = "=A2"
    if merge:
        sheet.merge_cells("C2:D2")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_loads_and_rejects_formulas_and_merged_cells():
    rows = [
        ["table", "code", "name_en", "name_zh", "valid_from"],
        [
            "unit",
            "204",
            "Drum",
            "鼓",
            dt.datetime(2026, 1, 1),  # noqa: DTZ001 - Excel cells carry no time zone
        ],
        ["unit", "205", "Tin", "听", None],
    ]
    assert load(_xlsx(rows), name="codes.xlsx").written == 2
    assert _entry("unit", "204").valid_from == dt.date(2026, 1, 1)
    with pytest.raises(FileRejected, match="formula"):
        load(_xlsx(rows, formula=True), name="codes.xlsx")
    with pytest.raises(FileRejected, match="merged cells"):
        load(_xlsx(rows, merge=True), name="codes.xlsx")


def test_json_format():
    items = [{"table": "unit", "code": "206", "name_en": "Pail", "name_zh": "提桶", "attributes": {"rec20": "C62"}}]
    result = load(json.dumps(items, ensure_ascii=False), name="codes.json")
    assert result.written == 1
    assert _entry("unit", "206").attributes == {"rec20": "C62"}
    with pytest.raises(FileRejected, match="unknown keys"):
        load(json.dumps([{"table": "unit", "code": "207", "bogus": 1}]), name="codes.json")


def test_load_codes_command(tmp_path, capsys):
    path = tmp_path / "codes.csv"
    path.write_text("code,name_en,name_zh\n208,Crate,板条箱\n", encoding="utf-8")
    call_command("load-codes", str(path), "--option", "table=unit")
    assert "1 rows read, 1 written" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name_en,name_zh\n2080,Crate,板条箱\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        call_command("load-codes", str(bad), "--option", "table=unit")
    assert "bad.csv:2: code:" in capsys.readouterr().err
    with pytest.raises(CommandError):
        call_command("load-codes", str(tmp_path / "missing.csv"))
