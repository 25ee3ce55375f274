"""The reference path: exact Decimal, one item at a time, with a trace for every figure.

cpass.customs.duty.declaration wraps it for a whole declaration; the batch path
(cpass.customs.duty.batch) must give the same numbers and is tested against this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext as _

from cpass.core.errors import ValidationFailed
from cpass.customs.duty import legal
from cpass.customs.duty.model import (
    Bilingual,
    Charge,
    ChargeMode,
    Combination,
    Direction,
    Figure,
    FxRate,
    ItemInput,
    ItemResult,
    Rate,
)
from cpass.customs.duty.rounding import (
    div_half_up,
    money,
    money_context,
    number,
    round_half_up,
)
from cpass.customs.duty.units import quantity_in

ZERO = Decimal("0.00")  # money at the fen: a tax that does not apply reads 0.00, like one that rounds to it
HUNDRED = Decimal(100)
THREE_PER_MILLE = Decimal("0.3")  # percent


def resolve_terms(terms: str) -> legal.Terms:
    key = (terms or "").strip().upper()
    key = legal.INCOTERMS.get(key, key)
    found = legal.TERMS.get(key)
    if found is None:
        raise ValidationFailed.on(
            "terms",
            _("“%(terms)s” is not a transaction-terms code (1–7) or an Incoterm (%(incoterms)s).")
            % {"terms": (terms or "")[:10], "incoterms": ", ".join(legal.INCOTERMS)},
        )
    return found


class FxTable:
    """The customs exchange rates of one declaration, by currency; the home currency is 1."""

    def __init__(self, rates: tuple[FxRate, ...], home: str) -> None:
        self.home = home
        self.rates: dict[str, FxRate] = {rate.currency: rate for rate in rates}

    def rate(self, currency: str, field: str) -> Decimal:
        if currency == self.home:
            return Decimal(1)
        found = self.rates.get(currency)
        if found is None:
            raise ValidationFailed.on(
                field, _("No customs exchange rate for %(currency)s was given.") % {"currency": currency or "—"}
            )
        return found.rate

    def explain(self, currency: str) -> str:
        found = self.rates.get(currency)
        return found.explanation if found else ""


# -- one item -----------------------------------------------------------------------------------


class _Item:
    """The working state of one item's calculation: its inputs, the exchange rates and the figures so far."""

    def __init__(self, index: int, item: ItemInput, fx: FxTable) -> None:
        self.index = index
        self.item = item
        self.fx = fx
        self.path = f"items[{index}]"
        self.quantities: Mapping[str, Decimal] = item.quantity_map
        self.figures: list[Figure] = []

    def fig(self, figure: Figure) -> None:
        self.figures.append(figure)

    def quantity(self, unit: str, field: str, rate_text: str) -> tuple[Decimal, str]:
        found = quantity_in(unit, self.quantities, code=self.item.code)
        if found is None:
            raise ValidationFailed.on(
                f"{self.path}.{field}",
                _("%(rate)s is per unit %(unit)s: give the quantity in %(unit)s or in a unit that converts to it.")
                % {"rate": rate_text, "unit": unit or "?"},
            )
        return found.amount, found.note

    def charge(self, name: str, label: Bilingual, charge: Charge, base: Decimal) -> Decimal:
        """A charge in the home currency, exact; `base` is what a rate applies to."""
        field = f"{self.path}.{name}"
        with money_context():
            if charge.mode == ChargeMode.RATE:
                amount = base * charge.value / HUNDRED
                key = "insurance-rate" if name == "insurance" else "rate"
                working = f"{number(base)} × {number(charge.value)}% = {number(amount)}"
            elif charge.mode == ChargeMode.UNIT:
                unit = charge.unit or self.item.unit
                quantity, note = self.quantity(unit, name, f"{number(charge.value)} {charge.currency}/{unit}")
                rate = self.fx.rate(charge.currency, f"{field}.currency")
                amount = charge.value * quantity * rate
                key = "unit"
                working = f"{number(charge.value)} × {number(quantity)} × {number(rate)} = {number(amount)}"
                if note:
                    working += f" ({note})"
            else:
                rate = self.fx.rate(charge.currency, f"{field}.currency")
                amount = charge.value * rate
                key = "total"
                working = f"{money(charge.value)} {charge.currency} × {number(rate)} = {number(amount)}"
        if charge.note:
            working += f"; {charge.note}"
        self.fig(
            Figure(
                key=name,
                label=label,
                amount=amount,
                currency=self.fx.home,
                formula=legal.CHARGE_FORMULAS[key],
                working=working,
                reason=self.fx.explain(charge.currency) if charge.mode != ChargeMode.RATE else "",
            )
        )
        return amount

    def specific(self, rate: Rate, field: str) -> tuple[Decimal, str]:
        """quantity × specific amount × exchange rate (exact), and the working."""
        assert rate.specific_amount is not None
        quantity, note = self.quantity(rate.specific_unit, field, rate.text or rate.specific_unit)
        fx = self.fx.rate(rate.specific_currency or self.fx.home, f"{self.path}.{field}")
        with money_context():
            amount = quantity * rate.specific_amount * fx
        working = f"{number(quantity)} × {number(rate.specific_amount)}"
        if fx != 1:
            working += f" × {number(fx)}"
        if note:
            working += f" ({note})"
        return amount, working


