"""Reads of the customs app: the stateless duty and tax calculation ("what would this cost").

`calculate` looks up each item's tariff line and rates (cpass.tariff.selectors.tariff_lookup) and the
customs exchange rates (cpass.fx.selectors.customs_rate) for the date, then runs the pure engine
(cpass.customs.duty). Every error names the item and field: `items[2].currency`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from cpass.core.actor import Actor
from cpass.core.errors import ServiceError, ValidationFailed
from cpass.core.platform import require_reference_read
from cpass.customs.duty import (
    Charge,
    ChargeMode,
    Combination,
    DeclarationInput,
    DeclarationResult,
    Direction,
    FxRate,
    ItemInput,
    Rate,
    calculate_declaration,
)
from cpass.fx.selectors import currency_code, customs_rate
from cpass.tariff.models import DutyRate
from cpass.tariff.selectors import TariffQuote, rate_text, schedule_for, tariff_lookup

#: The declaration form's limit (one declaration carries at most 50 items).
MAX_ITEMS = 50


@dataclass(frozen=True)
class ItemRequest:
    """One item as a person declares it: code, origin, price, quantities in the legal units, charges."""

    code: str
    price: Decimal
    currency: str
    origin: str | None = None
    ciq_code: str = ""
    quantity_1: Decimal | None = None
    quantity_2: Decimal | None = None
    freight: Charge | None = None
    insurance: Charge | None = None
    other: Charge | None = None
    description: str = ""


def _prefixed(exc: ServiceError, path: str, rename: dict[str, str]) -> ValidationFailed:
    """The error of a lookup, moved onto the item's fields (`code` → `items[2].code`)."""
    errors = {f"{path}.{rename.get(field, field)}": messages for field, messages in exc.errors.items()}
    if not errors:
        errors = {f"{path}.code": [exc.detail]}
    return ValidationFailed(exc.detail, errors=errors)


def _engine_rate(rate: DutyRate, path: str, reason: str) -> Rate:
    if rate.unparsed:
        raise ValidationFailed.on(
            f"{path}.code",
            _("The rate “%(rate)s” is published as text only and cannot be computed.") % {"rate": rate.text},
        )
    return Rate(
        ad_valorem=rate.ad_valorem,
        specific_amount=rate.specific_amount,
        specific_currency=rate.specific_currency,
        specific_unit=rate.specific_unit,
        combination=Combination(rate.combination),
        text=rate_text(rate),
        basis=f"{rate.kind} {rate.agreement}".strip(),
        reason=reason,
    )


def _quote(index: int, item: ItemRequest, *, jurisdiction: str, on: dt.date) -> TariffQuote:
    path = f"items[{index}]"
    try:
        return tariff_lookup(
            jurisdiction=jurisdiction, code=item.code, on=on, origin=item.origin, ciq_code=item.ciq_code
        )
    except ServiceError as exc:  # NotFound (unknown code) is an input error here, not a missing resource
        raise _prefixed(exc, path, {"on": "code"}) from None


def _engine_item(index: int, item: ItemRequest, quote: TariffQuote, direction: Direction) -> ItemInput:
    path = f"items[{index}]"
    line = quote.line
    quantities: list[tuple[str, Decimal]] = []
    for unit, quantity, field in (
        (line.unit_1, item.quantity_1, "quantity_1"),
        (line.unit_2, item.quantity_2, "quantity_2"),
    ):
        if quantity is None:
            continue
        if not unit:
            raise ValidationFailed.on(
                f"{path}.{field}", _("Line %(code)s has no such legal unit.") % {"code": line.code}
            )
        quantities.append((unit, quantity))
    duty = consumption = None
    vat = None
    if direction == Direction.EXPORT:
        if quote.export_rate is not None:
            duty = _engine_rate(
                quote.export_rate, path, _("The export duty rate of line %(code)s.") % {"code": line.code}
            )
    else:
        if quote.import_rate is not None:
            duty = _engine_rate(quote.import_rate, path, quote.reason)
        if quote.consumption:
            first = quote.consumption[0]
            reason = _("The consumption tax rate of line %(code)s.") % {"code": line.code}
            if len(quote.consumption) > 1:
                reason += " " + _("The line lists %(count)s consumption tax rates; the first is used.") % {
                    "count": len(quote.consumption)
                }
            consumption = _engine_rate(first, path, reason)
        vat = quote.vat_rate
    try:
        currency = currency_code(item.currency)
    except ValidationFailed as exc:
        raise _prefixed(exc, path, {}) from None
    return ItemInput(
        code=line.code,
        price=item.price,
        currency=currency,
        quantities=tuple(quantities),
        freight=item.freight,
        insurance=item.insurance,
        other=item.other,
        duty=duty,
        consumption=consumption,
        vat=vat,
        unit=line.unit_1,
        description=item.description or line.description,
    )


