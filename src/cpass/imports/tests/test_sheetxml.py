"""The sheet reader's two ways of reading rows give the same rows: the row scanner (regular expressions) on sheets
as spreadsheet programs write them, with expat taking every row it does not; the shared-string table."""

from __future__ import annotations

import io
import zipfile
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpass.imports import sheetxml
from cpass.imports.sheetxml import SharedStrings, SheetError, SheetRows

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#: Style 1 shows numbers as dates, style 2 as durations, style 3 with two decimals.
STYLES = (
    f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="[h]:mm"/></numFmts>'
    '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="2"/></cellXfs>'
    "</styleSheet>"
)

texts = st.text(st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\r\n\t"), max_size=12)
#: A cell as a program writes it: (kind, value, style).
cells = st.one_of(
    st.tuples(st.just("shared"), texts, st.sampled_from((None, 3))),
    st.tuples(st.just("rich"), st.lists(texts, min_size=1, max_size=3), st.none()),
    st.tuples(st.just("inline"), texts, st.none()),
    st.tuples(
        st.just("number"), st.integers(min_value=-(10**9), max_value=10**12).map(str), st.sampled_from((None, 3))
    ),
    st.tuples(
        st.just("number"),
        st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9).map(repr),
        st.sampled_from((None, 3)),
    ),
    st.tuples(st.just("number"), st.sampled_from(("2821.6100000000001", "1.0", "007", "1E-3")), st.none()),
    st.tuples(st.just("number"), st.integers(min_value=1, max_value=60000).map(str), st.sampled_from((1, 2))),
    st.tuples(st.just("bool"), st.sampled_from(("0", "1")), st.none()),
    st.tuples(st.just("empty"), st.just(""), st.sampled_from((None, 1))),
    st.tuples(st.just("missing"), st.just(""), st.none()),
)
sheets = st.lists(st.lists(cells, min_size=1, max_size=7), min_size=1, max_size=8)


def _column(index: int) -> str:
    return chr(ord("A") + index)


