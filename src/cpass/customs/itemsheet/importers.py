"""The "declaration_items" importer: the items of one draft declaration from CSV, XLSX (our template) or JSON.

Every row is checked as an item typed on the page is (`cpass.customs.services.item_values` with one
`DeclarationFields` on the declaration's date, which caches codes and tariff lines), plus what a file needs:
the commodity code, name, quantity, unit, currency and a price present; legal units those of the tariff line;
a customs exchange rate for the currency on the date. Rows go after the declaration's existing items; past 50
the import creates continuation declarations (续页, `declaration_continuations`). All-or-nothing through the
import engine; writes in bulk with the change log in one insert per batch. Format:
docs/reference/declaration-items-format.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpass.audit.registry import ChangeAuthor, change_author
from cpass.core.errors import ValidationFailed
from cpass.customs.choices import EDITABLE, MAX_ITEMS
from cpass.customs.fields import DeclarationFields, item_total
from cpass.customs.models import Declaration, DeclarationItem
from cpass.customs.services import declaration_continuations, declaration_day, item_values
from cpass.fx.selectors import customs_rate
from cpass.imports import bulk
from cpass.imports.framework import Column, Importer, Option, RowError, register
from cpass.products.elements import SEPARATOR, split_specification
from cpass.products.models import HS_JURISDICTION
from cpass.products.validation import ProductRules
from cpass.shipments.choices import Direction

KIND = "declaration_items"


@dataclass(frozen=True)
class ColumnTitle:
    name: str
    zh: str
    en: str
    width: int = 14

    @property
    def title(self) -> str:
        """The header the template and the export write: Chinese first, as the declaration form does."""
        return f"{self.zh} / {self.en}"


#: Columns in file order, with the bilingual titles of the template's header row. `declaration_elements` is the
#: specification as customs reads it: the elements of the heading's template joined with "|".
COLUMN_TITLES = (
    ColumnTitle("hs_code", "商品编号", "Commodity code", 13),
    ColumnTitle("ciq_code", "检验检疫编码", "CIQ code", 9),
    ColumnTitle("name", "商品名称", "Goods name", 24),
    ColumnTitle("declaration_elements", "规格型号(申报要素)", "Specification (declaration elements)", 44),
    ColumnTitle("quantity", "成交数量", "Quantity", 12),
    ColumnTitle("trade_unit", "成交计量单位", "Trade unit", 9),
    ColumnTitle("legal_quantity_1", "法定第一数量", "Legal quantity 1", 12),
    ColumnTitle("legal_unit_1", "法定第一计量单位", "Legal unit 1", 9),
    ColumnTitle("legal_quantity_2", "法定第二数量", "Legal quantity 2", 12),
    ColumnTitle("legal_unit_2", "法定第二计量单位", "Legal unit 2", 9),
    ColumnTitle("unit_price", "单价", "Unit price", 12),
    ColumnTitle("total_price", "总价", "Total price", 14),
    ColumnTitle("currency", "币制", "Currency", 8),
    ColumnTitle("origin_country", "原产国(地区)", "Country of origin", 9),
    ColumnTitle("destination_country", "最终目的国(地区)", "Final destination country", 9),
    ColumnTitle("domestic_area", "境内目的地/境内货源地", "Domestic destination/source", 10),
    ColumnTitle("duty_mode", "征免方式", "Duty mode", 8),
    ColumnTitle("origin_certificate", "原产地证明", "Certificate of origin", 16),
)
TITLES = {title.name: title for title in COLUMN_TITLES}
#: Columns the header row must have; the rest may be left out (their fields stay empty, or take the defaults).
REQUIRED_COLUMNS = ("hs_code", "name", "quantity", "trade_unit", "currency")
#: Item fields a row gives, in file order (the elements column becomes `elements` or `specification`).
_ROW_FIELDS = tuple(title.name for title in COLUMN_TITLES if title.name != "declaration_elements")
_HS_CODE = re.compile(r"\d{10}")
#: The values that change from row to row; the rest describe the goods and repeat (checked once, cached).
_ROW_VALUES = ("name", "quantity", "legal_quantity_1", "legal_quantity_2", "unit_price", "total_price")
_GOODS_FIELDS = tuple(name for name in _ROW_FIELDS if name not in _ROW_VALUES)
#: The cells the goods cache is keyed on (the legal quantities only as given or not: they change what is checked).
_GOODS_COLUMNS = (*_GOODS_FIELDS, "declaration_elements")
#: At most this many distinct goods are kept (about 2 kB each).
_GOODS_CACHE = 5000
#: What a row must give, in this order (the message names the column).
_REQUIRED_VALUES = ("hs_code", "name", "quantity", "trade_unit", "currency")
#: The stored item's columns the change log records (every concrete field but the auto-updated timestamp).
_FIELD_ORDER = (
    "hs_code",
    "ciq_code",
    "name",
    "elements",
    "specification",
    "quantity",
    "trade_unit",
    "legal_quantity_1",
    "legal_unit_1",
    "legal_quantity_2",
    "legal_unit_2",
    "unit_price",
    "total_price",
    "currency",
    "origin_country",
    "destination_country",
    "domestic_area",
    "duty_mode",
    "origin_certificate",
)
#: The stored values that describe the goods (from the cached part), in the writer's column order.
_STORED_GOODS = tuple(name for name in _FIELD_ORDER if name not in _ROW_VALUES)
#: The items table's columns as the writer fills them: id, timestamps, owner, place, the row's values, the goods'.
_ITEM_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "enterprise_id",
    "declaration_id",
    "item_number",
    *_ROW_VALUES,
    *_STORED_GOODS,
)
#: The row's numbers written plainly (digits, at most one point, within the field's digits and places: what
#: `validation.decimal` takes as is), by the row value's place in `_ROW_VALUES`, with their places. Other text goes
#: through the field checks, which take "1,200" or "1.50000" too, or name the error.
_PLAIN_NUMBERS = (
    (1, re.compile(r"[0-9]{1,14}(?:\.[0-9]{0,4})?"), Decimal("0.0001")),  # quantity
    (2, re.compile(r"[0-9]{1,14}(?:\.[0-9]{0,4})?"), Decimal("0.0001")),  # legal quantity 1
    (3, re.compile(r"[0-9]{1,14}(?:\.[0-9]{0,4})?"), Decimal("0.0001")),  # legal quantity 2
    (4, re.compile(r"[0-9]{1,16}(?:\.[0-9]{0,4})?"), Decimal("0.0001")),  # unit price
    (5, re.compile(r"[0-9]{1,16}(?:\.[0-9]{0,2})?"), Decimal("0.01")),  # total price
)
#: The longest item name `DeclarationFields.item` takes (a test holds the two together).
_NAME_LIMIT = 250
_BLANKS = ("",) * len(_GOODS_COLUMNS)
_ENCODER = DjangoJSONEncoder()
_JSON = json.JSONEncoder(ensure_ascii=False).encode


def column(name: str) -> str:
    """The column as the template's header names it, so people find it in their sheet."""
    title = TITLES.get(name)
    return title.title if title is not None else name


