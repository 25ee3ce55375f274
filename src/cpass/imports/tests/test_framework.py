from __future__ import annotations

import io
import json

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpass.core.errors import ValidationFailed
from cpass.imports.framework import FileRejected, run_import
from cpass.imports.tests.support import TableHeaders
from cpass.reference.models import CodeTable

pytestmark = pytest.mark.django_db


def load(data: bytes, filename: str = "t.csv", **kwargs):  # type: ignore[no-untyped-def]
    return run_import(TableHeaders(options={"prefix": "t-"}), io.BytesIO(data), filename=filename, **kwargs)


def xlsx(rows: list[list[object]], merge: str = "") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_csv_loads_and_reports_progress() -> None:
    seen: list[tuple[int, float | None]] = []
    data = b"key,name_en,name_zh\nA,Alpha,\xe7\x94\xb2\nB,Beta,\n\nC,skip,\n"
    result = load(data, size=len(data), progress=lambda rows, fraction: seen.append((rows, fraction)))
    assert (result.rows, result.written, result.skipped, result.committed) == (3, 2, 1, True)
    assert CodeTable.objects.get(key="t-A").name_zh == "甲"
    assert seen[-1] == (3, 1.0)


def test_one_bad_row_saves_nothing_and_names_line_and_column() -> None:
    result = load(b"key,name_en\nA,Alpha\n,Empty\nB!,Bang\nC,Gamma\n")
    assert not result.committed
    assert [(i.line, i.column) for i in result.issues] == [(3, "key"), (4, "key")]
    assert not CodeTable.objects.filter(key__startswith="t-").exists()


def test_keep_valid_rows_commits_the_rest() -> None:
    result = load(b"key,name_en\nA,Alpha\n,Empty\nC,Gamma\n", all_or_nothing=False)
    assert result.committed
    assert result.issue_count == 1
    assert set(CodeTable.objects.values_list("key", flat=True)) >= {"t-A", "t-C"}


def test_gb18030_csv_as_excel_in_china_saves_it_and_semicolons() -> None:
    data = "key;name_en;中文名称\nA;Alpha;一般贸易\n".encode("gb18030")
    assert load(data).committed
    assert CodeTable.objects.get(key="t-A").name_zh == "一般贸易"


@pytest.mark.parametrize(
    ("data", "filename", "fragment"),
    [
        (b"", "t.csv", "empty"),
        (b"key,name_en\n", "t.csv", "no rows"),
        (b"name_en\nAlpha\n", "t.csv", "Missing column(s): key"),
        (b"\x00\x01\x02PK", "t.csv", "binary"),
        (b"\xff\xfe\xfa\xfb" * 40, "t.csv", "neither UTF-8 nor GB18030"),
        (b"key,name_en\nA,Alpha\n", "t.txt", "not a CSV, XLSX or JSON"),
        (b"not a zip", "t.xlsx", "not a readable XLSX"),
        (b'[{"key": "A", "name_en": "x"}, 3]', "t.json", "not an object"),
        (b'[{"key": "A", "name_en": "x", "colour": 1}]', "t.json", "unknown keys: colour"),
        (b'[{"key": "A", "name_en": "x"}', "t.json", "malformed"),
    ],
)
def test_whole_file_problems_are_refused_before_any_row(data: bytes, filename: str, fragment: str) -> None:
    with pytest.raises(FileRejected) as caught:
        load(data, filename)
    assert fragment in str(caught.value.errors["file"][0])
    assert not CodeTable.objects.filter(key__startswith="t-").exists()


def test_xlsx_values_formulas_and_merged_cells() -> None:
    assert load(xlsx([["key", "name_en"], [101, "Number key"], ["B", 2.5]]), "t.xlsx").committed
    assert CodeTable.objects.get(key="t-101").name_en == "Number key"
    assert CodeTable.objects.get(key="t-B").name_en == "2.5"
    with pytest.raises(FileRejected, match="formula"):
        load(xlsx([["key", "name_en"], ["C", "=A1&B1"]]), "t.xlsx")
    with pytest.raises(FileRejected, match="merged cells"):
        load(xlsx([["key", "name_en"], ["D", "x"], ["E", "y"]], merge="A2:A3"), "t.xlsx")


def test_json_array_of_objects() -> None:
    data = json.dumps([{"key": "J", "name_en": "Json", "name_zh": "杰"}, {"key": "K", "name_en": 7}]).encode()
    result = load(data, "t.json")
    assert result.committed
    assert CodeTable.objects.get(key="t-K").name_en == "7"
    assert load(b"\xef\xbb\xbf" + data.replace(b"Json", b"Bom"), "t.json").committed
    assert CodeTable.objects.get(key="t-J").name_en == "Bom"


@pytest.mark.parametrize("data", [b'{"key": "J"}', b'\xef\xbb\xbf  \n"text"', b"42"])
def test_json_that_is_not_an_array_is_rejected(data: bytes) -> None:
    with pytest.raises(FileRejected, match="not an array of objects"):
        load(data, "t.json")
    assert not CodeTable.objects.filter(key__startswith="t-").exists()


def test_options_are_checked() -> None:
    with pytest.raises(ValidationFailed) as caught:
        TableHeaders(options={"colour": "red"})
    assert "options" in caught.value.errors


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30), max_size=5))
def test_csv_round_trip_of_any_text(names: list[str]) -> None:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["key", "name_en"])
    for number, name in enumerate(names):
        writer.writerow([f"k{number}", name])
    data = buffer.getvalue().encode()
    if not names:
        with pytest.raises(FileRejected):
            run_import(TableHeaders(options={"prefix": "h-"}), io.BytesIO(data), filename="h.csv")
        return
    result = run_import(TableHeaders(options={"prefix": "h-"}), io.BytesIO(data), filename="h.csv")
    assert result.committed
    assert result.rows == len(names)
    for number, name in enumerate(names):
        assert CodeTable.objects.get(key=f"h-k{number}").name_en == name.strip()


def test_xlsx_progress_is_how_far_the_sheet_was_read() -> None:
    seen: list[tuple[int, float | None]] = []
    data = xlsx([["key", "name_en"], ["A", "Alpha"], ["B", "Beta"]])
    result = load(data, "t.xlsx", progress=lambda rows, fraction: seen.append((rows, fraction)))
    assert result.committed
    assert seen[-1] == (2, 1.0)
    assert all(fraction is not None and 0 < fraction <= 1 for _rows, fraction in seen)