def _workbook(grid: list[list[tuple[str, Any, int | None]]], *, prefix: str = "", spaced: bool = False) -> bytes:
    """A workbook written as Excel writes one (or with a namespace prefix, or indented): text as shared strings
    (runs for rich text), inline strings, numbers, booleans, styled and empty cells."""
    p = f"{prefix}:" if prefix else ""
    gap = "\n  " if spaced else ""
    shared: list[str] = []
    rows = []
    for number, row in enumerate(grid, start=1):
        parts = []
        for index, (kind, value, style) in enumerate(row):
            ref = f"{_column(index)}{number}"
            s = f' s="{style}"' if style is not None else ""
            if kind == "missing":
                continue
            if kind == "empty":
                parts.append(f'<{p}c r="{ref}"{s}/>')
            elif kind in ("shared", "rich"):
                if kind == "shared":
                    shared.append(f"<{p}t>{escape(value)}</{p}t>")
                else:
                    shared.append("".join(f"<{p}r><{p}t>{escape(run)}</{p}t></{p}r>" for run in value))
                parts.append(f'<{p}c r="{ref}"{s} t="s"><{p}v>{len(shared) - 1}</{p}v></{p}c>')
            elif kind == "inline":
                inline = f'<{p}is><{p}t xml:space="preserve">{escape(value)}</{p}t></{p}is>'
                parts.append(f'<{p}c r="{ref}" t="inlineStr">{inline}</{p}c>')
            elif kind == "bool":
                parts.append(f'<{p}c r="{ref}" t="b"><{p}v>{value}</{p}v></{p}c>')
            else:
                parts.append(f'<{p}c r="{ref}"{s}><{p}v>{value}</{p}v></{p}c>')
        rows.append(f'{gap}<{p}row r="{number}" spans="1:{len(row)}">{gap.join(parts)}{gap}</{p}row>')
    xmlns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}worksheet {xmlns}><{p}sheetData>'
        f"{''.join(rows)}</{p}sheetData><{p}mergeCells/></{p}worksheet>"
    )
    strings = f"<{p}sst {xmlns}>" + "".join(f"<{p}si>{item}</{p}si>" for item in shared) + f"</{p}sst>"
    files = {
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{TYPES}"><sheets><sheet r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{TYPES}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{TYPES}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{TYPES}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": strings,
        "xl/styles.xml": STYLES,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, xml in files.items():
            archive.writestr(name, xml.encode())
    return out.getvalue()


def _scanned(data: bytes) -> list[tuple[int, list[str]]]:
    return list(SheetRows(io.BytesIO(data)))


def _parsed(data: bytes) -> list[tuple[int, list[str]]]:
    """The rows as expat alone reads them: the whole sheet parsed, no row scanner."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    sheet_path, shared_path, styles_path, epoch = sheetxml._workbook_parts(archive)
    shared = SharedStrings()
    shared.extend(sheetxml._shared_items([archive.read(shared_path)]) if shared_path else ())
    parser = sheetxml._SheetParser(shared, sheetxml._date_styles(archive, styles_path), epoch)
    return list(parser.rows(iter([archive.read(sheet_path)])))


@settings(max_examples=150, deadline=None)
@given(grid=sheets, prefix=st.sampled_from(("", "x")), spaced=st.booleans())
def test_the_row_scanner_reads_what_expat_reads(
    grid: list[list[tuple[str, Any, int | None]]], prefix: str, spaced: bool
) -> None:
    data = _workbook(grid, prefix=prefix, spaced=spaced)
    assert _scanned(data) == _parsed(data)


def test_plain_rows_are_scanned_and_the_others_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A row with an entity goes to expat; the plain rows around it do not."""
    parsed: list[str] = []
    fragment_rows = sheetxml._SheetParser.fragment_rows

    def spy(self: Any, xml: str) -> list[tuple[int, list[str]]]:
        parsed.append(xml)
        return fragment_rows(self, xml)

    monkeypatch.setattr(sheetxml._SheetParser, "fragment_rows", spy)
    grid: list[list[tuple[str, Any, int | None]]] = [
        [("shared", "code", None), ("number", "7", None)],
        [("inline", "A & B", None)],
        [("number", "2.5", 3)],
    ]
    assert _scanned(_workbook(grid)) == [(1, ["code", "7"]), (2, ["A & B"]), (3, ["2.5"])]
    assert parsed == [
        '<row r="2" spans="1:1"><c r="A2" t="inlineStr"><is><t xml:space="preserve">A &amp; B</t></is></c></row>'
    ]


@pytest.mark.parametrize(
    ("change", "kind"),
    [
        (lambda xml: xml.replace("<v>7</v>", "<f>3+4</f><v>7</v>"), SheetError.FORMULA),
        (
            lambda xml: xml.replace("<mergeCells/>", '<mergeCells><mergeCell ref="A1:B1"/></mergeCells>'),
            SheetError.MERGED,
        ),
        (lambda xml: xml.replace("</worksheet>", ""), SheetError.UNREADABLE),
        (lambda xml: xml.replace("</sheetData>", ""), SheetError.UNREADABLE),
        (lambda xml: xml.replace('<c r="B1"', '<c r="B1" t="s"', 1).replace("<v>7</v>", "<v>70</v>"), SheetError.VALUE),
        (lambda xml: xml.replace("<?xml", '<!DOCTYPE w [<!ENTITY a "aaaa">]><?xml'), SheetError.DTD),
        (lambda xml: xml.replace("<v>7</v>", "<v>7</x>"), SheetError.UNREADABLE),
    ],
)
def test_refusals(change: Any, kind: str) -> None:
    data = _workbook([[("shared", "code", None), ("number", "7", None)]])
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name).decode()
            target.writestr(name, change(content) if name.endswith("sheet1.xml") else content)
    with pytest.raises(SheetError) as refused:
        _scanned(out.getvalue())
    assert refused.value.kind == kind


def test_the_shared_string_table_keeps_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SharedStrings, "BLOCK", 3)
    table = SharedStrings()
    table.extend([" a", "bb ", "", "液压", "x"])
    table.extend(["y", "zz", "w"])
    assert [table[index] for index in range(len(table))] == ["a", "bb", "", "液压", "x", "y", "zz", "w"]
    assert len(table._blocks) == 2
    for outside in (-1, 8):
        with pytest.raises(IndexError):
            table[outside]


def test_a_sheet_in_utf16_is_parsed_whole() -> None:
    data = _workbook([[("shared", "代码", None), ("number", "7", None)]])
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name.endswith("sheet1.xml"):
                content = content.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
            target.writestr(name, content)
    assert _scanned(out.getvalue()) == [(1, ["代码", "7"])]