def _required_message(name: str) -> str:
    return {
        "hs_code": _("Enter the 10-digit commodity code."),
        "name": _("Enter the goods name."),
        "quantity": _("Enter the quantity in the trade unit."),
        "trade_unit": _("Enter the trade unit (customs 3-digit unit code)."),
        "currency": _("Enter the currency of the price."),
    }[name]


def _row_error(exc: ValidationFailed) -> RowError:
    """The first field error of a ValidationFailed as a row error on its column."""
    for name, messages in exc.errors.items():
        field = name.split(".", 1)[0]
        if field in ("elements", "specification"):
            field = "declaration_elements"
        if messages:
            return RowError(messages[0], column=column(field))
    return RowError(exc.detail)


@dataclass(frozen=True, slots=True)
class Goods:
    """The checked description of goods that rows repeat, ready to write: the values (for `item_values` as the
    current item), how each legal quantity (by its place in `_ROW_VALUES`) is filled, the stored values in
    `_STORED_GOODS` order (the elements as JSON text), the same as COPY text and as a fragment of the change
    log's JSON snapshot. `together` keeps, by which row values are given, whether the checks between fields
    pass."""

    values: dict[str, Any]
    fills: tuple[tuple[int, RowError | None], ...]
    stored: tuple[Any, ...]
    copied: str
    logged: str
    together: dict[tuple[bool, ...], bool]


@dataclass(frozen=True, slots=True)
class ParsedItem:
    line: int
    goods: Goods
    #: The row's own values in `_ROW_VALUES` order.
    values: tuple[Any, ...]


