"""The XLSX reader: the same cell text as openpyxl's reader gives, on generated workbooks; refusals; a large sheet
read in a process of its own."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from cpass.imports import xlsx
from cpass.imports.framework import FileRejected
from cpass.imports.sheetxml import cell_text
from cpass.imports.xlsx import XlsxRows as xlsx_rows

#: Number formats a person gives cells: dates, times, durations, decimals, text.
FORMATS = ("General", "yyyy-mm-dd", "dd/mm/yyyy hh:mm", "hh:mm:ss", "[h]:mm:ss", "0.00", "#,##0", "@", "0%")

cell_values = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20).filter(
        lambda text: not text.startswith("=")  # openpyxl would write a formula
    ),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2099, 12, 31)).map(  # noqa: DTZ001 - Excel times have no zone
        lambda moment: moment.replace(microsecond=0)
    ),
    st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2099, 12, 31)),
)
grids = st.lists(
    st.lists(st.tuples(cell_values, st.sampled_from(FORMATS)), min_size=1, max_size=6), min_size=1, max_size=8
)


def _workbook(grid: list[list[tuple[Any, str]]], *, epoch_1904: bool = False, gap: int = 0) -> bytes:
    book = Workbook()
    book.epoch = dt.datetime(1904, 1, 1) if epoch_1904 else book.epoch  # noqa: DTZ001 - Excel times have no zone
    sheet = book.active
    assert sheet is not None
    for row_number, row in enumerate(grid, start=1):
        for column, (value, number_format) in enumerate(row, start=1):
            if value is None and column % 2:
                continue  # no cell at all, as a sheet leaves a blank cell
            cell = sheet.cell(row=row_number + (gap if row_number > 1 else 0), column=column, value=value)
            cell.number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _openpyxl_rows(data: bytes) -> dict[int, list[str]]:
    """What the engine read before: openpyxl's read-only rows, cell text by row number, trailing blanks cut."""
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    rows: dict[int, list[str]] = {}
    for cells in book.worksheets[0].iter_rows():
        texts = [cell_text(cell.value) for cell in cells]
        while texts and texts[-1] == "":
            texts.pop()
        real = [cell for cell in cells if getattr(cell, "row", None)]
        if texts and real:
            rows[real[0].row] = texts
    book.close()
    return rows


def _our_rows(data: bytes) -> dict[int, list[str]]:
    rows: dict[int, list[str]] = {}
    for number, texts in xlsx_rows(io.BytesIO(data)):
        while texts and texts[-1] == "":
            texts.pop()
        if texts:
            rows[number] = texts
    return rows


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date")
@settings(max_examples=60, deadline=None)
@given(grid=grids, epoch_1904=st.booleans(), gap=st.integers(min_value=0, max_value=3))
def test_cell_text_is_what_openpyxl_reads(grid: list[list[tuple[Any, str]]], epoch_1904: bool, gap: int) -> None:
    data = _workbook(grid, epoch_1904=epoch_1904, gap=gap)
    assert _our_rows(data) == _openpyxl_rows(data)


def test_rows_keep_their_excel_numbers_and_columns() -> None:
    data = _workbook(
        [[("code", "General"), ("name", "General")], [("8413", "@"), (None, "General"), (2.5, "0.00")]], gap=2
    )
    assert list(xlsx_rows(io.BytesIO(data))) == [(1, ["code", "name"]), (4, ["8413", "", "2.5"])]