def _combine(rate: Rate, ad_valorem: Decimal | None, specific: Decimal | None) -> Decimal:
    if ad_valorem is None:
        assert specific is not None
        return specific
    if specific is None:
        return ad_valorem
    if rate.combination == Combination.HIGHER:
        return max(ad_valorem, specific)
    if rate.combination == Combination.LOWER:
        return min(ad_valorem, specific)
    return ad_valorem + specific


def _formula_key(rate: Rate) -> str:
    if rate.ad_valorem is not None and rate.specific_amount is not None:
        return rate.combination if rate.combination != Combination.SINGLE else Combination.SUM
    return "ad_valorem" if rate.ad_valorem is not None else "specific"


def _goods(state: _Item) -> Decimal:
    item = state.item
    fx = state.fx.rate(item.currency, f"{state.path}.currency")
    with money_context():
        goods = item.price * fx
    label, formula = legal.GOODS
    state.fig(
        Figure(
            key="goods",
            label=label,
            amount=goods,
            currency=state.fx.home,
            formula=formula,
            working=f"{money(item.price)} {item.currency} × {number(fx)} = {number(goods)}",
            reason=state.fx.explain(item.currency),
        )
    )
    return goods


def _import_value(state: _Item, terms: legal.Terms) -> Decimal:
    item = state.item
    goods = _goods(state)
    freight = insurance = other = ZERO
    if not terms.freight_included:
        if item.freight is None:
            raise ValidationFailed.on(
                f"{state.path}.freight",
                _("%(terms)s prices exclude freight: give the freight (a rate, per unit or a total).")
                % {"terms": terms.name},
            )
        freight = state.charge("freight", legal.FREIGHT, item.freight, goods)
    if not terms.insurance_included:
        if item.insurance is None:
            with money_context():
                insurance = (goods + freight) * THREE_PER_MILLE / HUNDRED
            state.fig(
                Figure(
                    key="insurance",
                    label=legal.INSURANCE,
                    amount=insurance,
                    currency=state.fx.home,
                    formula=legal.CHARGE_FORMULAS["three-per-mille"],
                    working=f"({number(goods)} + {number(freight)}) × 3‰ = {number(insurance)}",
                    legal_basis=legal.THREE_PER_MILLE,
                )
            )
        else:
            with money_context():
                insurance_base = goods + freight
            insurance = state.charge("insurance", legal.INSURANCE, item.insurance, insurance_base)
    if item.other is not None:
        other = state.charge("other", legal.OTHER, item.other, goods)
    with money_context():
        exact = goods + freight + insurance + other
    value = round_half_up(exact)
    label, formula, basis = legal.DUTIABLE_IMPORT
    state.fig(
        Figure(
            key="dutiable_value",
            label=label,
            amount=value,
            currency=state.fx.home,
            formula=formula,
            working=f"{number(goods)} + {number(freight)} + {number(insurance)} + {number(other)} = "
            f"{number(exact)} → {money(value)}",
            rounding=legal.HALF_UP,
            legal_basis=basis,
            reason=_("Terms %(terms)s") % {"terms": terms.name},
        )
    )
    return value


def _import_duty(state: _Item, value: Decimal) -> Decimal:
    rate = state.item.duty
    if rate is None:
        state.fig(
            Figure(
                key="import_duty",
                label=legal.IMPORT_DUTY,
                amount=ZERO,
                currency=state.fx.home,
                formula=legal.DUTY_FORMULAS["none"],
                working="0.00",
            )
        )
        return ZERO
    parts: list[str] = []
    ad_valorem = specific = None
    with money_context():
        if rate.ad_valorem is not None:
            ad_valorem = value * rate.ad_valorem / HUNDRED
            parts.append(f"{money(value)} × {number(rate.ad_valorem)}% = {number(ad_valorem)}")
        if rate.specific_amount is not None:
            specific, working = state.specific(rate, "duty")
            parts.append(f"{working} = {number(specific)}")
        exact = _combine(rate, ad_valorem, specific)
    duty = round_half_up(exact)
    state.fig(
        Figure(
            key="import_duty",
            label=legal.IMPORT_DUTY,
            amount=duty,
            currency=state.fx.home,
            formula=legal.DUTY_FORMULAS[_formula_key(rate)],
            working="; ".join(parts) + f" → {money(duty)}",
            rate=rate.text,
            reason=rate.reason,
            rounding=legal.HALF_UP,
            legal_basis=legal.DUTY_BASIS,
        )
    )
    return duty


