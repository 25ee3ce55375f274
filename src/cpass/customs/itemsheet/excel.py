"""Excel files of declarations: the item template of a declaration, the export of its items, and the export of a
(filtered) declaration list.

The template and the item export write the importer's bilingual header, so exported items load back unchanged
(into a draft, after its items). Exports use openpyxl's write-only mode over a chunked iterator and a spooled
temporary file: memory stays flat however many rows there are.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cpass.core.numbers import plain
from cpass.customs.itemsheet.importers import COLUMN_TITLES, REQUIRED_COLUMNS
from cpass.customs.models import Declaration, DeclarationItem
from cpass.reference.selectors import entries
from cpass.reference.tables import Table

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Rows of the template the drop-down lists cover.
TEMPLATE_ROWS = 5000
_CHUNK = 2000
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DCE8F5")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4C4")
#: Code lists offered as drop-downs: the Codes sheet's column of each table, and the item columns using it.
_LISTS = (
    (Table.UNIT, "A", ("trade_unit", "legal_unit_1", "legal_unit_2")),
    (Table.CURRENCY, "C", ("currency",)),
    (Table.COUNTRY, "E", ("origin_country", "destination_country")),
    (Table.DUTY_MODE, "G", ("duty_mode",)),
)
#: Codes are text, so Excel keeps leading zeros (0901…, unit 001).
_TEXT = frozenset(
    {"hs_code", "ciq_code", "trade_unit", "legal_unit_1", "legal_unit_2", "domestic_area", "duty_mode"}
    | {"currency", "origin_country", "destination_country", "origin_certificate", "declaration_elements", "name"}
)


def _spooled() -> IO[bytes]:
    return tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115 - handed to the response


def _saved(book: Workbook) -> IO[bytes]:
    out = _spooled()
    book.save(out)
    out.seek(0)
    return out


def template_workbook(declaration: Declaration) -> IO[bytes]:
    """The blank item template of a declaration: the header row, drop-down code lists valid on its date, an
    instructions sheet."""
    on = declaration.declaration_date or declaration.import_export_date or timezone.localdate()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Items")
    sheet.append([title.title for title in COLUMN_TITLES])
    for cell, title in zip(sheet[1], COLUMN_TITLES, strict=True):
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if title.name in REQUIRED_COLUMNS else _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[1].height = 45
    sheet.freeze_panes = "A2"
    for index, title in enumerate(COLUMN_TITLES, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = title.width
        if title.name in _TEXT:
            dimension.number_format = "@"

    codes = book.create_sheet("Codes")  # the drop-down formulas refer to this name
    names = [title.name for title in COLUMN_TITLES]
    for table, letter, columns in _LISTS:
        first = ord(letter) - ord("A") + 1
        codes.cell(row=1, column=first, value=_("Code")).font = _HEADER_FONT
        codes.cell(row=1, column=first + 1, value=str(table)).font = _HEADER_FONT
        count = 0
        for count, entry in enumerate(entries(table, on=on), start=1):
            codes.cell(row=count + 1, column=first, value=entry.code)
            codes.cell(row=count + 1, column=first + 1, value=entry.name)
        if not count:
            continue
        validation = DataValidation(
            type="list", formula1=f"=Codes!${letter}$2:${letter}${count + 1}", allow_blank=True, showErrorMessage=True
        )
        validation.error = _("Choose a code from the list (sheet “Codes”).")
        sheet.add_data_validation(validation)
        for name in columns:
            target = get_column_letter(1 + names.index(name))
            validation.add(f"{target}2:{target}{TEMPLATE_ROWS + 1}")
    for name in ("quantity", "legal_quantity_1", "legal_quantity_2", "unit_price", "total_price"):
        target = get_column_letter(1 + names.index(name))
        positive = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        positive.showErrorMessage = True
        positive.error = _("A number of at least 0, at most 4 decimal places.")
        sheet.add_data_validation(positive)
        positive.add(f"{target}2:{target}{TEMPLATE_ROWS + 1}")

    help_sheet = book.create_sheet(_("Instructions"))
    help_sheet.column_dimensions["A"].width = 40
    help_sheet.column_dimensions["B"].width = 110
    for row in _instructions(declaration, on):
        help_sheet.append(row)
    help_sheet["A1"].font = Font(bold=True, size=13)
    for cell in help_sheet["B"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return _saved(book)


def _instructions(declaration: Declaration, on: dt.date) -> Iterable[list[str]]:
    yield [_("How to fill in the declaration item template"), ""]
    yield [
        _("Declaration"),
        _("%(reference)s, checked on %(date)s (its declaration date, else its import/export date, else today).")
        % {"reference": declaration.reference, "date": on.isoformat()},
    ]
    yield ["", ""]
    yield [
        _("General"),
        _(
            "One item per row on the first sheet; keep the header row (English or Chinese titles alone work too). "
            "The items are added after the declaration's own; a declaration carries at most 50 items, so the "
            "import makes continuation declarations (a copy of the header) for the rest."
        ),
    ]
    yield [
        "",
        _(
            "No formulas and no merged cells: paste values only. If any row is wrong, nothing is saved and every "
            "wrong row is listed with its column."
        ),
    ]
    yield ["", _("Orange headers are required columns.")]
    help_by_column = {
        "hs_code": _("Required. China's 10-digit commodity code valid on the declaration's date, as text."),
        "ciq_code": _("3-digit inspection and quarantine sub-code, where the line has them."),
        "name": _("Required. The goods name as declared, at most 250 characters."),
        "declaration_elements": _(
            "The declaration elements of the heading's template in their order, separated by “|”, e.g. "
            "4|3|液压系统用|齿轮式|Bosch Rexroth|HGP-40 (brand type and export preference as their numbers); "
            "trailing optional elements may be left out. For a code without a template: the specification text."
        ),
        "quantity": _("Required. The quantity in the trade unit, more than 0, at most 4 decimal places."),
        "trade_unit": _("Required. Customs 3-digit unit code, e.g. 001 (set), 011 (piece), 035 (kilogram)."),
        "legal_quantity_1": _(
            "The quantity in the tariff line's first legal unit; left empty, it is the quantity when the trade "
            "unit is that unit."
        ),
        "legal_unit_1": _("The line's first legal unit; filled from the tariff when empty, refused when different."),
        "legal_quantity_2": _("The quantity in the line's second legal unit, where it has one (often 035, kg)."),
        "legal_unit_2": _("The line's second legal unit; filled from the tariff when empty, refused when different."),
        "unit_price": _("Price per trade unit, at most 4 decimal places. The unit price or the total is required."),
        "total_price": _("Unit price × quantity, to the fen; computed when empty, refused when it disagrees."),
        "currency": _("Required. ISO 4217 code with a customs exchange rate on the declaration's date."),
        "origin_country": _("ISO 3166 alpha-3 code, e.g. DEU (exports: CHN when empty)."),
        "destination_country": _("ISO 3166 alpha-3 code (imports: CHN when empty)."),
        "domestic_area": _("Customs 5-digit domestic destination or source area code, e.g. 31222."),
        "duty_mode": _("Duty mode code; 1 (full duty, 照章征税) when empty."),
        "origin_certificate": _("The certificate of origin claimed for a conventional or preferential rate."),
    }
    yield ["", ""]
    yield [_("Column"), _("What to write")]
    for title in COLUMN_TITLES:
        yield [title.title, str(help_by_column[title.name])]


def _write_only_header(book: Workbook, title: str, columns: list[tuple[str, int]]) -> Any:
    sheet = book.create_sheet(title)
    for index, (_name, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for name, _width in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        header.append(cell)
    sheet.append(header)
    return sheet


def _cell(sheet: Any, value: Any, *, text: bool = False, moment: bool = False) -> WriteOnlyCell:
    if isinstance(value, Decimal):
        value = plain(value)
    elif value == "":
        value = None
    cell = WriteOnlyCell(sheet, value=value)
    if text:
        cell.number_format = "@"
    elif moment and value is not None:
        cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(value, dt.datetime) else "yyyy-mm-dd"
    return cell


def items_workbook(items: QuerySet[DeclarationItem]) -> IO[bytes]:
    """Items (already scoped, in order) under the template's header: a file that loads back unchanged."""
    book = Workbook(write_only=True)
    sheet = _write_only_header(book, _("Items"), [(title.title, title.width) for title in COLUMN_TITLES])
    for item in items.iterator(chunk_size=_CHUNK):
        row = []
        for title in COLUMN_TITLES:
            value = item.specification if title.name == "declaration_elements" else getattr(item, title.name)
            row.append(_cell(sheet, value, text=title.name in _TEXT))
        sheet.append(row)
    return _saved(book)