def _currencies(items: Sequence[ItemInput], charges: dict[str, Charge | None]) -> dict[str, str]:
    """Every currency the declaration needs a rate for → the first field that uses it."""
    found: dict[str, str] = {}
    for name, charge in charges.items():
        if charge is not None and charge.mode != ChargeMode.RATE:
            found.setdefault(charge.currency, f"{name}.currency")
    for index, item in enumerate(items):
        found.setdefault(item.currency, f"items[{index}].currency")
        for name in ("freight", "insurance", "other"):
            charge = getattr(item, name)
            if charge is not None and charge.mode != ChargeMode.RATE:
                found.setdefault(charge.currency, f"items[{index}].{name}.currency")
        for rate in (item.duty, item.consumption):
            if rate is not None and rate.specific_currency:
                found.setdefault(rate.specific_currency, f"items[{index}].code")
    return found


def _charge(charge: Charge | None, field: str) -> Charge | None:
    if charge is None or charge.mode == ChargeMode.RATE:
        return charge
    code = currency_code(charge.currency, field_name=f"{field}.currency")
    return Charge(charge.mode, charge.value, code, charge.unit, charge.note)


def calculate(
    *,
    actor: Actor,
    jurisdiction: str,
    on: dt.date,
    items: Sequence[ItemRequest],
    direction: str = Direction.IMPORT,
    terms: str = "FOB",
    freight: Charge | None = None,
    insurance: Charge | None = None,
    other: Charge | None = None,
) -> DeclarationResult:
    """What the items would cost in duty and taxes on `on`, with the trace of every figure."""
    require_reference_read(actor)
    try:
        way = Direction(direction)
    except ValueError:
        raise ValidationFailed.on("direction", _("Choose import or export.")) from None
    if not items:
        raise ValidationFailed.on("items", _("Add at least one item."))
    if len(items) > MAX_ITEMS:
        raise ValidationFailed.on("items", _("A declaration has at most %(max)s items.") % {"max": MAX_ITEMS})
    try:
        schedule = schedule_for(jurisdiction)
    except ServiceError as exc:
        raise ValidationFailed.on("jurisdiction", exc.detail) from None
    charges = {
        "freight": _charge(freight, "freight"),
        "insurance": _charge(insurance, "insurance"),
        "other": _charge(other, "other"),
    }
    engine_items: list[ItemInput] = []
    for index, item in enumerate(items):
        item = ItemRequest(
            **{
                **item.__dict__,
                **{
                    name: _charge(getattr(item, name), f"items[{index}].{name}")
                    for name in ("freight", "insurance", "other")
                },
            }
        )
        quote = _quote(index, item, jurisdiction=schedule.code, on=on)
        engine_items.append(_engine_item(index, item, quote, way))
    rates: list[FxRate] = []
    for currency, field in _currencies(engine_items, charges).items():
        if currency == schedule.currency:
            continue
        try:
            finding = customs_rate(jurisdiction=schedule.code, currency=currency, on=on)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.detail, errors={field: [exc.detail]}) from None
        rates.append(FxRate(currency=currency, rate=finding.rate, explanation=finding.explanation))
    declaration = DeclarationInput(
        direction=way,
        terms=terms,
        items=tuple(engine_items),
        fx=tuple(rates),
        home_currency=schedule.currency,
        freight=charges["freight"],
        insurance=charges["insurance"],
        other=charges["other"],
    )
    return calculate_declaration(declaration)
