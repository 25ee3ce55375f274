"""One declaration: input checks, declaration-level charges apportioned to the items, the
per-declaration exemption (一票货物 de minimis) and landed costs around the per-item engine.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from cpass.core.errors import ValidationFailed
from cpass.customs.duty import legal
from cpass.customs.duty.model import (
    Bilingual,
    Charge,
    ChargeMode,
    DeclarationInput,
    DeclarationResult,
    Direction,
    Figure,
    ItemInput,
    ItemResult,
    Rate,
    TaxTotal,
)
from cpass.customs.duty.reference import FxTable, calculate_item, resolve_terms
from cpass.customs.duty.rounding import CENT, div_half_up, fits, money, money_context, number, round_half_up

ZERO = Decimal("0.00")  # money at the fen: a tax that does not apply reads 0.00, like one that rounds to it
HUNDRED = Decimal(100)


# -- checks -------------------------------------------------------------------------------------


def _check_amount(value: Decimal | None, field: str) -> None:
    if value is None:
        return
    if not isinstance(value, Decimal) or not fits(value):
        raise ValidationFailed.on(
            field, _("Enter a number with at most 18 digits before and 8 after the decimal point.")
        )
    if value < 0:
        raise ValidationFailed.on(field, _("Must not be negative."))


def _check_charge(charge: Charge | None, field: str) -> None:
    if charge is None:
        return
    _check_amount(charge.value, field)
    if charge.mode == ChargeMode.RATE and charge.value >= HUNDRED:
        raise ValidationFailed.on(field, _("A charge rate is a percentage below 100."))


def _check_rate(rate: Rate | None, field: str, *, below_hundred: bool = False) -> None:
    if rate is None:
        return
    _check_amount(rate.ad_valorem, field)
    _check_amount(rate.specific_amount, field)
    if rate.ad_valorem is None and rate.specific_amount is None:
        raise ValidationFailed.on(field, _("The rate %(rate)s has no number to compute with.") % {"rate": rate.text})
    if below_hundred and rate.ad_valorem is not None and rate.ad_valorem >= HUNDRED:
        raise ValidationFailed.on(field, _("A consumption tax rate must be below 100%."))


def check_declaration(declaration: DeclarationInput) -> legal.Terms:
    """Bounds and signs of every number, with the field path of the first problem."""
    terms = resolve_terms(declaration.terms)
    if not declaration.items:
        raise ValidationFailed.on("items", _("Add at least one item."))
    for name in ("freight", "insurance", "other"):
        _check_charge(getattr(declaration, name), name)
    for index, item in enumerate(declaration.items):
        path = f"items[{index}]"
        _check_amount(item.price, f"{path}.price")
        for unit, quantity in item.quantities:
            _check_amount(quantity, f"{path}.quantities.{unit}")
        for name in ("freight", "insurance", "other"):
            charge = getattr(item, name)
            if charge is not None and getattr(declaration, name) is not None:
                raise ValidationFailed.on(
                    f"{path}.{name}", _("Given for the declaration too: give it for the items or the declaration.")
                )
            _check_charge(charge, f"{path}.{name}")
        _check_rate(item.duty, f"{path}.duty")
        _check_rate(item.consumption, f"{path}.consumption", below_hundred=True)
        _check_amount(item.vat, f"{path}.vat")
    return terms


# -- declaration-level charges ------------------------------------------------------------------


def apportion(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`total` split in proportion to `weights`, each share to the fen, shares summing to `total`
    exactly (largest remainders get the spare fen; ties go to the earlier item)."""
    cents = int((total * 100).to_integral_value())
    weight_sum = sum((Fraction(w) for w in weights), Fraction(0))
    if weight_sum == 0:
        weights = [Decimal(1)] * len(weights)
        weight_sum = Fraction(len(weights))
    exact = [Fraction(cents) * Fraction(w) / weight_sum for w in weights]
    shares = [int(part) for part in exact]  # floor: all parts are non-negative
    spare = cents - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:spare]:
        shares[i] += 1
    return [Decimal(share) / 100 for share in shares]


def _with(item: ItemInput, name: str, charge: Charge) -> ItemInput:
    changes: dict[str, Any] = {name: charge}
    return replace(item, **changes)


def distribute(declaration: DeclarationInput, fx: FxTable) -> tuple[ItemInput, ...]:
    """Declaration-level charges moved onto the items: rates and per-unit amounts as they are, totals
    apportioned by goods value in the home currency."""
    items = list(declaration.items)
    with money_context():
        weights = [item.price * fx.rate(item.currency, f"items[{i}].currency") for i, item in enumerate(items)]
    for name in ("freight", "insurance", "other"):
        charge: Charge | None = getattr(declaration, name)
        if charge is None:
            continue
        if charge.mode != ChargeMode.TOTAL:
            items = [_with(item, name, charge) for item in items]
            continue
        if charge.value != round_half_up(charge.value):
            raise ValidationFailed.on(name, _("A declaration total is apportioned to the fen: use 2 decimals."))
        shares = apportion(charge.value, weights)
        note = _("share by goods value of the declaration's %(total)s %(currency)s") % {
            "total": money(charge.value),
            "currency": charge.currency,
        }
        items = [
            _with(item, name, Charge(ChargeMode.TOTAL, share, charge.currency, note=note))
            for item, share in zip(items, shares, strict=True)
        ]
    return tuple(items)


# -- the declaration ----------------------------------------------------------------------------