def _replace(data: bytes, part: str, change: Any) -> bytes:
    """The workbook with one part's XML changed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item, change(content) if item.filename == part else content)
    return out.getvalue()


_MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#: A workbook as Excel writes one, by hand: shared strings with rich text and a phonetic guide, an inline
#: string, and a first sheet (in workbook order) stored as sheet2.xml.
EXCEL_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/worksheets/sheet2.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_TYPE}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook {_MAIN} {_REL}><sheets><sheet name="Items" sheetId="2" r:id="rId2"/>'
        '<sheet name="Notes" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_TYPE}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_TYPE}/worksheet" Target="/xl/worksheets/sheet2.xml"/>'
        f'<Relationship Id="rId3" Type="{_TYPE}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    ),
    "xl/sharedStrings.xml": (
        f'<sst {_MAIN} count="3" uniqueCount="3"><si><t>code</t></si><si><t>name</t></si>'
        '<si><r><t>液压</t></r><r><t>齿轮泵</t></r><rPh sb="0" eb="2"><t>えきあつ</t></rPh></si></sst>'
    ),
    "xl/worksheets/sheet1.xml": (
        f'<worksheet {_MAIN}><sheetData><row r="1"><c r="A1" t="s"><v>1</v></c></row></sheetData></worksheet>'
    ),
    "xl/worksheets/sheet2.xml": (
        f'<worksheet {_MAIN}><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2"><v>8413602100</v></c><c r="B2" t="s"><v>2</v></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><r><t>84714</t></r><r><t>10000</t></r>'
        '<rPh sb="0" eb="1"><t>x</t></rPh></is></c><c r="C3" t="b"><v>1</v></c></row></sheetData></worksheet>'
    ),
}


def _excel_workbook(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, xml in parts.items():
            archive.writestr(name, xml)
    return out.getvalue()


def test_shared_and_inline_strings_from_the_first_sheet_in_workbook_order() -> None:
    data = _excel_workbook(EXCEL_PARTS)
    assert list(xlsx_rows(io.BytesIO(data))) == [
        (1, ["code", "name"]),
        (2, ["8413602100", "液压齿轮泵"]),
        (3, ["8471410000", "", "1"]),
    ]
    assert _our_rows(data) == _openpyxl_rows(data)


def test_a_formula_names_its_cell() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["key", "total"])
    sheet.append(["A", "=1+2"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(FileRejected, match="Cell B2 holds a formula"):
        list(xlsx_rows(io.BytesIO(buffer.getvalue())))


def test_merged_cells_are_refused_with_their_ranges() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["key", "name"])
    sheet.append(["A", "x"])
    sheet.append(["B", "y"])
    sheet.merge_cells("A2:A3")
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(FileRejected, match=r"merged cells \(A2:A3\)"):
        list(xlsx_rows(io.BytesIO(buffer.getvalue())))


@pytest.mark.parametrize(
    ("part", "change"),
    [
        (
            "xl/worksheets/sheet2.xml",
            lambda xml: xml.replace(b"<worksheet", b'<!DOCTYPE w [<!ENTITY a "aaaa">]><worksheet', 1),
        ),
        ("xl/sharedStrings.xml", lambda xml: xml.replace(b"<sst", b'<!DOCTYPE s [<!ENTITY a "aaaa">]><sst', 1)),
        ("xl/worksheets/sheet2.xml", lambda xml: xml[: len(xml) // 2]),
        ("xl/worksheets/sheet2.xml", lambda xml: xml.replace(b"<v>0</v>", b"<v>999</v>", 1)),
        ("xl/workbook.xml", lambda xml: xml.replace(b"<sheets>", b"<sheets", 1)),
    ],
)
def test_a_damaged_or_hostile_workbook_is_refused(part: str, change: Any) -> None:
    data = _replace(_excel_workbook(EXCEL_PARTS), part, change)
    with pytest.raises(FileRejected):
        list(xlsx_rows(io.BytesIO(data)))


def test_a_file_that_is_not_a_workbook_is_refused() -> None:
    with pytest.raises(FileRejected, match="not a readable XLSX workbook"):
        list(xlsx_rows(io.BytesIO(b"key,name\nA,x\n")))


@pytest.fixture
def read_in_a_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "PROCESS_FROM_BYTES", 0)


@pytest.mark.usefixtures("read_in_a_process")
def test_a_large_sheet_is_read_in_a_process_of_its_own() -> None:
    data = _excel_workbook(EXCEL_PARTS)
    rows = xlsx_rows(io.BytesIO(data))
    assert list(rows) == [(1, ["code", "name"]), (2, ["8413602100", "液压齿轮泵"]), (3, ["8471410000", "", "1"])]
    assert rows.fraction == 1.0
    assert rows.reader_peak_kb is not None
    assert rows.reader_peak_kb > 0


@pytest.mark.usefixtures("read_in_a_process")
def test_the_reading_process_reads_a_file_on_disk_and_its_refusals_are_translated(tmp_path: Any) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["key", "total"])
    sheet.append(["A", "=1+2"])
    path = tmp_path / "items.xlsx"
    book.save(path)
    with path.open("rb") as stream, pytest.raises(FileRejected, match="Cell B2 holds a formula"):
        list(xlsx_rows(stream))
    with (
        path.open("rb") as stream,
        translation.override("zh-hans"),
        pytest.raises(FileRejected, match="单元格 B2 含有公式"),
    ):
        list(xlsx_rows(stream))


@pytest.mark.usefixtures("read_in_a_process")
def test_closing_the_rows_ends_the_reading_process() -> None:
    rows = xlsx_rows(io.BytesIO(_workbook([[(f"row {number}", "General")] for number in range(3000)])))
    assert next(rows) == (1, ["row 0"])
    rows.close()
    with pytest.raises(StopIteration):
        next(rows)


@pytest.mark.usefixtures("read_in_a_process")
def test_without_the_setting_the_sheet_is_read_here(settings: Any) -> None:
    settings.CPASS_IMPORT_READER_PROCESS = False
    rows = xlsx_rows(io.BytesIO(_excel_workbook(EXCEL_PARTS)))
    assert len(list(rows)) == 3
    assert rows.reader_peak_kb is None
