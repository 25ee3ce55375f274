from __future__ import annotations

import pytest

from cpass.parties import identifiers


@pytest.mark.parametrize(
    ("check", "raw", "stored"),
    [
        (identifiers.clean_uscc, "91310000MA1FL3HTBR", "91310000MA1FL3HTBR"),
        (identifiers.clean_uscc, " 9131 0000 MA1F L3HT BR ", "91310000MA1FL3HTBR"),
        (identifiers.clean_customs_code, "3122260123", "3122260123"),
        (identifiers.clean_customs_code, "31222w0123", "31222W0123"),
        (identifiers.clean_eori, "de 4763214", "DE4763214"),
        (identifiers.clean_eori, "GB123456789000", "GB123456789000"),
        (identifiers.clean_lei, "5493001KJTIIGC8Y1R12", "5493001KJTIIGC8Y1R12"),
        (identifiers.clean_aeo, "AEOCN3122260123", "AEOCN3122260123"),
        (identifiers.clean_aeo, "deaeof1234567", "DEAEOF1234567"),
        (identifiers.clean_scac, "maeu", "MAEU"),
        (identifiers.clean_scac, "UP", "UP"),
        (identifiers.clean_iata_code, "ca", "CA"),
        (identifiers.clean_iata_code, "3U", "3U"),
        (identifiers.clean_iata_prefix, "999", "999"),
        (identifiers.clean_email, " a.b@example.com ", "a.b@example.com"),
    ],
)
def test_valid_identifiers_are_normalised(check, raw, stored):
    assert check(raw) == stored


@pytest.mark.parametrize(
    ("check", "raw", "message"),
    [
        (identifiers.clean_uscc, "91310000MA1FL3HTBX", "not a valid unified social credit code"),
        (identifiers.clean_uscc, "9131", "not a valid unified social credit code"),
        (identifiers.clean_customs_code, "312226012", "exactly 10 letters or digits"),
        (identifiers.clean_eori, "US123456", "EU or UK country code"),
        (identifiers.clean_eori, "DE1234567890123456", "EU or UK country code"),
        (identifiers.clean_eori, "GB12345", "12 or 15 digits"),
        (identifiers.clean_lei, "5493001KJTIIGC8Y1R13", "not a valid LEI"),
        (identifiers.clean_aeo, "AEO", "AEOCN1234567890"),
        (identifiers.clean_scac, "MAEU1", "2 to 4 letters"),
        (identifiers.clean_iata_code, "99", "at least one a letter"),
        (identifiers.clean_iata_prefix, "99A", "3 digits"),
        (identifiers.clean_email, "not-an-address", "valid e-mail"),
    ],
)
def test_invalid_identifiers_are_refused_with_a_message(check, raw, message):
    with pytest.raises(ValueError, match=message):
        check(raw)


@pytest.mark.parametrize(
    ("raw", "country", "stored"),
    [
        ("DE136695976", "DE", "DE136695976"),
        ("136 695 976", "DE", "DE136695976"),  # the prefix comes from the party's country
        ("094259216", "GR", "EL094259216"),  # Greece is EL in VAT numbers
        ("DK22756214", "DE", "DK22756214"),  # an EU number is checked by its own prefix
        ("GB980780684", "GB", "980780684"),  # outside the EU: the country's own validator
        ("91310000MA1FL3HTBR", "CN", "91310000MA1FL3HTBR"),  # China: the USCC is the tax number
        ("12-3456789", "US", "123456789"),  # no stdnum validator for US: format only
    ],
)
def test_vat_numbers_by_country(raw, country, stored):
    assert identifiers.clean_vat(raw, country) == stored


@pytest.mark.parametrize(("raw", "country"), [("DE136695977", "DE"), ("GB980780685", "GB"), ("X", "US")])
def test_invalid_vat_numbers(raw, country):
    with pytest.raises(ValueError, match="VAT number"):
        identifiers.clean_vat(raw, country)


def test_phone_numbers_become_e164_in_the_party_country():
    assert identifiers.clean_phone("040 3290 1180", "DE") == "+49403290 1180".replace(" ", "")
    assert identifiers.clean_phone("+86 21 5046 8800", "DE") == "+862150468800"
    with pytest.raises(ValueError, match="valid phone number"):
        identifiers.clean_phone("12345", "DE")
    with pytest.raises(ValueError, match="valid phone number"):
        identifiers.clean_phone("call me", "CN")
