"""Excel files of products: the blank import template and the export of a (filtered) product list.

Both write the importer's bilingual header row, so an exported file loads back unchanged. The
export uses openpyxl's write-only mode and a spooled temporary file: memory stays flat however
many products there are.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cpass.core.numbers import plain
from cpass.products.elements import join_specification
from cpass.products.importers import COLUMN_TITLES
from cpass.products.models import Product
from cpass.products.validation import ProductRules
from cpass.reference.selectors import entries
from cpass.reference.tables import Table

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Rows of the template the list validations cover.
TEMPLATE_ROWS = 5000
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DCE8F5")
_WIDTHS = {
    "sku": 16,
    "name_zh": 24,
    "name_en": 28,
    "specification": 22,
    "declaration_elements": 40,
    "classification_reason": 28,
}
#: Code lists offered as drop-downs in the template: column → (code table, column of the Codes sheet).
_LISTS = {"origin_country": (Table.COUNTRY, "A"), "trade_unit": (Table.UNIT, "C"), "currency": (Table.CURRENCY, "E")}


def _spooled() -> IO[bytes]:
    return tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115 - handed to the response


def _sized_columns(sheet: Worksheet) -> None:
    for index, title in enumerate(COLUMN_TITLES, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(title.name, 14)


def template_workbook() -> IO[bytes]:
    """The blank import template: the header row, drop-down lists of codes, an instructions sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Products")
    sheet.append([title.title for title in COLUMN_TITLES])
    for cell in sheet[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    _sized_columns(sheet)
    # Codes as text, so Excel keeps leading zeros (0901…) and long numbers (GTIN) intact.
    text_columns = ("sku", "gtin", "hs_code", "ciq_code", "trade_unit")
    for index, title in enumerate(COLUMN_TITLES, start=1):
        if title.name in text_columns:
            sheet.column_dimensions[get_column_letter(index)].number_format = "@"

    codes = book.create_sheet("Codes")  # the drop-down formulas refer to this name
    names = [title.name for title in COLUMN_TITLES]
    for name, (table, letter) in _LISTS.items():
        column = ord(letter) - ord("A") + 1
        codes.cell(row=1, column=column, value=_("Code")).font = _HEADER_FONT
        codes.cell(row=1, column=column + 1, value=str(table)).font = _HEADER_FONT
        count = 0
        for count, entry in enumerate(entries(table), start=1):
            codes.cell(row=count + 1, column=column, value=entry.code)
            codes.cell(row=count + 1, column=column + 1, value=entry.name)
        if count:
            target = get_column_letter(1 + names.index(name))
            validation = DataValidation(
                type="list",
                formula1=f"=Codes!${letter}$2:${letter}${count + 1}",
                allow_blank=True,
                showErrorMessage=True,
            )
            validation.error = _("Choose a code from the list (sheet “Codes”).")
            sheet.add_data_validation(validation)
            validation.add(f"{target}2:{target}{TEMPLATE_ROWS + 1}")
    active_column = get_column_letter(1 + names.index("active"))
    yes_no = DataValidation(type="list", formula1='"1,0"', allow_blank=True, showErrorMessage=True)
    yes_no.error = _("1 for active, 0 for inactive.")
    sheet.add_data_validation(yes_no)
    yes_no.add(f"{active_column}2:{active_column}{TEMPLATE_ROWS + 1}")

    help_sheet = book.create_sheet(_("Instructions"))
    help_sheet.column_dimensions["A"].width = 30
    help_sheet.column_dimensions["B"].width = 100
    for row in _instructions():
        help_sheet.append(row)
    help_sheet["A1"].font = Font(bold=True, size=13)
    out = _spooled()
    book.save(out)
    out.seek(0)
    return out


def _instructions() -> Iterable[list[str]]:
    yield [_("How to fill in the product template"), ""]
    yield ["", ""]
    yield [
        _("General"),
        _(
            "One product per row on the first sheet. Keep the header row as it is. "
            "SKU is the key: a SKU that exists is updated, a new SKU is added."
        ),
    ]
    yield ["", _("A column you delete is left unchanged on existing products; an empty cell clears the field.")]
    yield [
        "",
        _(
            "No formulas and no merged cells: paste values only. "
            "If any row is wrong, nothing is saved and every wrong row is listed."
        ),
    ]
    help_by_column = {
        "sku": _("Required. Your article number, at most 64 characters, unique in the file."),
        "name_zh": _("Chinese or English name required (at least one)."),
        "name_en": _("Chinese or English name required (at least one)."),
        "specification": _("Model or specification, at most 200 characters."),
        "brand": _("Brand name, at most 100 characters."),
        "gtin": _("GTIN / EAN / UPC barcode with 8, 12, 13 or 14 digits; the check digit is verified."),
        "origin_country": _("ISO 3166 alpha-3 country code, e.g. DEU, CHN (list on sheet “Codes”)."),
        "trade_unit": _("Customs 3-digit unit code, e.g. 011 (piece), 035 (kilogram) (list on sheet “Codes”)."),
        "net_weight_kg": _("Kilograms, at most 4 decimals; not more than the gross weight."),
        "gross_weight_kg": _("Kilograms, at most 4 decimals."),
        "unit_price": _("Price per trade unit, at most 4 decimals; needs a currency."),
        "currency": _("ISO 4217 code, e.g. USD, EUR, CNY (list on sheet “Codes”)."),
        "hs_code": _("China's 10-digit commodity code valid today, as text (keep leading zeros)."),
        "ciq_code": _("3-digit inspection and quarantine sub-code, where the line has them."),
        "declaration_elements": _(
            "The declaration elements in the template's order, separated by “|”, "
            "e.g. 0|3|gear pump|industrial|Bosch|HGP-40. Brand type and export preference as their numbers."
        ),
        "classification_reason": _("Required when a row changes the HS code of an existing product: why."),
        "active": _("1 (active, the default) or 0 (inactive)."),
    }
    yield ["", ""]
    yield [_("Column"), _("What to write")]
    for title in COLUMN_TITLES:
        yield [title.title, str(help_by_column[title.name])]


def _cell(sheet: Any, value: Any) -> Any:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.number_format = "@"
    return cell


def export_workbook(products: QuerySet[Product]) -> IO[bytes]:
    """The products as an XLSX with the template's header: a file that loads back unchanged."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Products"))
    for index, title in enumerate(COLUMN_TITLES, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(title.name, 14)
    sheet.freeze_panes = "A2"
    header = []
    for title in COLUMN_TITLES:
        cell = WriteOnlyCell(sheet, value=title.title)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        header.append(cell)
    sheet.append(header)
    rules = ProductRules(on=timezone.localdate())
    for product in products.iterator(chunk_size=2000):
        elements = rules.elements(product.hs_code) if product.hs_code else []
        row = {
            "declaration_elements": join_specification(elements, product.element_values) if elements else "",
            "classification_reason": "",
            "active": 1 if product.active else 0,
        }
        values = []
        for title in COLUMN_TITLES:
            value = row[title.name] if title.name in row else getattr(product, title.name)
            values.append(_cell(sheet, plain(value) if isinstance(value, Decimal) else value))
        sheet.append(values)
    out = _spooled()
    book.save(out)
    out.seek(0)
    return out


def export_filename() -> str:
    return f"products-{timezone.localdate().isoformat()}.xlsx"