@dataclass(frozen=True)
class ListColumn:
    name: str
    zh: str
    en: str
    width: int = 14

    @property
    def title(self) -> str:
        return f"{self.zh} / {self.en}"


#: The declaration list's columns. Times are the server's local time without offset (Excel has no time zones).
LIST_COLUMNS = (
    ListColumn("reference", "本系统编号", "Reference", 16),
    ListColumn("entry_number", "海关编号", "Customs entry number", 20),
    ListColumn("status", "状态", "Status", 14),
    ListColumn("direction", "进出口", "Direction", 9),
    ListColumn("enterprise", "所属企业", "Owner enterprise", 24),
    ListColumn("shipment", "工作单号", "Shipment", 16),
    ListColumn("split_from", "拆分自", "Split from", 16),
    ListColumn("declaring_customs", "申报地海关", "Declaring customs", 10),
    ListColumn("entry_exit_customs", "进出境关别", "Customs of entry/exit", 10),
    ListColumn("trade_mode", "监管方式", "Trade mode", 9),
    ListColumn("domestic_trader", "境内收发货人", "Domestic consignee/consignor", 26),
    ListColumn("bill_number", "提运单号", "Bill of lading / AWB", 18),
    ListColumn("import_export_date", "进出口日期", "Import/export date", 12),
    ListColumn("declaration_date", "申报日期", "Declaration date", 12),
    ListColumn("item_count", "商品项数", "Items", 8),
    ListColumn("gross_weight_kg", "毛重(千克)", "Gross weight (kg)", 12),
    ListColumn("net_weight_kg", "净重(千克)", "Net weight (kg)", 12),
    ListColumn("submitted_at", "申报时间", "Submitted", 17),
    ListColumn("released_at", "放行时间", "Released", 17),
    ListColumn("status_reason", "原因", "Reason", 30),
    ListColumn("created_at", "创建时间", "Created", 17),
)
_LIST_TEXT = frozenset(
    {"reference", "entry_number", "shipment", "split_from", "declaring_customs", "entry_exit_customs"}
    | {"trade_mode", "bill_number"}
)
_LIST_MOMENTS = frozenset({"import_export_date", "declaration_date", "submitted_at", "released_at", "created_at"})