def _consumption(state: _Item, value: Decimal, duty: Decimal) -> Decimal:
    rate = state.item.consumption
    if rate is None:
        return ZERO
    specific = None
    specific_working = ""
    if rate.specific_amount is not None:
        specific, specific_working = state.specific(rate, "consumption")
    ad_valorem_tax = None
    composite = None
    if rate.ad_valorem is not None:
        with money_context():
            share = rate.ad_valorem / HUNDRED
            numerator = (
                value
                + duty
                + (
                    specific
                    if specific is not None and rate.combination != "higher" and rate.combination != "lower"
                    else ZERO
                )
            )
        composite = div_half_up(numerator, 1 - share)
        label, formula = legal.COMPOSITE
        state.fig(
            Figure(
                key="consumption_composite",
                label=label,
                amount=composite,
                currency=state.fx.home,
                formula=formula,
                working=f"{number(numerator)} ÷ (1 − {number(share)}) → {money(composite)}",
                rounding=legal.HALF_UP,
                legal_basis=legal.CONSUMPTION_BASIS,
            )
        )
        with money_context():
            ad_valorem_tax = composite * share
    with money_context():
        if ad_valorem_tax is not None and specific is not None and rate.combination in ("higher", "lower"):
            exact = _combine(rate, ad_valorem_tax, specific)
        elif ad_valorem_tax is not None and specific is not None:
            exact = ad_valorem_tax + specific
        else:
            exact = ad_valorem_tax if ad_valorem_tax is not None else specific  # type: ignore[assignment]
    tax = round_half_up(exact)
    parts = []
    if composite is not None and rate.ad_valorem is not None:
        parts.append(f"{money(composite)} × {number(rate.ad_valorem)}% = {number(ad_valorem_tax or ZERO)}")
    if specific is not None:
        parts.append(f"{specific_working} = {number(specific)}")
    state.fig(
        Figure(
            key="consumption_tax",
            label=legal.CONSUMPTION,
            amount=tax,
            currency=state.fx.home,
            formula=legal.CONSUMPTION_FORMULAS[_formula_key(rate)],
            working="; ".join(parts) + f" → {money(tax)}",
            rate=rate.text,
            reason=rate.reason,
            rounding=legal.HALF_UP,
            legal_basis=legal.CONSUMPTION_BASIS,
        )
    )
    return tax


def _vat(state: _Item, value: Decimal, duty: Decimal, consumption: Decimal) -> Decimal:
    rate = state.item.vat
    if rate is None:
        return ZERO
    with money_context():
        base = value + duty + consumption
        exact = base * rate / HUNDRED
    label, formula = legal.VAT_BASE
    state.fig(
        Figure(
            key="vat_base",
            label=label,
            amount=base,
            currency=state.fx.home,
            formula=formula,
            working=f"{money(value)} + {money(duty)} + {money(consumption)} = {money(base)}",
            legal_basis=legal.VAT_BASIS,
        )
    )
    vat = round_half_up(exact)
    state.fig(
        Figure(
            key="vat",
            label=legal.VAT,
            amount=vat,
            currency=state.fx.home,
            formula=legal.VAT_FORMULA,
            working=f"{money(base)} × {number(rate)}% = {number(exact)} → {money(vat)}",
            rate=f"{number(rate)}%",
            rounding=legal.HALF_UP,
            legal_basis=legal.VAT_BASIS,
        )
    )
    return vat


