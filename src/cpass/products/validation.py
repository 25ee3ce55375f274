"""The rules of a product's fields, shared by the services (one product) and the importer (many rows).

`ProductRules` checks each field and remembers reference and tariff look-ups, so an import of
thousands of rows asks the database once per distinct country, unit, currency and code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumError

from cpass.core.errors import ServiceError, ValidationFailed
from cpass.products.elements import Element, template_elements
from cpass.products.models import HS_JURISDICTION
from cpass.reference.selectors import validate_code
from cpass.reference.tables import Table
from cpass.tariff.models import TariffLine
from cpass.tariff.selectors import element_template, tariff_line

TEXT_LIMITS = {"sku": 64, "name_en": 200, "name_zh": 200, "specification": 200, "brand": 100}
DECIMAL_FIELDS = ("net_weight_kg", "gross_weight_kg", "unit_price")
#: Digits before the decimal point the columns hold (max_digits - decimal_places).
_INTEGER_DIGITS = {"net_weight_kg": 10, "gross_weight_kg": 10, "unit_price": 14}
_SKU = re.compile(r"[^\x00-\x1f\x7f]+")
#: Line breaks and tabs (Alt+Enter in an Excel cell) become spaces; other control characters are refused.
_LINE_BREAKS = re.compile(r"[\t\r\n]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: What a code of a code table can look like; anything else is refused without a look-up.
_TABLE_CODE = re.compile(r"[A-Z0-9]{1,12}")
REASON_LIMIT = 1000
_HS_CODE = re.compile(r"\d{10}")
_CIQ_CODE = re.compile(r"\d{3}")
_TRUE = {"1", "true", "yes", "y", "是"}
_FALSE = {"0", "false", "no", "n", "否"}


class ProductRules:
    """Field checks on the date `on` (today for people; the import's date for files)."""

    def __init__(self, *, on: dt.date) -> None:
        self.on = on
        self._codes: dict[tuple[str, str], str | None] = {}
        self._lines: dict[tuple[str, str], TariffLine | tuple[str, str]] = {}
        self._templates: dict[str, list[Element]] = {}

    # -- single fields ---------------------------------------------------------------------

    def text(self, field: str, value: Any) -> str:
        text = _LINE_BREAKS.sub(" ", "" if value is None else str(value)).strip()
        if _CONTROL.search(text):
            raise ValidationFailed.on(field, _("The text may not contain control characters."))
        limit = TEXT_LIMITS[field]
        if len(text) > limit:
            raise ValidationFailed.on(field, _("At most %(max)d characters.") % {"max": limit})
        return text

    @staticmethod
    def reason(value: Any, *, field: str = "reason") -> str:
        """Why a classification changes: free text, line breaks allowed, at most 1000 characters."""
        text = ("" if value is None else str(value)).strip()
        if _CONTROL.search(text):
            raise ValidationFailed.on(field, _("The text may not contain control characters."))
        if len(text) > REASON_LIMIT:
            raise ValidationFailed.on(field, _("At most %(max)d characters.") % {"max": REASON_LIMIT})
        return text

    def sku(self, value: Any) -> str:
        sku = self.text("sku", value)
        if not sku:
            raise ValidationFailed.on("sku", _("Enter the SKU (your article number)."))
        if not _SKU.fullmatch(sku):
            raise ValidationFailed.on("sku", _("The SKU may not contain control characters."))
        return sku

    def gtin(self, value: Any) -> str:
        digits = re.sub(r"[\s-]", "", "" if value is None else str(value))
        if not digits:
            return ""
        if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
            raise ValidationFailed.on("gtin", _("A GTIN has 8, 12, 13 or 14 digits."))
        try:
            return str(ean.validate(digits))
        except StdnumError:
            raise ValidationFailed.on(
                "gtin", _("“%(gtin)s” is not a valid GTIN: its check digit is wrong.") % {"gtin": digits}
            ) from None

    def code(self, table: Table, field: str, value: Any) -> str:
        code = ("" if value is None else str(value)).strip().upper()
        if not code:
            return ""
        if not _TABLE_CODE.fullmatch(code):
            raise ValidationFailed.on(
                field, _("“%(code)s” is not a code of the %(table)s table.") % {"code": code[:20], "table": str(table)}
            )
        key = (str(table), code)
        if key not in self._codes:
            try:
                validate_code(table, code, field=field, on=self.on)
                self._codes[key] = None
            except ValidationFailed as exc:
                self._codes[key] = str(exc.detail)
        message = self._codes[key]
        if message is not None:
            raise ValidationFailed.on(field, message)
        return code

    def decimal(self, field: str, value: Any) -> Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            raise ValidationFailed.on(field, _("“%(value)s” is not a number.") % {"value": value}) from None
        if not number.is_finite():
            raise ValidationFailed.on(field, _("Enter a finite number."))
        if number < 0:
            raise ValidationFailed.on(field, _("The value cannot be negative."))
        # Size first: quantizing a huge number (1e400) exceeds the decimal context.
        if number >= Decimal(10) ** _INTEGER_DIGITS[field]:
            raise ValidationFailed.on(field, _("The value is too large."))
        if number != number.quantize(Decimal("0.0001")):
            raise ValidationFailed.on(field, _("At most 4 decimal places."))
        return number.quantize(Decimal("0.0001"))

    def boolean(self, field: str, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValidationFailed.on(field, _("Write 1 (yes) or 0 (no)."))

    def hs_code(self, value: Any) -> str:
        code = re.sub(r"[\s.]", "", "" if value is None else str(value))
        if code and not _HS_CODE.fullmatch(code):
            raise ValidationFailed.on("hs_code", _("China's commodity code has 10 digits."))
        return code

    def ciq_code(self, value: Any) -> str:
        code = ("" if value is None else str(value)).strip()
        if code and not _CIQ_CODE.fullmatch(code):
            raise ValidationFailed.on("ciq_code", _("The CIQ code has 3 digits."))
        return code

    # -- the tariff --------------------------------------------------------------------------

    def line(self, code: str, ciq_code: str) -> TariffLine:
        """The tariff line of `code` (+ CIQ sub-code) valid on the date, or ValidationFailed on hs_code."""
        key = (code, ciq_code)
        if key not in self._lines:
            try:
                self._lines[key] = tariff_line(jurisdiction=HS_JURISDICTION, code=code, on=self.on, ciq_code=ciq_code)
            except ServiceError as exc:
                field = "ciq_code" if "ciq_code" in exc.errors else "hs_code"
                self._lines[key] = (field, str(exc.detail))
        found = self._lines[key]
        if isinstance(found, tuple):
            raise ValidationFailed.on(found[0], found[1])
        return found

    def elements(self, code: str) -> list[Element]:
        """The declaration elements of `code`'s template on the date (none for an unclassified product)."""
        if not code:
            return []
        if code not in self._templates:
            template = element_template(jurisdiction=HS_JURISDICTION, code=code, on=self.on)
            self._templates[code] = template_elements(template.elements if template is not None else None)
        return self._templates[code]

    # -- cross-field -------------------------------------------------------------------------

    @staticmethod
    def check_together(values: Mapping[str, Any]) -> None:
        """Rules between fields: a name in some language, net ≤ gross, a currency with a price."""
        errors: dict[str, list[str]] = {}
        if not values.get("name_en") and not values.get("name_zh"):
            errors["name_zh"] = [_("Enter the product's name in Chinese or English.")]
        net, gross = values.get("net_weight_kg"), values.get("gross_weight_kg")
        if net is not None and gross is not None and net > gross:
            errors["net_weight_kg"] = [
                _("The net weight (%(net)s kg) cannot exceed the gross weight (%(gross)s kg).")
                % {"net": _plain(net), "gross": _plain(gross)}
            ]
        if values.get("unit_price") is not None and not values.get("currency"):
            errors["currency"] = [_("Give the currency of the unit price.")]
        if errors:
            raise ValidationFailed(_("Some fields are invalid."), errors=errors)


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
