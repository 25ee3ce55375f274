"""Which line, which rates, on which date, for which origin; the nomenclature path; element templates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cpass.core.errors import NotFound, ValidationFailed
from cpass.tariff import selectors
from cpass.tariff.models import DutyRate, RateKind, TariffLine
from cpass.tariff.tests.test_importers import US_ROWS, load

pytestmark = pytest.mark.django_db

SPRING = dt.date(2025, 3, 1)


def test_the_line_valid_on_the_date_is_found(demo: None) -> None:
    line = selectors.tariff_line(jurisdiction="cn", code="8413.60.21 00", on=dt.date(2024, 12, 31))
    assert (line.code, line.valid_from, line.valid_to) == ("8413602100", dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert selectors.tariff_line(jurisdiction="CN", code="8413602100", on=dt.date(2025, 1, 1)).valid_to is None


def test_a_date_outside_every_period_is_an_error_naming_the_periods(demo: None) -> None:
    with pytest.raises(ValidationFailed) as caught:
        selectors.tariff_lookup(jurisdiction="CN", code="8413602100", on=dt.date(2023, 12, 31))
    assert caught.value.errors == {
        "on": [
            "Line 8413602100 is not valid on 2023-12-31; its versions are valid 2024-01-01–2024-12-31, 2025-01-01–open."
        ]
    }


def test_bad_codes_unknown_codes_and_schedules(demo: None) -> None:
    with pytest.raises(ValidationFailed) as short:
        selectors.tariff_line(jurisdiction="CN", code="841360210", on=SPRING)
    assert "Excel may have dropped a leading zero" in str(short.value.errors["code"][0])
    with pytest.raises(ValidationFailed, match="digits only"):
        selectors.tariff_line(jurisdiction="CN", code="8413'; DROP TABLE x", on=SPRING)
    with pytest.raises(ValidationFailed, match="at most 14 digits"):
        selectors.tariff_line(jurisdiction="CN", code="8" * 10_000, on=SPRING)
    with pytest.raises(NotFound, match="CN has no tariff line 8413609000"):
        selectors.tariff_line(jurisdiction="CN", code="8413609000", on=SPRING)
    with pytest.raises(NotFound, match=r"no tariff schedule for jurisdiction “DE” \(known: CN, US\)"):
        selectors.tariff_line(jurisdiction="DE", code="8413602100", on=SPRING)


def test_ciq_sub_codes_must_be_chosen_where_the_line_has_them(demo: None) -> None:
    with pytest.raises(ValidationFailed) as caught:
        selectors.tariff_line(jurisdiction="CN", code="9503008900", on=SPRING)
    assert caught.value.errors == {"ciq_code": ["Line 9503008900 has CIQ sub-codes 101, 999; choose one."]}
    assert selectors.tariff_line(jurisdiction="CN", code="9503008900", ciq_code="101", on=SPRING).ciq_code == "101"
    with pytest.raises(ValidationFailed, match="3 digits"):
        selectors.tariff_line(jurisdiction="CN", code="9503008900", ciq_code="1", on=SPRING)


def test_an_agreement_rate_lower_than_mfn_applies_to_its_origin_with_proof(demo: None) -> None:
    quote = selectors.tariff_lookup(jurisdiction="CN", code="8413602100", on=SPRING, origin="kor", proof_of_origin=True)
    assert quote.import_rate is not None
    assert (quote.origin, quote.basis, quote.import_rate.agreement, quote.import_rate.ad_valorem) == (
        "KOR",
        RateKind.CONVENTIONAL,
        "CN-KR",
        Decimal("2.4"),
    )
    assert quote.reason == (
        "Origin KOR has MFN treatment. The MFN rate 8% applies. The conventional rate under CN-KR, 2.4%, "
        "is lower than the MFN rate 8%, so it applies (with proof of origin)."
    )
    eligible = sorted((o.rate.agreement, str(o.rate.ad_valorem)) for o in quote.candidates if o.eligible)
    assert eligible == [("", "8.0000"), ("CN-KR", "2.4000"), ("RCEP", "4.3000")]
    assert (quote.vat_rate, quote.unit_1, quote.unit_2) == (Decimal("13.00"), "001", "035")
    assert quote.elements is not None
    assert quote.elements.code_prefix == "8413"


def test_without_proof_of_origin_the_mfn_rate_applies_and_the_reason_names_the_lower_one(demo: None) -> None:
    quote = selectors.tariff_lookup(jurisdiction="CN", code="8413602100", on=SPRING, origin="KOR")
    assert quote.import_rate is not None
    assert (quote.basis, quote.import_rate.ad_valorem) == (RateKind.MFN, Decimal(8))
    assert quote.reason == (
        "Origin KOR has MFN treatment. The MFN rate 8% applies. The conventional rate under CN-KR, 2.4%, is open "
        "to this origin with proof of origin (a certificate of origin or an origin declaration); none is claimed, "
        "so it is not used."
    )
    eligible = [o.rate.agreement for o in quote.candidates if o.eligible]
    assert eligible == [""]
    notes = {o.rate.agreement: o.note for o in quote.candidates if o.rate.agreement}
    assert notes["CN-KR"] == "open to origin KOR with proof of origin, which is not claimed"
    rates = list(DutyRate.objects.filter(rate_set_id=quote.line.rate_set_id).order_by("kind", "agreement", "id"))
    lower = selectors.lower_agreement_rate(rates, "KOR")
    assert lower is not None
    assert (lower.agreement, lower.ad_valorem) == ("CN-KR", Decimal("2.4"))
    assert selectors.lower_agreement_rate(rates, "DEU") is None


def test_the_same_code_a_year_earlier_has_last_years_rates(demo: None) -> None:
    quote = selectors.tariff_lookup(
        jurisdiction="CN", code="8413602100", on=dt.date(2024, 6, 1), origin="KOR", proof_of_origin=True
    )
    assert quote.import_rate is not None
    assert (quote.line.valid_from, quote.import_rate.ad_valorem) == (dt.date(2024, 1, 1), Decimal("3.2"))


def test_an_origin_without_agreement_pays_mfn_and_no_origin_assumes_mfn(demo: None) -> None:
    germany = selectors.tariff_lookup(jurisdiction="CN", code="8413602100", on=SPRING, origin="DEU")
    assert germany.import_rate is not None
    assert (germany.basis, germany.import_rate.ad_valorem) == (RateKind.MFN, Decimal(8))
    assert germany.reason == "Origin DEU has MFN treatment. The MFN rate 8% applies."
    unknown = selectors.tariff_lookup(jurisdiction="CN", code="8413602100", on=SPRING)
    assert unknown.origin is None
    assert unknown.reason.startswith("No origin given: assuming an origin with MFN treatment.")
    with pytest.raises(ValidationFailed) as bad:
        selectors.tariff_lookup(jurisdiction="CN", code="8413602100", on=SPRING, origin="Germany")
    assert list(bad.value.errors) == ["origin"]


def test_taxes_export_duty_and_conditions_come_with_the_quote(demo: None) -> None:
    beer = selectors.tariff_lookup(jurisdiction="CN", code="2203000000", on=SPRING, origin="DEU")
    assert [(r.specific_amount, r.specific_unit) for r in beer.consumption] == [(Decimal(250), "070")]
    assert beer.supervision_conditions == "AB"
    ferro = selectors.tariff_lookup(jurisdiction="CN", code="7202210000", on=SPRING)
    assert ferro.export_rate is not None
    assert (ferro.export_rate.kind, ferro.export_rate.ad_valorem) == (RateKind.EXPORT_PROVISIONAL, Decimal(25))


def test_origins_without_mfn_treatment_pay_the_general_rate(db: None) -> None:
    assert load("us-hts", "\n".join(US_ROWS)).committed
    cuba = selectors.tariff_lookup(jurisdiction="US", code="01022940", on=SPRING, origin="CUB")
    assert cuba.import_rate is not None
    assert (cuba.basis, cuba.import_rate.text) == (RateKind.GENERAL, "5.5¢/kg")
    korea = selectors.tariff_lookup(
        jurisdiction="US", code="0102.29.40.24", on=SPRING, origin="KOR", proof_of_origin=True
    )
    assert korea.import_rate is not None
    assert (korea.basis, korea.import_rate.text) == (RateKind.PREFERENTIAL, "Free")
    assert korea.reason.endswith("is lower than the MFN rate 1¢/kg, so it applies (with proof of origin).")


def test_hs_path_and_nodes(demo: None) -> None:
    assert [node.code for node in selectors.hs_path("8413602100")] == ["XVI", "84", "8413", "841360"]
    assert [node.code for node in selectors.hs_path("84")] == ["XVI", "84"]
    with pytest.raises(NotFound):
        selectors.hs_path("7000001")
    with pytest.raises(ValidationFailed):
        selectors.hs_path("x")
    node = selectors.hs_node("8413")
    assert [n.code for n in selectors.hs_ancestry(node)] == ["XVI", "84", "8413"]
    assert [n.code for n in selectors.hs_children(node)] == ["841360"]
    assert [n.code for n in selectors.hs_nodes(parent="XVI")] == ["84", "85"]
    assert [n.code for n in selectors.hs_nodes(q="8413")] == ["8413", "841360"]
    assert "8413" in [n.code for n in selectors.hs_nodes(q="液体泵")]
    assert list(selectors.hs_nodes(q="'; DROP TABLE tariff_hsnode; --")) == []
    with pytest.raises(ValidationFailed) as long:
        selectors.hs_nodes(q="x" * 10_000)
    assert list(long.value.errors) == ["q"]


def test_line_lists_filter_by_prefix_chapter_and_date(demo: None) -> None:
    assert selectors.tariff_lines(jurisdiction="CN", prefix="8413").count() == 2
    assert selectors.tariff_lines(jurisdiction="CN", prefix="8413", on=SPRING).count() == 1
    assert selectors.tariff_lines(jurisdiction="CN", chapter="22", on=SPRING).count() == 5
    with pytest.raises(ValidationFailed) as bad:
        selectors.tariff_lines(jurisdiction="CN", chapter="8")
    assert list(bad.value.errors) == ["chapter"]
    with pytest.raises(ValidationFailed):
        selectors.tariff_lines(jurisdiction="CN", prefix="84x")


def test_element_templates_take_the_longest_prefix_valid_on_the_date(demo: None) -> None:
    template = selectors.element_template(jurisdiction="CN", code="8413602100", on=SPRING)
    assert template is not None
    assert template.code_prefix == "8413"
    assert selectors.element_template(jurisdiction="CN", code="0101", on=SPRING) is None
    with pytest.raises(ValidationFailed):
        selectors.element_template(jurisdiction="CN", code="8", on=SPRING)


def test_page_helpers_name_the_codes_from_the_reference_tables(demo: None) -> None:
    line = TariffLine.objects.get(code="0901110000")
    assert [(c.code, c.name) for c in selectors.unit_codes(line, on=SPRING)] == [("035", "Kilogram")]
    conditions = selectors.supervision_codes(line.supervision_conditions, on=SPRING)
    assert [c.code for c in conditions] == ["A", "B"]
    assert all(c.name for c in conditions)
    assert [c.code for c in selectors.inspection_codes("P.R/Q.S", on=SPRING)] == ["P", "R", "Q", "S"]
    groups = selectors.rate_groups(line.rates)
    assert [g.kind for g in groups] == ["mfn", "general", "conventional", "preferential"]