def _tax_total(key: str, amounts: list[Decimal], threshold: Decimal, currency: str) -> TaxTotal:
    with money_context():
        assessed = sum(amounts, ZERO)
    exempt = ZERO < assessed <= threshold
    payable = ZERO if exempt else assessed
    label = legal.TAX_LABELS[key]
    working = " + ".join(money(amount) for amount in amounts) + f" = {money(assessed)}"
    if exempt:
        working += f" ≤ {money(threshold)} → 0.00"
    figure = Figure(
        key=f"{key}_total",
        label=label,
        amount=payable,
        currency=currency,
        formula=Bilingual(
            "sum of the items; exempt when at most the de-minimis amount", "各项合计；不超过免征额的免征"
        ),
        working=working,
        legal_basis=legal.DE_MINIMIS,
    )
    return TaxTotal(key=key, label=label, assessed=assessed, payable=payable, exempt=exempt, figure=figure)


def finish(declaration: DeclarationInput, assessed: list[ItemResult]) -> DeclarationResult:
    """The per-declaration exemption, payable amounts and landed costs, from the assessed items."""
    home = declaration.home_currency
    exports = declaration.direction == Direction.EXPORT
    keys = ["export_duty"] if exports else ["import_duty", "consumption_tax", "vat"]
    fields = {"import_duty": "duty", "export_duty": "duty", "consumption_tax": "consumption_tax", "vat": "vat"}
    taxes = tuple(
        _tax_total(key, [getattr(item, fields[key]) for item in assessed], declaration.de_minimis, home) for key in keys
    )
    exempt = {fields[tax.key] for tax in taxes if tax.exempt}
    items = []
    for result in assessed:
        payable = {
            name: ZERO if name in exempt else getattr(result, name) for name in ("duty", "consumption_tax", "vat")
        }
        with money_context():
            landed = result.dutiable_value + payable["duty"] + payable["consumption_tax"] + payable["vat"]
        source = declaration.items[result.index]
        quantity = source.quantity_map.get(source.unit) if source.unit else None
        per_unit = div_half_up(landed, quantity) if quantity else None
        per_trade_unit = div_half_up(landed, source.trade_quantity) if source.trade_quantity else None
        figures = [
            Figure(
                key="landed_cost",
                label=legal.LANDED[0],
                amount=landed,
                currency=home,
                formula=legal.LANDED[1],
                working=f"{money(result.dutiable_value)} + {money(payable['duty'])} + "
                f"{money(payable['consumption_tax'])} + {money(payable['vat'])} = {money(landed)}",
            )
        ]
        if per_unit is not None and quantity is not None:
            figures.append(
                Figure(
                    key="landed_cost_per_unit",
                    label=legal.LANDED_PER_UNIT[0],
                    amount=per_unit,
                    currency=home,
                    formula=legal.LANDED_PER_UNIT[1],
                    working=f"{money(landed)} ÷ {number(quantity)} {source.unit} → {money(per_unit)}",
                    rounding=legal.HALF_UP,
                )
            )
        if per_trade_unit is not None and source.trade_quantity is not None:
            figures.append(
                Figure(
                    key="landed_cost_per_trade_unit",
                    label=legal.LANDED_PER_TRADE_UNIT[0],
                    amount=per_trade_unit,
                    currency=home,
                    formula=legal.LANDED_PER_TRADE_UNIT[1],
                    working=f"{money(landed)} ÷ {number(source.trade_quantity)} {source.trade_unit} "
                    f"→ {money(per_trade_unit)}",
                    rounding=legal.HALF_UP,
                )
            )
        items.append(
            replace(
                result,
                duty_payable=payable["duty"],
                consumption_tax_payable=payable["consumption_tax"],
                vat_payable=payable["vat"],
                landed_cost=landed,
                landed_cost_per_unit=per_unit,
                landed_cost_per_trade_unit=per_trade_unit,
                trade_unit=source.trade_unit if per_trade_unit is not None else "",
                figures=result.figures + tuple(figures),
            )
        )
    with money_context():
        value = sum((item.dutiable_value for item in items), ZERO)
        total = sum((tax.payable for tax in taxes), ZERO)
        landed_total = sum((item.landed_cost for item in items), ZERO)
    return DeclarationResult(
        direction=declaration.direction,
        terms=resolve_terms(declaration.terms).name,
        currency=home,
        items=tuple(items),
        taxes=taxes,
        dutiable_value=value,
        total_payable=total,
        landed_cost=landed_total,
        figures=(legal_rounding_figure(home),),
    )


def legal_rounding_figure(currency: str) -> Figure:
    return Figure(
        key="rounding",
        label=Bilingual("Rounding", "舍入"),
        amount=CENT,
        currency=currency,
        formula=Bilingual("each dutiable value and tax, half up to the fen", "计税价格、税额四舍五入至分"),
        working="",
        legal_basis=legal.ROUNDING_BASIS,
    )


def calculate_declaration(declaration: DeclarationInput) -> DeclarationResult:
    """Every item's figures with traces, the per-declaration exemption and the landed costs."""
    terms = check_declaration(declaration)
    fx = FxTable(declaration.fx, declaration.home_currency)
    items = distribute(declaration, fx)
    assessed = [
        calculate_item(index, item, direction=declaration.direction, terms=terms, fx=fx)
        for index, item in enumerate(items)
    ]
    return finish(replace(declaration, items=items), assessed)
