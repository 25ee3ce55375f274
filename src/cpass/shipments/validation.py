"""Field checks of shipments, goods lines and containers, shared by the services (and so by API and pages).

`Checks` collects every field error of one write, so a person sees all of them at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.utils.translation import gettext_lazy as _
from stdnum import imo, iso6346
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError

from cpass.core.errors import Message, ServiceError, ValidationFailed
from cpass.places.models import Location
from cpass.reference.selectors import validate_code
from cpass.reference.tables import Table
from cpass.tariff.models import TariffLine
from cpass.tariff.selectors import tariff_line

#: The tariff goods lines are classified in (China's 10-digit commodity codes).
HS_JURISDICTION = "CN"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[\t\r\n]+")
_TABLE_CODE = re.compile(r"[A-Z0-9]{1,12}")
_LOCODE = re.compile(r"[A-Z]{2}[A-Z2-9]{3}")
_HS_CODE = re.compile(r"\d{10}")
_SEAL = re.compile(r"[A-Z0-9][A-Z0-9/-]{0,19}")
MAX_SEALS = 6
#: 10**n for the digit limits and decimal steps of `decimal` (a file import checks millions of numbers).
_POWERS_OF_TEN = {n: Decimal(1).scaleb(n) for n in range(-18, 19)}

T = TypeVar("T")


class Checks:
    """Runs field checks and keeps every error by field; `raise_if_any` ends the write when there were some."""

    def __init__(self) -> None:
        self.errors: dict[str, list[Message]] = {}

    def run(self, field: str, check: Callable[[], T], default: Any = None) -> T | Any:
        try:
            return check()
        except ValidationFailed as exc:
            for name, messages in (exc.errors or {field: [exc.detail]}).items():
                self.errors.setdefault(name, []).extend(messages)
            return default

    def add(self, field: str, message: Message) -> None:
        self.errors.setdefault(field, []).append(message)

    def failed(self, field: str) -> bool:
        return field in self.errors

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(_("Some fields are invalid."), errors=self.errors)


def text(field: str, value: Any, *, limit: int, required: Message | None = None) -> str:
    """One line of text: line breaks become spaces, control characters and overlong text are refused."""
    cleaned = _LINE_BREAKS.sub(" ", "" if value is None else str(value)).strip()
    if _CONTROL.search(cleaned):
        raise ValidationFailed.on(field, _("The text may not contain control characters."))
    if len(cleaned) > limit:
        raise ValidationFailed.on(field, _("At most %(max)d characters.") % {"max": limit})
    if not cleaned and required is not None:
        raise ValidationFailed.on(field, required)
    return cleaned


def code(table: Table, field: str, value: Any, *, on: dt.date) -> str:
    """A code of a reference table valid on `on` (empty stays empty)."""
    cleaned = ("" if value is None else str(value)).strip().upper()
    if not cleaned:
        return ""
    if not _TABLE_CODE.fullmatch(cleaned):
        raise ValidationFailed.on(
            field, _("“%(code)s” is not a code of the %(table)s table.") % {"code": cleaned[:20], "table": str(table)}
        )
    validate_code(table, cleaned, field=field, on=on)
    return cleaned


def locode(field: str, value: Any) -> str:
    """A UN/LOCODE of a known location (spaces ignored: “CN SHA” is CNSHA)."""
    cleaned = ("" if value is None else str(value)).replace(" ", "").strip().upper()
    if not cleaned:
        return ""
    if not _LOCODE.fullmatch(cleaned):
        raise ValidationFailed.on(field, _("A UN/LOCODE has 5 characters: the country and 3 letters, e.g. CNSHA."))
    if not Location.objects.filter(unlocode=cleaned).exists():
        raise ValidationFailed.on(field, _("There is no location with the code “%(code)s”.") % {"code": cleaned})
    return cleaned


def imo_number(value: Any) -> str:
    """The 7 digits of an IMO ship identification number, its check digit verified with python-stdnum."""
    cleaned = ("" if value is None else str(value)).strip()
    if not cleaned:
        return ""
    try:
        return str(imo.validate(cleaned))
    except InvalidChecksum:
        raise ValidationFailed.on(
            "imo_number", _("“%(number)s” is not a valid IMO number: its check digit is wrong.") % {"number": cleaned}
        ) from None
    except StdnumError:
        raise ValidationFailed.on("imo_number", _("An IMO number has 7 digits, e.g. IMO 9074729.")) from None


def container_number(value: Any, *, field: str = "number") -> str:
    """An ISO 6346 container number (owner code, category, serial, check digit); spaces and hyphens ignored."""
    cleaned = re.sub(r"[\s-]", "", "" if value is None else str(value)).upper()
    if not cleaned:
        raise ValidationFailed.on(field, _("Enter the container number, e.g. MSCU1234566."))
    try:
        return str(iso6346.validate(cleaned))
    except InvalidChecksum:
        expected = iso6346.calc_check_digit(cleaned[:10])
        raise ValidationFailed.on(
            field,
            _("“%(number)s” is not a valid container number: its check digit should be %(digit)s.")
            % {"number": cleaned, "digit": expected},
        ) from None
    except StdnumError:
        raise ValidationFailed.on(
            field,
            _("A container number is 4 letters ending in U, J or Z, 6 digits and a check digit, e.g. MSCU1234566."),
        ) from None


def seals(value: Any) -> list[str]:
    """Seal numbers: a list, or text separated by commas, semicolons or line breaks."""
    if value is None or value == "":
        return []
    items = re.split(r"[,;\n]+", value) if isinstance(value, str) else list(value)
    cleaned = [str(item).strip().upper() for item in items if str(item).strip()]
    for seal in cleaned:
        if not _SEAL.fullmatch(seal):
            raise ValidationFailed.on(
                "seals",
                _("“%(seal)s” is not a seal number: letters, digits, - and /, at most 20.") % {"seal": seal[:30]},
            )
    if len(cleaned) > MAX_SEALS:
        raise ValidationFailed.on("seals", _("At most %(max)d seals per container.") % {"max": MAX_SEALS})
    if len(set(cleaned)) != len(cleaned):
        raise ValidationFailed.on("seals", _("A seal number is listed twice."))
    return cleaned


def decimal(field: str, value: Any, *, places: int = 4, integer_digits: int = 10) -> Decimal | None:
    """A non-negative number with at most `places` decimals (empty is None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValidationFailed.on(field, _("“%(value)s” is not a number.") % {"value": value})
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationFailed.on(field, _("“%(value)s” is not a number.") % {"value": str(value)[:30]}) from None
    if not number.is_finite():
        raise ValidationFailed.on(field, _("Enter a finite number."))
    if number < 0:
        raise ValidationFailed.on(field, _("The value cannot be negative."))
    if number >= _POWERS_OF_TEN[integer_digits]:
        raise ValidationFailed.on(field, _("The value is too large."))
    quantized = number.quantize(_POWERS_OF_TEN[-places])
    if number != quantized:
        raise ValidationFailed.on(field, _("At most %(places)d decimal places.") % {"places": places})
    return quantized


def count(field: str, value: Any, *, limit: int = 10**9) -> int | None:
    """A whole number of at least 1 (empty is None), e.g. the number of packages."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValidationFailed.on(field, _("Enter a whole number."))
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationFailed.on(field, _("Enter a whole number.")) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValidationFailed.on(field, _("Enter a whole number."))
    if number < 1:
        raise ValidationFailed.on(field, _("The number must be at least 1."))
    if number >= limit:
        raise ValidationFailed.on(field, _("The value is too large."))
    return int(number)


def moment(field: str, value: Any) -> dt.datetime | None:
    """An aware date and time; a time without its UTC offset is ambiguous and refused."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValidationFailed.on(field, _("Give a date and time like 2026-03-01T08:00+08:00.")) from None
    if not isinstance(value, dt.datetime):
        raise ValidationFailed.on(field, _("Give a date and time like 2026-03-01T08:00+08:00."))
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationFailed.on(field, _("Give the time with its UTC offset, e.g. 2026-03-01T08:00+08:00."))
    return value


def hs_line(value: Any, *, on: dt.date) -> tuple[str, TariffLine | None]:
    """The 10-digit code and its tariff line valid on `on`; every tariff refusal is an error on hs_code."""
    digits = re.sub(r"[\s.]", "", "" if value is None else str(value))
    if not digits:
        return "", None
    if not _HS_CODE.fullmatch(digits):
        raise ValidationFailed.on("hs_code", _("China's commodity code has 10 digits."))
    try:
        return digits, tariff_line(jurisdiction=HS_JURISDICTION, code=digits, on=on)
    except ValidationFailed as exc:
        if "ciq_code" not in exc.errors:
            raise ValidationFailed.on("hs_code", str(exc.detail)) from None
        # The code exists only with CIQ sub-codes; they share the legal units, and the sub-code is
        # chosen on the declaration, not the shipment.
        sub_codes = TariffLine.objects.filter(jurisdiction__code=HS_JURISDICTION, code=digits).values_list(
            "ciq_code", flat=True
        )
        last: ServiceError = exc
        for ciq in sorted(set(sub_codes)):
            try:
                return digits, tariff_line(jurisdiction=HS_JURISDICTION, code=digits, on=on, ciq_code=ciq)
            except ServiceError as inner:
                last = inner
        raise ValidationFailed.on("hs_code", str(last.detail)) from None
    except ServiceError as exc:
        # An unknown code is NotFound in the tariff, but here it is bad input on this field.
        raise ValidationFailed.on("hs_code", str(exc.detail)) from None
