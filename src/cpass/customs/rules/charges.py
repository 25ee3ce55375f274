"""Freight, insurance and other charges against the transaction terms (成交方式).

What a terms code includes is the duty engine's own table (cpass.customs.duty.legal.TERMS), so validation
asks for exactly what the engine needs: an import adds freight and insurance the price lacks to reach CIF;
an export deducts freight and insurance a CIF, C&F or C&I price contains to reach FOB.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from cpass.core.errors import Message
from cpass.customs.choices import ChargeMode
from cpass.customs.duty.legal import TERMS, Terms
from cpass.customs.rules.context import Context
from cpass.customs.rules.engine import ERROR, WARNING, Hit, rule, say
from cpass.customs.rules.fields import blank, header_label, is_export, is_import, plain, text

CHARGES = ("freight", "insurance", "other")
HUNDRED = Decimal(100)
#: Export prices that contain freight or insurance to deduct: CIF, C&F, C&I (as the duty engine).
EXPORT_DEDUCTING = frozenset({"1", "2", "4"})


def _terms(context: Context) -> Terms | None:
    return TERMS.get(text(context.declaration.transaction_terms))


def _given(context: Context, name: str) -> bool:
    return getattr(context.declaration, f"{name}_value") is not None


def _needed(terms: Terms, name: str, *, importing: bool) -> bool:
    included = terms.freight_included if name == "freight" else terms.insurance_included
    if importing:
        return not included
    return included and terms.code in EXPORT_DEDUCTING


def _label(name: str) -> Message:
    return header_label(f"{name}_value")


@rule("CUS-CHG-001", ERROR, _("Freight where an import price excludes it"), applies=is_import)
def import_freight(context: Context) -> Iterator[Hit]:
    terms = _terms(context)
    if terms is not None and _needed(terms, "freight", importing=True) and not _given(context, "freight"):
        yield Hit(
            "freight_value",
            say(
                _("%(terms)s prices exclude freight: enter the freight (a rate, per unit or a total) so customs can "
                  "build the CIF value."),
                terms=terms.name,
            ),
        )  # fmt: skip


@rule("CUS-CHG-002", ERROR, _("Insurance where an import price excludes it"), applies=is_import)
def import_insurance(context: Context) -> Iterator[Hit]:
    terms = _terms(context)
    if terms is not None and _needed(terms, "insurance", importing=True) and not _given(context, "insurance"):
        yield Hit(
            "insurance_value",
            say(
                _("%(terms)s prices exclude insurance: enter the insurance; when it is not known, declare the rate "
                  "0.3 (%%), customs' 3‰ of goods value plus freight."),
                terms=terms.name,
            ),
        )  # fmt: skip


@rule("CUS-CHG-003", ERROR, _("Freight where an export price contains it"), applies=is_export)
def export_freight(context: Context) -> Iterator[Hit]:
    terms = _terms(context)
    if terms is not None and _needed(terms, "freight", importing=False) and not _given(context, "freight"):
        yield Hit(
            "freight_value",
            say(
                _("%(terms)s export prices contain freight: enter it so it can be deducted to reach the FOB value."),
                terms=terms.name,
            ),
        )


@rule("CUS-CHG-004", ERROR, _("Insurance where an export price contains it"), applies=is_export)
def export_insurance(context: Context) -> Iterator[Hit]:
    terms = _terms(context)
    if terms is not None and _needed(terms, "insurance", importing=False) and not _given(context, "insurance"):
        yield Hit(
            "insurance_value",
            say(
                _("%(terms)s export prices contain insurance: enter it so it can be deducted to reach the FOB "
                  "value."),
                terms=terms.name,
            ),
        )  # fmt: skip


@rule("CUS-CHG-005", ERROR, _("Each charge complete: how it is given, amount and currency"))
def charge_complete(context: Context) -> Iterator[Hit]:
    declaration = context.declaration
    for name in CHARGES:
        mode = text(getattr(declaration, f"{name}_mode"))
        value = getattr(declaration, f"{name}_value")
        currency = text(getattr(declaration, f"{name}_currency"))
        label = _label(name)
        if value is None:
            if mode or currency:
                yield Hit(f"{name}_value", say(_("Enter the amount or rate of the %(charge)s."), charge=label))
            continue
        if mode not in ChargeMode.values:
            yield Hit(
                f"{name}_mode",
                say(_("Say how the %(charge)s is given: a rate, per unit or a total."), charge=label),
            )
            continue
        if value < 0:
            yield Hit(f"{name}_value", say(_("The %(charge)s cannot be negative."), charge=label))
        elif mode == ChargeMode.RATE and value >= HUNDRED:
            yield Hit(
                f"{name}_value",
                say(
                    _("The %(charge)s rate is a percentage below 100, not %(value)s."),
                    charge=label,
                    value=plain(value),
                ),
            )
        if mode != ChargeMode.RATE and not currency:
            yield Hit(
                f"{name}_currency",
                say(_("Enter the currency of the %(charge)s (it is given as an amount)."), charge=label),
            )


@rule("CUS-CHG-006", WARNING, _("Freight or insurance the price already accounts for"))
def charge_not_used(context: Context) -> Iterator[Hit]:
    terms = _terms(context)
    if terms is None:
        return
    for name in ("freight", "insurance"):
        if _given(context, name) and not _needed(terms, name, importing=context.is_import):
            yield Hit(
                f"{name}_value",
                say(
                    _("Under %(terms)s the %(charge)s is not added to or deducted from the price; the value entered "
                      "is not used. Leave it empty unless it is meant."),
                    terms=terms.name,
                    charge=_label(name),
                ),
            )  # fmt: skip


def charge_fields(context: Context) -> list[str]:
    """The charges given in an amount (whose currency needs an exchange rate)."""
    return [
        name
        for name in CHARGES
        if not blank(getattr(context.declaration, f"{name}_currency"))
        and text(getattr(context.declaration, f"{name}_mode")) != ChargeMode.RATE
        and _given(context, name)
    ]
