"""Item rules that need no tariff: how many items and their numbering, required item fields, positive
quantities and prices, total = unit price × quantity, duty mode under general duty, destination of imports."""

from __future__ import annotations

import decimal
from collections.abc import Iterator
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from cpass.customs.choices import MAX_ITEMS
from cpass.customs.rules.context import Context
from cpass.customs.rules.engine import ERROR, WARNING, Hit, item_hit, rule, say
from cpass.customs.rules.fields import blank, is_import, item_label, plain, text

#: What every item needs (法定第二数量 only where the line has a second unit: CUS-ITM-021).
REQUIRED_ITEM_FIELDS = (
    "hs_code",
    "name",
    "specification",
    "quantity",
    "trade_unit",
    "legal_quantity_1",
    "legal_unit_1",
    "unit_price",
    "total_price",
    "currency",
    "origin_country",
    "destination_country",
    "domestic_area",
    "duty_mode",
)
POSITIVE_FIELDS = ("quantity", "legal_quantity_1", "legal_quantity_2", "unit_price", "total_price")
#: The total may differ from unit price × quantity by one cent, plus what rounding the unit price to its
#: 4 decimals can move it: half of 0.0001 per unit of quantity.
TOTAL_TOLERANCE = Decimal("0.01")
UNIT_PRICE_ROUNDING = Decimal("0.00005")
GENERAL_DUTY = "101"
DUTY_AS_REGULATED = "1"
CHINA = "CHN"


@rule("CUS-ITM-001", ERROR, _("At least one item"))
def at_least_one_item(context: Context) -> Iterator[Hit]:
    if not context.items:
        yield Hit("items", _("Add at least one item: a declaration without goods cannot be filed."))


@rule("CUS-ITM-002", ERROR, _("At most 50 items"))
def at_most_fifty_items(context: Context) -> Iterator[Hit]:
    if len(context.items) > MAX_ITEMS:
        yield Hit(
            "items",
            say(
                _("The declaration has %(count)s items; one declaration carries at most %(max)s. Split it."),
                count=len(context.items),
                max=MAX_ITEMS,
            ),
        )


@rule("CUS-ITM-003", ERROR, _("Item numbers 1, 2, 3… without gaps"))
def contiguous_numbers(context: Context) -> Iterator[Hit]:
    numbers = [item.item_number for item in context.items]
    expected = list(range(1, len(numbers) + 1))
    if numbers != expected:
        first = next(i for i, (got, want) in enumerate(zip(numbers, expected, strict=True)) if got != want)
        yield Hit(
            "items",
            say(
                _("Items are numbered from 1 without gaps; item %(position)s is numbered %(number)s."),
                position=first + 1,
                number=numbers[first],
            ),
        )


@rule("CUS-ITM-004", ERROR, _("Fields every item needs"))
def required_item_fields(context: Context) -> Iterator[Hit]:
    for item in context.items:
        for name in REQUIRED_ITEM_FIELDS:
            if blank(getattr(item, name)):
                yield item_hit(
                    item.item_number,
                    name,
                    say(
                        _("Item %(number)s: enter the %(field)s."),
                        number=item.item_number,
                        field=item_label(name),
                    ),
                )


@rule("CUS-ITM-005", ERROR, _("Quantities and prices above zero"))
def positive_amounts(context: Context) -> Iterator[Hit]:
    for item in context.items:
        for name in POSITIVE_FIELDS:
            value = getattr(item, name)
            if value is not None and value <= 0:
                yield item_hit(
                    item.item_number,
                    name,
                    say(
                        _("Item %(number)s: the %(field)s must be more than 0 (goods without a price are declared "
                          "at their value)."),
                        number=item.item_number,
                        field=item_label(name),
                    ),
                )  # fmt: skip


@rule("CUS-ITM-006", ERROR, _("Total price = unit price × quantity"))
def total_is_price_times_quantity(context: Context) -> Iterator[Hit]:
    for item in context.items:
        price, quantity, total = item.unit_price, item.quantity, item.total_price
        if price is None or quantity is None or total is None or quantity <= 0 or price <= 0:
            continue
        with decimal.localcontext(prec=80):
            product = price * quantity
            allowed = TOTAL_TOLERANCE + UNIT_PRICE_ROUNDING * quantity
            off = abs(product - total) > allowed
        if off:
            yield item_hit(
                item.item_number,
                "total_price",
                say(
                    _("Item %(number)s: the total price %(total)s is not the unit price %(price)s × the quantity "
                      "%(quantity)s = %(product)s."),
                    number=item.item_number,
                    total=plain(total),
                    price=plain(price),
                    quantity=plain(quantity),
                    product=plain(product),
                ),
            )  # fmt: skip


@rule("CUS-ITM-007", WARNING, _("Same unit, same quantity"))
def same_unit_same_quantity(context: Context) -> Iterator[Hit]:
    for item in context.items:
        if item.quantity is None or not text(item.trade_unit):
            continue
        legal = ((1, item.legal_unit_1, item.legal_quantity_1), (2, item.legal_unit_2, item.legal_quantity_2))
        for index, unit, quantity in legal:
            if unit == item.trade_unit and quantity is not None and quantity != item.quantity:
                yield item_hit(
                    item.item_number,
                    f"legal_quantity_{index}",
                    say(
                        _("Item %(number)s: legal quantity %(index)s is %(legal)s but the quantity in the same unit "
                          "%(unit)s is %(quantity)s."),
                        number=item.item_number,
                        index=index,
                        legal=plain(quantity),
                        unit=unit,
                        quantity=plain(item.quantity),
                    ),
                )  # fmt: skip


@rule(
    "CUS-ITM-008",
    ERROR,
    _("Duty mode 1 (as regulated) under levy nature 101"),
    applies=lambda c: text(c.declaration.levy_nature) == GENERAL_DUTY,
)
def duty_mode_under_general_duty(context: Context) -> Iterator[Hit]:
    for item in context.items:
        mode = text(item.duty_mode)
        if mode and mode != DUTY_AS_REGULATED:
            yield item_hit(
                item.item_number,
                "duty_mode",
                say(
                    _("Item %(number)s: under levy nature 101 (general duty) the duty mode is 1 (as regulated), "
                      "not %(mode)s."),
                    number=item.item_number,
                    mode=mode,
                ),
            )  # fmt: skip


@rule("CUS-ITM-009", WARNING, _("Final destination of imported goods"), applies=is_import)
def import_destination(context: Context) -> Iterator[Hit]:
    for item in context.items:
        country = text(item.destination_country)
        if country and country != CHINA:
            yield item_hit(
                item.item_number,
                "destination_country",
                say(
                    _("Item %(number)s: imported goods are consumed in China; the final destination is normally "
                      "CHN, not %(country)s."),
                    number=item.item_number,
                    country=country,
                ),
            )  # fmt: skip