def _export(state: _Item, terms: legal.Terms) -> tuple[Decimal, Decimal]:
    """(dutiable value, export duty): FOB built from the price, then the duty taken out of it."""
    item = state.item
    goods = _goods(state)
    freight = insurance = other = ZERO
    sign = {True: -1, False: 1}
    for name, label, included in (
        ("freight", legal.FREIGHT, terms.freight_included),
        ("insurance", legal.INSURANCE, terms.insurance_included),
    ):
        charge: Charge | None = getattr(item, name)
        if charge is None:
            if included and terms.code in ("1", "2", "4"):
                raise ValidationFailed.on(
                    f"{state.path}.{name}",
                    _("%(terms)s export prices include it: give it so it can be deducted to reach FOB.")
                    % {"terms": terms.name},
                )
            continue
        if not included and terms.code == "3":
            continue  # FOB: nothing to add or deduct
        amount = state.charge(name, label, charge, goods) * sign[included]
        if name == "freight":
            freight = amount
        else:
            insurance = amount
    if item.other is not None:
        other = state.charge("other", legal.OTHER, item.other, goods)
    with money_context():
        fob = goods + freight + insurance + other
    if fob < 0:
        raise ValidationFailed.on(f"{state.path}.price", _("The charges deducted exceed the price."))
    label, formula = legal.DUTIABLE_EXPORT_FOB
    state.fig(
        Figure(
            key="fob",
            label=label,
            amount=fob,
            currency=state.fx.home,
            formula=formula,
            working=f"{number(goods)} + ({number(freight)}) + ({number(insurance)}) + {number(other)} = {number(fob)}",
            reason=_("Terms %(terms)s") % {"terms": terms.name},
        )
    )
    rate = item.duty
    label, formula, basis = legal.DUTIABLE_EXPORT
    if rate is None:
        value = round_half_up(fob)
        state.fig(
            Figure(
                "dutiable_value",
                label,
                value,
                state.fx.home,
                formula,
                f"{number(fob)} → {money(value)}",
                rounding=legal.HALF_UP,
                legal_basis=basis,
            )
        )
        state.fig(Figure("export_duty", legal.EXPORT_DUTY, ZERO, state.fx.home, legal.DUTY_FORMULAS["none"], "0.00"))
        return value, ZERO
    specific = None
    specific_working = ""
    if rate.specific_amount is not None:
        specific, specific_working = state.specific(rate, "duty")
    share = (rate.ad_valorem or ZERO) / HUNDRED
    candidates: list[tuple[Decimal, Decimal, str]] = []  # (value, duty, working)
    both = rate.ad_valorem is not None and specific is not None
    specific_part = specific if specific is not None else ZERO
    if both and rate.combination in ("higher", "lower"):
        options = [(ZERO, share), (specific_part, ZERO)]
    else:
        options = [(specific_part, share)]
    for deducted, part in options:
        with money_context():
            net = fob - deducted
        if net < 0:
            raise ValidationFailed.on(f"{state.path}.price", _("The price is lower than the specific export duty."))
        value = div_half_up(net, 1 + part)
        with money_context():
            exact = value * part + (deducted if deducted else ZERO)
        duty = round_half_up(exact)
        working = f"({number(fob)} − {number(deducted)}) ÷ (1 + {number(part)}) → {money(value)}"
        candidates.append((value, duty, working))
    if len(candidates) == 2:
        pick = max if rate.combination == "higher" else min
        value, duty, working = pick(candidates, key=lambda option: option[1])
    else:
        value, duty, working = candidates[0]
    state.fig(
        Figure(
            "dutiable_value", label, value, state.fx.home, formula, working, rounding=legal.HALF_UP, legal_basis=basis
        )
    )
    parts = []
    if rate.ad_valorem is not None:
        parts.append(f"{money(value)} × {number(rate.ad_valorem)}%")
    if specific is not None:
        parts.append(f"{specific_working} = {number(specific)}")
    state.fig(
        Figure(
            key="export_duty",
            label=legal.EXPORT_DUTY,
            amount=duty,
            currency=state.fx.home,
            formula=legal.DUTY_FORMULAS[_formula_key(rate)],
            working=" + ".join(parts) + f" → {money(duty)}",
            rate=rate.text,
            reason=rate.reason,
            rounding=legal.HALF_UP,
            legal_basis=legal.DUTY_BASIS,
        )
    )
    return value, duty


def calculate_item(index: int, item: ItemInput, *, direction: Direction, terms: legal.Terms, fx: FxTable) -> ItemResult:
    """The assessed figures of one item (no exemption, no landed cost: those need the whole declaration)."""
    state = _Item(index, item, fx)
    consumption = vat = ZERO
    if direction == Direction.EXPORT:
        value, duty = _export(state, terms)
    else:
        value = _import_value(state, terms)
        duty = _import_duty(state, value)
        consumption = _consumption(state, value, duty)
        vat = _vat(state, value, duty, consumption)
    return ItemResult(
        index=index,
        code=item.code,
        currency=fx.home,
        dutiable_value=value,
        duty=duty,
        consumption_tax=consumption,
        vat=vat,
        unit=item.unit,
        figures=tuple(state.figures),
    )