def _plain_values(row: Mapping[str, str], goods: Goods) -> list[Any] | None:
    """The row's values in `_ROW_VALUES` order as `item_values` gives them when the name is plain printable text
    and the numbers are written plainly (`_PLAIN_NUMBERS`), which is nearly every row: the same values for a
    fraction of the time. None when any value is not plain, or a check might fail: `_checked_values` then
    checks the row field by field and names its error."""
    name = row["name"].strip()
    if len(name) > _NAME_LIMIT or not name.isprintable():  # line breaks and control characters are not printable
        return None
    values: list[Any] = [name, None, None, None, None, None]
    for index, plain, places in _PLAIN_NUMBERS:
        text = row.get(_ROW_VALUES[index])
        if text:
            if plain.fullmatch(text) is None:
                return None
            values[index] = Decimal(text).quantize(places)
    given = tuple(value is not None for value in values)
    together = goods.together.get(given)
    if together is None:
        # The checks between fields look at the goods and at which values are given, not at the numbers.
        sample = {**goods.values, **{field: 1 for field, there in zip(_ROW_VALUES, given, strict=True) if there}}
        try:
            DeclarationFields.check_item_together(sample)
            together = True
        except ValidationFailed:
            together = False
        goods.together[given] = together
    if not together:
        return None
    totals = {"quantity": values[1], "unit_price": values[4], "total_price": values[5]}
    try:
        item_total(totals)
    except ValidationFailed:
        return None
    values[4], values[5] = totals["unit_price"], totals["total_price"]
    return values


def _checked_values(fields: DeclarationFields, row: Mapping[str, str], goods: Goods) -> list[Any]:
    """The row's values in `_ROW_VALUES` order, checked as an item typed on the page is (over the goods' values),
    or the first error as the row's error."""
    try:
        merged = item_values(fields, {name: row[name] for name in _ROW_VALUES if name in row}, goods.values)
    except ValidationFailed as exc:
        raise _row_error(exc) from None
    return [merged.get(name) for name in _ROW_VALUES]


def _logged_number(value: Decimal | None) -> str:
    """A row's number as `_logged` writes it."""
    return "null" if value is None else f'"{value}"'


def _logged(value: Any) -> str:
    """A stored value as the change log's JSON has it (decimals as strings, as DjangoJSONEncoder writes them)."""
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        return f'"{value}"'
    return _JSON(value)


