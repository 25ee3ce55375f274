"""Field checks of declaration headers and items, shared by the services (pages and API) and the Excel import.

`DeclarationFields` checks values on one date (the declaration's) and caches code-table answers and tariff
lines, so a file of many items costs one lookup per distinct code. Errors name the model field; the caller
prefixes them (`items[3].hs_code`, a row number). The rules between fields and against the tariff that a
declaration must pass before submission live in cpass.customs.rules; here only what makes a value storable.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import partial
from typing import Any

from django.utils.translation import gettext_lazy as _

from cpass.core.errors import ValidationFailed
from cpass.customs.choices import ChargeMode, Confirmation
from cpass.products.elements import Element, clean_element_values, join_specification
from cpass.products.validation import ProductRules
from cpass.reference.tables import Table
from cpass.shipments import validation
from cpass.shipments.validation import Checks
from cpass.tariff.models import TariffLine

#: Header fields a person sets (services, forms and API share this list); parties are ids, containers a list of ids.
HEADER_FIELDS = (
    "declaring_customs",
    "entry_exit_customs",
    "record_number",
    "contract_number",
    "import_export_date",
    "declaration_date",
    "domestic_trader_id",
    "overseas_trader_id",
    "consumer_producer_id",
    "declarant_id",
    "transport_mode",
    "vessel_name",
    "imo_number",
    "voyage",
    "bill_number",
    "goods_location",
    "trade_mode",
    "levy_nature",
    "licence_number",
    "departure_country",
    "trade_country",
    "departure_port",
    "stop_port",
    "entry_exit_port",
    "package_type",
    "package_count",
    "gross_weight_kg",
    "net_weight_kg",
    "transaction_terms",
    "freight_mode",
    "freight_value",
    "freight_currency",
    "insurance_mode",
    "insurance_value",
    "insurance_currency",
    "other_mode",
    "other_value",
    "other_currency",
    "related_party",
    "price_influence",
    "royalty_payment",
    "self_assessment",
    "marks_and_remarks",
    "container_ids",
)
#: The header fields stored on the declaration row (containers are links, not a column).
STORED_HEADER_FIELDS = tuple(field for field in HEADER_FIELDS if field != "container_ids")
PARTY_FIELDS = ("domestic_trader_id", "overseas_trader_id", "consumer_producer_id", "declarant_id")
ITEM_FIELDS = (
    "goods_line_id",
    "product_id",
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
CHARGES = ("freight", "insurance", "other")

_HEADER_TEXT = {
    "record_number": 12,
    "contract_number": 32,
    "vessel_name": 100,
    "voyage": 20,
    "bill_number": 35,
    "goods_location": 100,
    "licence_number": 20,
    "marks_and_remarks": 500,
}
_HEADER_CODES = {
    "declaring_customs": Table.CUSTOMS_OFFICE,
    "entry_exit_customs": Table.CUSTOMS_OFFICE,
    "transport_mode": Table.TRANSPORT_MODE,
    "trade_mode": Table.TRADE_MODE,
    "levy_nature": Table.LEVY_NATURE,
    "departure_country": Table.COUNTRY,
    "trade_country": Table.COUNTRY,
    "package_type": Table.PACKAGE_TYPE,
    "transaction_terms": Table.TRANSACTION_TERMS,
    "freight_currency": Table.CURRENCY,
    "insurance_currency": Table.CURRENCY,
    "other_currency": Table.CURRENCY,
}
_ITEM_TEXT = {"name": 250, "specification": 500, "origin_certificate": 40}
_ITEM_CODES = {
    "trade_unit": Table.UNIT,
    "legal_unit_1": Table.UNIT,
    "legal_unit_2": Table.UNIT,
    "currency": Table.CURRENCY,
    "origin_country": Table.COUNTRY,
    "destination_country": Table.COUNTRY,
    "duty_mode": Table.DUTY_MODE,
}
_DOMESTIC_PORT = re.compile(r"\d{4,6}")
_DOMESTIC_AREA = re.compile(r"\d{5}")
_DOCUMENT_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}")


class DeclarationFields:
    """Checks of declaration values valid on `on` (the declaration's date), with cached codes and tariff lines."""

    def __init__(self, *, on: dt.date) -> None:
        self.on = on
        self._rules = ProductRules(on=on)

    # -- single values -------------------------------------------------------------------------------

    def code(self, table: Table, field: str, value: Any) -> str:
        return self._rules.code(table, field, value)

    @staticmethod
    def date(field: str, value: Any) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            raise ValidationFailed.on(field, _("Give a date without a time, e.g. 2026-03-01."))
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationFailed.on(field, _("Give a date like 2026-03-01.")) from None

    @staticmethod
    def choice(field: str, value: Any, choices: list[str]) -> str:
        cleaned = ("" if value is None else str(value)).strip().lower()
        if cleaned and cleaned not in choices:
            raise ValidationFailed.on(
                field,
                _("“%(value)s” is not one of %(choices)s.") % {"value": cleaned[:20], "choices": ", ".join(choices)},
            )
        return cleaned

    @staticmethod
    def boolean(field: str, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = ("" if value is None else str(value)).strip().lower()
        if text in ("1", "true", "yes", "on", "y", "是"):
            return True
        if text in ("", "0", "false", "no", "off", "n", "否"):
            return False
        raise ValidationFailed.on(field, _("Write yes or no."))

    @staticmethod
    def domestic_port(value: Any) -> str:
        """A domestic port of entry/exit (入境口岸/离境口岸): customs' 4–6 digit code."""
        cleaned = ("" if value is None else str(value)).strip()
        if cleaned and not _DOMESTIC_PORT.fullmatch(cleaned):
            raise ValidationFailed.on("entry_exit_port", _("The domestic port code has 4 to 6 digits, e.g. 310301."))
        return cleaned

    @staticmethod
    def domestic_area(value: Any) -> str:
        """A domestic destination or source area (境内目的地/货源地): customs' 5-digit area code."""
        cleaned = ("" if value is None else str(value)).strip()
        if cleaned and not _DOMESTIC_AREA.fullmatch(cleaned):
            raise ValidationFailed.on("domestic_area", _("The domestic area code has 5 digits, e.g. 31222."))
        return cleaned

    @staticmethod
    def money(field: str, value: Any, *, places: int) -> Decimal | None:
        return validation.decimal(field, value, places=places, integer_digits=16)

    def document(self, code: Any, number: Any) -> tuple[str, str]:
        """An accompanying document (随附单证): the licence or certificate code (监管证件代码, e.g. Y certificate of
        origin, A inbound inspection) and its number."""
        checks = Checks()
        cleaned_code = checks.run("code", partial(self.code, Table.SUPERVISION_CONDITION, "code", code), "")
        if not cleaned_code and not checks.failed("code"):
            checks.add("code", _("Choose the document's code."))
        cleaned_number = ("" if number is None else str(number)).strip()
        if not cleaned_number:
            checks.add("number", _("Enter the document's number."))
        elif not _DOCUMENT_NUMBER.fullmatch(cleaned_number):
            checks.add("number", _("Letters, digits and / _ . - only, at most 40 characters."))
        checks.raise_if_any()
        return cleaned_code, cleaned_number

    # -- the header ----------------------------------------------------------------------------------

    def header(self, raw: Mapping[str, Any], *, party: Callable[[str, Any], int | None]) -> dict[str, Any]:
        """Every given header field checked, all errors together. `party(field, id)` resolves a party id
        (the service passes one that checks the party is usable and the declaration's enterprise's)."""
        checks = Checks()
        values: dict[str, Any] = {}
        for field, value in raw.items():
            check: Callable[[], Any]
            default: Any = ""
            if field in _HEADER_TEXT:
                check = partial(validation.text, field, value, limit=_HEADER_TEXT[field])
            elif field in _HEADER_CODES:
                check = partial(self.code, _HEADER_CODES[field], field, value)
            elif field in PARTY_FIELDS:
                check, default = partial(party, field, value), None
            elif field in ("import_export_date", "declaration_date"):
                check, default = partial(self.date, field, value), None
            elif field in ("departure_port", "stop_port"):
                check = partial(validation.locode, field, value)
            elif field == "entry_exit_port":
                check = partial(self.domestic_port, value)
            elif field == "imo_number":
                check = partial(validation.imo_number, value)
            elif field == "package_count":
                check, default = partial(validation.count, field, value), None
            elif field in ("gross_weight_kg", "net_weight_kg"):
                check, default = partial(validation.decimal, field, value), None
            elif field in ("freight_mode", "insurance_mode", "other_mode"):
                check = partial(self.choice, field, value, list(ChargeMode.values))
            elif field in ("freight_value", "insurance_value", "other_value"):
                check, default = partial(validation.decimal, field, value, places=4, integer_digits=14), None
            elif field in ("related_party", "price_influence", "royalty_payment"):
                check = partial(self.choice, field, value, list(Confirmation.values))
            elif field == "self_assessment":
                check, default = partial(self.boolean, field, value), False
            else:
                continue
            values[field] = checks.run(field, check, default)
        checks.raise_if_any()
        return values

    @staticmethod
    def check_header_together(values: Mapping[str, Any]) -> None:
        """What must hold for a header to be stored: net ≤ gross, each charge complete (mode, value, and a
        currency unless it is a rate), packages with their type."""
        checks = Checks()
        net, gross = values.get("net_weight_kg"), values.get("gross_weight_kg")
        if net is not None and gross is not None and net > gross:
            checks.add("net_weight_kg", _("The net weight cannot exceed the gross weight."))
        for charge in CHARGES:
            mode, value, currency = (values.get(f"{charge}_{part}") for part in ("mode", "value", "currency"))
            if value is not None and not mode:
                checks.add(f"{charge}_mode", _("Say whether the amount is a rate, per unit or a total."))
            if mode and value is None:
                checks.add(f"{charge}_value", _("Enter the amount or rate."))
            if mode == ChargeMode.RATE and value is not None and value >= 100:
                checks.add(f"{charge}_value", _("A rate is a percentage below 100."))
            if mode in (ChargeMode.UNIT, ChargeMode.TOTAL) and not currency:
                checks.add(f"{charge}_currency", _("Give the currency of the amount."))
        if values.get("package_count") and not values.get("package_type"):
            checks.add("package_type", _("Choose the package type of these packages."))
        checks.raise_if_any()

    # -- items ---------------------------------------------------------------------------------------

    def line(self, code: str, ciq_code: str) -> TariffLine:
        return self._rules.line(code, ciq_code)

    def elements(self, code: str) -> list[Element]:
        return self._rules.elements(code)

    def item(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Every given item field checked, all errors together; then, with a commodity code, its tariff line on
        the date: the legal units filled from it when not given, the declaration elements checked against the
        heading's template and joined into the specification. `goods_line_id` and `product_id` are the
        caller's to resolve."""
        checks = Checks()
        values: dict[str, Any] = {}
        for field, value in raw.items():
            if field in _ITEM_TEXT:
                values[field] = checks.run(field, partial(validation.text, field, value, limit=_ITEM_TEXT[field]), "")
            elif field in _ITEM_CODES:
                values[field] = checks.run(field, partial(self.code, _ITEM_CODES[field], field, value), "")
            elif field in ("quantity", "legal_quantity_1", "legal_quantity_2"):
                values[field] = checks.run(field, partial(validation.decimal, field, value, integer_digits=14))
            elif field == "unit_price":
                values[field] = checks.run(field, partial(self.money, field, value, places=4))
            elif field == "total_price":
                values[field] = checks.run(field, partial(self.money, field, value, places=2))
            elif field == "hs_code":
                values[field] = checks.run(field, partial(self._rules.hs_code, value), "")
            elif field == "ciq_code":
                values[field] = checks.run(field, partial(self._rules.ciq_code, value), "")
            elif field == "domestic_area":
                values[field] = checks.run(field, partial(self.domestic_area, value), "")
            elif field == "elements":
                if value in (None, ""):
                    values[field] = {}
                elif isinstance(value, Mapping):
                    values[field] = {str(key): value[key] for key in value}
                else:
                    checks.add(field, _("The declaration elements are a mapping of element to value."))
        if values.get("hs_code") and not checks.failed("hs_code") and not checks.failed("ciq_code"):
            line = checks.run("hs_code", partial(self.line, values["hs_code"], values.get("ciq_code", "")))
            if line is not None:
                self._fill_from_line(checks, values, line)
        checks.raise_if_any()
        return values

    def _fill_from_line(self, checks: Checks, values: dict[str, Any], line: TariffLine) -> None:
        for number in (1, 2):
            unit = getattr(line, f"unit_{number}")
            field = f"legal_unit_{number}"
            if not values.get(field) and unit:
                values[field] = unit
        elements = self._rules.elements(values["hs_code"])
        given = values.get("elements")
        if elements and given:
            cleaned = checks.run("elements", partial(clean_element_values, elements, given))
            if cleaned is not None:
                values["elements"] = cleaned
                values["specification"] = join_specification(elements, cleaned)[:500]

    @staticmethod
    def check_item_together(values: Mapping[str, Any]) -> None:
        """What must hold for an item to be stored: a price with its currency, a quantity with its unit, a total
        that agrees with unit price × quantity (customs accepts a difference below 1 in the last place of the
        total; we allow 0.01), and a total computed when only the unit price and quantity are given."""
        checks = Checks()
        for quantity, unit in (("quantity", "trade_unit"), ("legal_quantity_1", "legal_unit_1")):
            if values.get(quantity) is not None and not values.get(unit):
                checks.add(unit, _("Give the unit of this quantity."))
        if (values.get("unit_price") is not None or values.get("total_price") is not None) and not values.get(
            "currency"
        ):
            checks.add("currency", _("Give the currency of the price."))
        checks.raise_if_any()


def item_total(values: dict[str, Any]) -> None:
    """Fill the total price from unit price × quantity (rounded half up to the fen), or the unit price from the
    total ÷ quantity, when one is missing; refuse a total that disagrees by more than 0.01."""
    quantity, unit_price, total = values.get("quantity"), values.get("unit_price"), values.get("total_price")
    if quantity is None or quantity == 0:
        return
    if unit_price is not None and total is None:
        values["total_price"] = (unit_price * quantity).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    elif total is not None and unit_price is None:
        values["unit_price"] = (total / quantity).quantize(Decimal("0.0001"), rounding="ROUND_HALF_UP")
    elif unit_price is not None and total is not None and abs(unit_price * quantity - total) > Decimal("0.01"):
        raise ValidationFailed.on(
            "total_price",
            _("The total price %(total)s is not unit price × quantity (%(expected)s).")
            % {"total": total, "expected": (unit_price * quantity).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")},
        )