def _list_value(declaration: Declaration, name: str) -> Any:
    if name == "status":
        return declaration.get_status_display()
    if name == "direction":
        return declaration.get_direction_display()
    if name == "enterprise":
        return declaration.enterprise.name
    if name == "shipment":
        return declaration.shipment.job_number
    if name == "split_from":
        return declaration.split_from.reference if declaration.split_from is not None else None
    if name == "domestic_trader":
        party = declaration.domestic_trader
        return party.name_local if party is not None else None
    value = getattr(declaration, name)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None, second=0, microsecond=0)
    return value


def declarations_workbook(declarations: QuerySet[Declaration]) -> IO[bytes]:
    """The declarations (already filtered and scoped) as an XLSX file, one row each, rewound for reading."""
    book = Workbook(write_only=True)
    sheet = _write_only_header(book, _("Declarations"), [(column.title, column.width) for column in LIST_COLUMNS])
    rows = declarations.select_related("enterprise", "shipment", "split_from", "domestic_trader").annotate(
        item_count=Count("items")
    )
    for declaration in rows.iterator(chunk_size=_CHUNK):
        sheet.append(
            [
                _cell(
                    sheet,
                    _list_value(declaration, column.name),
                    text=column.name in _LIST_TEXT,
                    moment=column.name in _LIST_MOMENTS,
                )
                for column in LIST_COLUMNS
            ]
        )
    return _saved(book)


def items_filename(declaration: Declaration) -> str:
    return f"{declaration.reference}-items.xlsx"


def template_filename(declaration: Declaration) -> str:
    return f"{declaration.reference}-items-template.xlsx"


def declarations_filename() -> str:
    return f"declarations-{timezone.localdate().isoformat()}.xlsx"
