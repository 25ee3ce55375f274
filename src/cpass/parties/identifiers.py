"""Checking and normalising a party's identifiers and contact details.

Each function takes the raw text and the party's ISO alpha-2 country where it matters, and returns
the stored form (compact, upper-case; phone numbers in E.164) or raises ValueError with a message for
people. python-stdnum validates where it has a validator (USCC, VAT numbers per country, LEI); the
other formats are documented in docs/guide/parties.md.
"""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
import pycountry
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from stdnum import get_cc_module, lei
from stdnum.cn import uscc
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError

_SPACES = re.compile(r"[\s\-./]+")
#: EU member states (plus GB and XI, Northern Ireland) issue EORI numbers: country prefix + up to 15 characters.
EORI_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK GB XI".split()
)
_EORI = re.compile(r"([A-Z]{2})([0-9A-Z]{1,15})")
_CUSTOMS_CODE = re.compile(r"[0-9A-Z]{10}")
#: China: AEOCN + 10-character customs code; EU: country + AEOC/AEOS/AEOF + number.
_AEO = re.compile(r"AEO[A-Z]{2}[0-9A-Z]{1,20}|[A-Z]{2}AEO[CSF][0-9A-Z]{1,18}")
_SCAC = re.compile(r"[A-Z]{2,4}")
_IATA_CODE = re.compile(r"(?=.*[A-Z])[0-9A-Z]{2}")
_IATA_PREFIX = re.compile(r"[0-9]{3}")
_VAT_FALLBACK = re.compile(r"[0-9A-Z]{4,30}")


def compact(value: str) -> str:
    return _SPACES.sub("", value or "").upper()


def alpha2(alpha3: str) -> str:
    """ISO alpha-2 of an alpha-3 country code ("" when unknown)."""
    country = pycountry.countries.get(alpha_3=alpha3.upper()) if alpha3 else None
    return str(country.alpha_2) if country is not None else ""


def clean_uscc(value: str) -> str:
    number = compact(value)
    try:
        return str(uscc.validate(number))
    except StdnumError:
        raise ValueError(
            _("“%(value)s” is not a valid unified social credit code (18 characters with a check character).")
            % {"value": value}
        ) from None


def clean_customs_code(value: str) -> str:
    code = compact(value)
    if not _CUSTOMS_CODE.fullmatch(code):
        raise ValueError(_("A customs code has exactly 10 letters or digits."))
    return code


def clean_eori(value: str) -> str:
    number = compact(value)
    match = _EORI.fullmatch(number)
    if match is None or match.group(1) not in EORI_COUNTRIES:
        raise ValueError(
            _("An EORI number is an EU or UK country code followed by up to 15 letters or digits, e.g. DE1234567.")
        )
    if match.group(1) in {"GB", "XI"} and not re.fullmatch(r"[0-9]{12}|[0-9]{15}", match.group(2)):
        raise ValueError(_("A UK EORI number is GB or XI followed by 12 or 15 digits."))
    return number


def clean_vat(value: str, country_alpha2: str) -> str:
    """EU numbers by their prefix (stdnum.eu.vat; added from the party's country when missing), otherwise
    the party country's validator if python-stdnum has one; countries without one get a format check only."""
    number = compact(value)
    eu_prefix = {"GR": "EL"}.get(country_alpha2, country_alpha2)
    if country_alpha2.lower() in eu_vat.MEMBER_STATES and not number[:2].isalpha():
        number = eu_prefix + number  # EU numbers are stored with their country prefix
    prefix = number[:2]
    module: Any = None
    if prefix.isalpha() and (prefix.lower() in eu_vat.MEMBER_STATES or prefix == "EL"):
        module = eu_vat
    elif country_alpha2:
        module = get_cc_module(country_alpha2.lower(), "vat")
    if module is None:
        if not _VAT_FALLBACK.fullmatch(number):
            raise ValueError(_("A VAT number has 4 to 30 letters or digits."))
        return number
    try:
        return str(module.compact(module.validate(number)))
    except StdnumError:
        raise ValueError(_("“%(value)s” is not a valid VAT number for this country.") % {"value": value}) from None


def clean_lei(value: str) -> str:
    number = compact(value)
    try:
        return str(lei.validate(number))
    except StdnumError:
        raise ValueError(_("“%(value)s” is not a valid LEI (20 characters, ISO 17442).") % {"value": value}) from None


def clean_aeo(value: str) -> str:
    number = compact(value)
    if not _AEO.fullmatch(number):
        raise ValueError(_("An AEO number looks like AEOCN1234567890 (China) or DEAEOF1234567 (EU)."))
    return number


def clean_scac(value: str) -> str:
    code = compact(value)
    if not _SCAC.fullmatch(code):
        raise ValueError(_("A SCAC has 2 to 4 letters, e.g. MAEU."))
    return code


def clean_iata_code(value: str) -> str:
    code = compact(value)
    if not _IATA_CODE.fullmatch(code):
        raise ValueError(_("An IATA airline code has 2 letters or digits, at least one a letter, e.g. CA."))
    return code


def clean_iata_prefix(value: str) -> str:
    code = compact(value)
    if not _IATA_PREFIX.fullmatch(code):
        raise ValueError(_("An IATA airline prefix has 3 digits, e.g. 999."))
    return code


def clean_phone(value: str, country_alpha2: str) -> str:
    """E.164; a number without a + is read as a number of the party's country."""
    try:
        number = phonenumbers.parse(value, country_alpha2 or "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValueError(_("Enter a valid phone number, with its country code, e.g. +49 40 1234567."))
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def clean_email(value: str) -> str:
    address = value.strip()
    try:
        validate_email(address)
    except DjangoValidationError:
        raise ValueError(_("Enter a valid e-mail address.")) from None
    return address