@register
class DeclarationItemImporter(Importer[ParsedItem]):
    kind = KIND
    label = gettext_lazy("Declaration items")
    scope = "enterprise"
    module = "customs"
    batch_size = 5000
    format_doc = "docs/reference/declaration-items-format.md"
    columns = tuple(
        Column(
            title.name,
            required=title.name in REQUIRED_COLUMNS,
            aliases=(title.title, title.zh, title.en),
            help=f"{title.zh} / {title.en}",
        )
        for title in COLUMN_TITLES
    )
    options = (
        Option(
            "declaration",
            gettext_lazy("Declaration"),
            required=True,
            help=gettext_lazy("The id of the draft declaration the items are added to."),
        ),
    )

    def clean_options(self) -> None:
        actor = self.actor
        if actor is None or actor.enterprise_id is None or not actor.can("customs", "write"):
            raise ValidationFailed.on(
                "kind", _("Declaration items belong to an enterprise: load them signed in, from the declaration.")
            )
        try:
            declaration_id = int(self.option_values["declaration"])
        except ValueError:
            declaration_id = 0
        declaration = Declaration.objects.for_actor(actor, "write").filter(pk=declaration_id).first()
        if declaration is None:
            raise ValidationFailed.on("declaration", _("No such declaration."))
        _require_draft(declaration)
        self.declaration = declaration
        self.on: dt.date = declaration_day(declaration)
        self.fields = DeclarationFields(on=self.on)
        # The element templates by code, to split the "|"-joined specification before the fields check it.
        self.templates = ProductRules(on=self.on)
        self.rates: dict[str, str | None] = {}
        self.goods: dict[tuple[str | bool, ...], Goods | RowError] = {}
        self.importing = declaration.direction == Direction.IMPORT
        self.parts: list[int] = []
        self.author: ChangeAuthor | None = None  # of the change log, looked up once the declaration is locked
        self.locked = False

    # -- rows -------------------------------------------------------------------------------------------

    def parse(self, row: Mapping[str, str], line: int) -> ParsedItem:
        for name in _REQUIRED_VALUES:
            if not row.get(name):
                raise RowError(_required_message(name), column=column(name))
        get = row.get
        key: tuple[str | bool, ...] = (
            *map(get, _GOODS_COLUMNS, _BLANKS),
            bool(get("legal_quantity_1")),
            bool(get("legal_quantity_2")),
        )
        goods = self.goods.get(key)
        if goods is None:
            if len(self.goods) >= _GOODS_CACHE:
                self.goods.clear()  # memory stays bounded whatever the file
            goods = self.goods[key] = self._goods(row)
        if isinstance(goods, RowError):
            raise goods
        values = _plain_values(row, goods) or _checked_values(self.fields, row, goods)
        quantity = values[1]
        if not quantity:
            raise RowError(_("The quantity must be more than 0."), column=column("quantity"))
        if values[4] is None and values[5] is None:
            raise RowError(_("Enter the unit price or the total price."), column=column("unit_price"))
        for index, fill in goods.fills:
            if values[index] is None:
                if isinstance(fill, RowError):
                    raise fill
                values[index] = quantity
        return ParsedItem(line, goods, tuple(values))

    def _goods(self, row: Mapping[str, str]) -> Goods | RowError:
        """The checked values of what describes the goods (code, elements, units, currency, countries…), which
        rows repeat: cached per distinct combination. With them, per legal unit of the line, the quantity field
        and how a missing quantity is filled (from the trade quantity when the units are the same) or refused."""
        raw: dict[str, Any] = {name: row[name] for name in _GOODS_FIELDS if name in row}
        text = row.get("declaration_elements", "")
        if text:
            code = re.sub(r"[\s.]", "", raw["hs_code"])
            template = self.templates.elements(code) if _HS_CODE.fullmatch(code) else []
            if template:
                parts = text.count(SEPARATOR) + 1
                if parts < len(template):  # the trailing optional elements may be left out
                    text += SEPARATOR * (len(template) - parts)
                try:
                    raw["elements"] = split_specification(template, text)
                except ValidationFailed as exc:
                    return _row_error(exc)
            else:
                raw["specification"] = text  # no template known for the code: kept as written
        if self.importing:
            raw["destination_country"] = raw.get("destination_country") or "CHN"
        else:
            raw["origin_country"] = raw.get("origin_country") or "CHN"
        raw["duty_mode"] = raw.get("duty_mode") or "1"  # 照章征税, as a prepared declaration has it
        try:
            values = item_values(self.fields, raw)
        except ValidationFailed as exc:
            return _row_error(exc)
        try:
            fills = self._legal_units(
                values, given_quantities={f"legal_quantity_{n}" for n in (1, 2) if row.get(f"legal_quantity_{n}")}
            )
            self._rate(values["currency"])
        except RowError as exc:
            return exc
        stored = tuple(
            _JSON(values.get(name) or {}) if name == "elements" else values.get(name, "") for name in _STORED_GOODS
        )
        logged = "".join(
            f',"{name}":{_logged(values.get(name, {} if name == "elements" else ""))}' for name in _STORED_GOODS
        )
        places = tuple((_ROW_VALUES.index(field), fill) for field, fill in fills)
        return Goods(values, places, stored, bulk.copy_line(stored), logged, {})

    def _legal_units(self, values: dict[str, Any], given_quantities: set[str]) -> list[tuple[str, RowError | None]]:
        """The legal units of the tariff line: given ones must be the line's, a quantity needs a unit of the line,
        and a quantity left empty is the trade quantity when the units agree (else it is missing)."""
        line = self.fields.line(values["hs_code"], values.get("ciq_code", ""))
        fills: list[tuple[str, RowError | None]] = []
        for number, unit in ((1, line.unit_1), (2, line.unit_2)):
            unit_field, quantity_field = f"legal_unit_{number}", f"legal_quantity_{number}"
            given = values.get(unit_field) or ""
            if not unit:
                if given or quantity_field in given_quantities:
                    raise RowError(
                        _("Line %(code)s has no legal unit %(number)d: leave it and its quantity empty.")
                        % {"code": line.code, "number": number},
                        column=column(unit_field if given else quantity_field),
                    )
                continue
            if given != unit:
                raise RowError(
                    _("Line %(code)s is declared in legal unit %(number)d = %(unit)s, not %(given)s.")
                    % {"code": line.code, "number": number, "unit": unit, "given": given},
                    column=column(unit_field),
                )
            missing = None
            if values.get("trade_unit") != unit:
                missing = RowError(
                    _("Enter the quantity in legal unit %(number)d (%(unit)s) of line %(code)s.")
                    % {"number": number, "unit": unit, "code": line.code},
                    column=column(quantity_field),
                )
            fills.append((quantity_field, missing))
        return fills

    def _rate(self, currency: str) -> None:
        """A customs exchange rate for the currency on the declaration's date, or the reason there is none."""
        if currency not in self.rates:
            try:
                customs_rate(jurisdiction=HS_JURISDICTION, currency=currency, on=self.on)
                self.rates[currency] = None
            except ValidationFailed as exc:
                self.rates[currency] = str(exc.errors.get("currency", [exc.detail])[0])
        message = self.rates[currency]
        if message is not None:
            raise RowError(message, column=column("currency"))

    # -- writing ----------------------------------------------------------------------------------------

    def _lock(self) -> None:
        """At the first write, in the run's transaction: lock the declaration, check it is still a draft, and
        number after the items it has now."""
        assert self.actor is not None
        declaration = (
            Declaration.objects.for_actor(self.actor, "write")
            .select_for_update()
            .filter(pk=self.declaration.pk)
            .first()
        )
        if declaration is None:
            raise ValidationFailed.on("declaration", _("No such declaration."))
        _require_draft(declaration)
        existing = (
            DeclarationItem.objects.unscoped()
            .filter(declaration=declaration)
            .aggregate(count=Count("pk"), last=Max("item_number"))
        )
        self.declaration = declaration
        self.current_id = declaration.pk
        self.next_number = (existing["last"] or 0) + 1
        self.room = max(0, MAX_ITEMS - existing["count"])
        self.author = change_author()
        self.locked = True

    def write(self, batch: list[ParsedItem]) -> int:
        if not self.locked:
            self._lock()
        assert self.actor is not None
        beyond = len(batch) - self.room
        if beyond > 0:
            self.parts = declaration_continuations(
                actor=self.actor, declaration=self.declaration, count=-(-beyond // MAX_ITEMS)
            )
        enterprise_id = self.declaration.enterprise_id
        now = timezone.now()
        stored_now = bulk.db_time(now)
        logged_now = _ENCODER.default(now)
        ids = bulk.reserve_ids(DeclarationItem, len(batch))
        # PostgreSQL takes the rows as COPY text, with the goods' part formatted once per goods; SQLite tuples.
        lines: list[str] | None = [] if connection.vendor == "postgresql" else None
        rows: list[tuple[Any, ...]] = []
        changes: list[tuple[int, int | None, str, str]] = []
        for pk, parsed in zip(ids, batch, strict=True):
            if self.room == 0:
                self.current_id = self.parts.pop(0)
                self.next_number, self.room = 1, MAX_ITEMS
            values = parsed.values
            number = self.next_number
            own = (pk, stored_now, stored_now, enterprise_id, self.current_id, number, *values)
            if lines is not None:
                lines.append(f"{bulk.copy_line(own)}\t{parsed.goods.copied}\n")
            else:
                rows.append((*own, *parsed.goods.stored))
            # The change log's snapshot as JSON text: this row's part, then the goods' (encoded once per goods).
            name, quantity, legal_quantity_1, legal_quantity_2, unit_price, total_price = values
            logged = (
                f'"name":{_JSON(name)},"quantity":{_logged_number(quantity)},'
                f'"legal_quantity_1":{_logged_number(legal_quantity_1)},'
                f'"legal_quantity_2":{_logged_number(legal_quantity_2)},'
                f'"unit_price":{_logged_number(unit_price)},"total_price":{_logged_number(total_price)}'
            )
            changes.append(
                (
                    pk,
                    enterprise_id,
                    f"{number}. {name}",
                    f'{{"id":{pk},"created_at":"{logged_now}","enterprise":{enterprise_id},'
                    f'"declaration":{self.current_id},"item_number":{number},"goods_line":null,"product":null,'
                    f"{logged}{parsed.goods.logged}}}",
                )
            )
            self.next_number += 1
            self.room -= 1
        if lines is not None:
            bulk.insert_lines(DeclarationItem, _ITEM_COLUMNS, lines)
        else:
            bulk.insert_rows(DeclarationItem, _ITEM_COLUMNS, rows)
        bulk.log_created(DeclarationItem, changes, author=self.author)
        return len(batch)


def _require_draft(declaration: Declaration) -> None:
    if declaration.status not in EDITABLE:
        raise ValidationFailed.on(
            "declaration",
            _("The declaration is %(status)s: items can be loaded only into a draft.")
            % {"status": declaration.get_status_display()},
        )
