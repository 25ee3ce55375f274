"""The declaration validation engine: a clean declaration has no finding, and each rule fires on the
smallest change that breaks it (and stays silent where it does not apply)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cpass.customs.choices import MAX_ITEMS
from cpass.customs.models import Declaration, DeclarationDocument, DeclarationItem
from cpass.customs.rules import RULES, ValidationReport, validate_declaration, validate_item
from cpass.customs.rules.dates import add_months
from cpass.customs.tests.factories import DeclarationDocumentFactory, DeclarationFactory, DeclarationItemFactory
from cpass.parties.choices import MatchStatus
from cpass.parties.tests.factories import PartyFactory, ScreeningMatchFactory
from cpass.places.models import Location
from cpass.shipments.choices import Direction
from cpass.shipments.models import Container
from cpass.shipments.tests.factories import ContainerFactory, ShipmentFactory

pytestmark = pytest.mark.django_db

ARRIVAL = dt.date(2026, 3, 2)
DECLARED = dt.date(2026, 3, 4)
PUMP = "8413602100"
#: The pump template's elements (8413) in order, and the specification they join to.
PUMP_ELEMENTS = {
    "brand_type": "4",
    "export_preference": "3",
    "use": "液压系统用",
    "principle": "齿轮式",
    "brand": "Bosch Rexroth",
    "model": "AZPF-10",
}
PUMP_SPECIFICATION = "4|3|液压系统用|齿轮式|Bosch Rexroth|AZPF-10|||"
USCC_TRADER = "91310000MA1FL3HTBR"
USCC_DECLARANT = "91110000100000001W"
USCC_CONSUMER = "91310115MA1H7A2B3C"


def _location(code: str) -> None:
    Location.objects.get_or_create(
        unlocode=code,
        defaults={
            "country": code[:2],
            "location": code[2:],
            "name": code,
            "name_ascii": code,
            "search_key": code.lower(),
            "function": "1-------",
            "is_seaport": True,
        },
    )


def make_declaration(**overrides: Any) -> Declaration:
    """A general-trade sea import of gear pumps from Germany, CIF, that passes every rule."""
    shipment = overrides.pop("shipment", None)
    if shipment is None:
        shipment = ShipmentFactory.create(
            direction=overrides.get("direction", Direction.IMPORT),
            eta=dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC),
        )
    enterprise = shipment.enterprise
    _location("DEHAM")
    values: dict[str, Any] = {
        "enterprise": enterprise,
        "shipment": shipment,
        "declaration_date": DECLARED,
        "import_export_date": ARRIVAL,
        "contract_number": "HBG-2026-001",
        "bill_number": "MAEU123456789",
        "vessel_name": "MAERSK ESSEN",
        "imo_number": "9074729",
        "voyage": "612W",
        "goods_location": "洋山港区监管仓库",
        "departure_port": "DEHAM",
        "entry_exit_port": "470201",
        "domestic_trader": PartyFactory.create(enterprise=enterprise, name_local="上海贸易有限公司", uscc=USCC_TRADER),
        "overseas_trader": PartyFactory.create(enterprise=enterprise, name_local="Hydraulik GmbH"),
        "consumer_producer": PartyFactory.create(enterprise=enterprise, name_local="上海机械厂", uscc=USCC_CONSUMER),
        "declarant": PartyFactory.create(enterprise=enterprise, name_local="上海报关行", uscc=USCC_DECLARANT),
    }
    values.update(overrides)
    return DeclarationFactory.create(**values)


def add_item(declaration: Declaration, **overrides: Any) -> DeclarationItem:
    number = declaration.items.unscoped().count() + 1 if declaration.pk else 1  # type: ignore[attr-defined]
    values: dict[str, Any] = {
        "enterprise": declaration.enterprise,
        "declaration": declaration,
        "item_number": number,
        "elements": dict(PUMP_ELEMENTS),
        "specification": PUMP_SPECIFICATION,
        "domestic_area": "31222",
    }
    values.update(overrides)
    return DeclarationItemFactory.create(**values)


@pytest.fixture
def declaration(demo: None) -> Declaration:
    declaration = make_declaration()
    add_item(declaration)
    declaration.containers.add(
        ContainerFactory.create(enterprise=declaration.enterprise, shipment=declaration.shipment)
    )
    return declaration


def check(declaration: Declaration, **kwargs: Any) -> ValidationReport:
    declaration.refresh_from_db()
    return validate_declaration(declaration, **kwargs)


def fired(report: ValidationReport, code: str) -> list[tuple[str, str]]:
    return [(f.field, str(f.message)) for f in report.findings if f.code == code]


def change(declaration: Declaration, **fields: Any) -> ValidationReport:
    Declaration.objects.unscoped().filter(pk=declaration.pk).update(**fields)
    return check(declaration)


def change_item(declaration: Declaration, number: int = 1, **fields: Any) -> ValidationReport:
    DeclarationItem.objects.unscoped().filter(declaration=declaration, item_number=number).update(**fields)
    return check(declaration)


# -- the engine ---------------------------------------------------------------------------------


def test_a_complete_declaration_has_no_finding(declaration):
    report = check(declaration)
    assert [(f.code, f.field, str(f.message)) for f in report.findings] == []
    assert not report.has_errors


def test_every_rule_has_a_unique_code_a_severity_and_a_title():
    assert len(RULES) >= 60
    for code, registered in RULES.items():
        assert registered.code == code
        assert code.startswith("CUS-")
        assert len(code) in (10, 11)
        assert registered.severity in ("error", "warning")
        assert str(registered.title)


def test_report_filters_by_severity_and_field_and_renders_json(declaration):
    Declaration.objects.unscoped().filter(pk=declaration.pk).update(trade_mode="", vessel_name="")
    change_item(declaration, hs_code="841360")
    report = check(declaration)
    assert report.has_errors
    assert {f.code for f in report.errors} >= {"CUS-HDR-001", "CUS-ITM-010"}
    assert [f.code for f in report.warnings] == ["CUS-HDR-004"]
    assert [f.field for f in report.for_field("items[1]")] == ["items[1].hs_code"]
    assert report.for_field("items[1].hs_code")[0].item_number == 1
    assert report.field_errors()["trade_mode"] == [report.for_field("trade_mode")[0].message]
    rows = report.to_json("en")
    assert rows[0] == {
        "code": "CUS-HDR-001",
        "severity": "error",
        "field": "trade_mode",
        "item_number": None,
        "message": "Enter the trade mode: the declaration needs it.",
    }
    # Header findings come first, then items in order.
    assert [row["item_number"] for row in rows] == sorted(
        (row["item_number"] for row in rows), key=lambda n: (n is not None, n or 0)
    )


def test_messages_render_in_the_language_active_when_shown(declaration):
    # Element names come from the template in both languages; the message picks one when it is shown.
    change_item(declaration, elements={**PUMP_ELEMENTS, "brand": ""})
    report = check(declaration)
    (finding,) = [f for f in report.findings if f.code == "CUS-ELM-001"]
    with translation.override("en"):
        assert "“Brand (Chinese or foreign name)”" in str(finding.message)
    with translation.override("zh-hans"):
        assert "品牌（中文或外文名称）" in str(finding.message)
    assert "品牌（中文或外文名称）" in report.to_json("zh-hans")[0]["message"]


def test_validation_never_writes(declaration, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as queries:
        check(declaration)
    assert not [q for q in queries.captured_queries if not q["sql"].lstrip().upper().startswith("SELECT")]


def test_fifty_items_read_in_few_queries(demo):
    declaration = make_declaration()
    for number in range(1, MAX_ITEMS + 1):
        add_item(declaration, item_number=number, legal_quantity_2=Decimal(20))
    declaration.refresh_from_db()
    validate_declaration(declaration)  # warm the per-process code-table cache
    declaration.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        report = validate_declaration(declaration)
    assert report.findings == []
    # items, documents, containers, shipment, parties, screening, tariff lines, templates, EUR rate (2),
    # places (2), partly loaded tables (2): nothing per item.
    assert len(queries.captured_queries) <= 16, [q["sql"] for q in queries.captured_queries]


def test_prefetched_rows_are_used(declaration):
    declaration = (
        Declaration.objects.unscoped()
        .prefetch_related(
            Prefetch("items", queryset=DeclarationItem.objects.unscoped()),
            Prefetch("documents", queryset=DeclarationDocument.objects.unscoped()),
            Prefetch("containers", queryset=Container.objects.unscoped()),
        )
        .get(pk=declaration.pk)
    )
    with CaptureQueriesContext(connection) as queries:
        validate_declaration(declaration)
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"customs_declarationitem"' not in tables
    assert '"customs_declarationdocument"' not in tables


def test_one_item_as_edited_is_checked_with_what_it_asks_of_the_declaration(declaration):
    from cpass.tariff.models import TariffLine

    stored = add_item(declaration, domestic_area="")  # item 2: a finding of its own, not of the edited item
    TariffLine.objects.filter(code=PUMP).update(supervision_conditions="O")
    edited = DeclarationItem.objects.unscoped().get(pk=stored.pk)
    edited.item_number, edited.quantity = 5, Decimal("-1")  # unsaved; numbered past a gap (not CUS-ITM-003 here)
    report = validate_item(declaration, edited)
    assert [(f.code, f.field, f.item_number) for f in report.findings] == [
        ("CUS-LIC-002", "documents", None),
        ("CUS-ITM-004", "items[5].domestic_area", 5),
        ("CUS-ITM-005", "items[5].quantity", 5),
        ("CUS-ITM-007", "items[5].legal_quantity_1", 5),
    ]
    assert "Items 5 need" in str(report.findings[0].message)
    assert DeclarationItem.objects.unscoped().get(pk=stored.pk).quantity == Decimal("10")


def test_an_unsaved_declaration_is_validated_without_items(demo):
    declaration = Declaration(direction=Direction.IMPORT, trade_mode="0110")
    report = validate_declaration(declaration)
    assert "CUS-ITM-001" in report.codes()
    assert ("declaring_customs", "Enter the declaring customs office: the declaration needs it.") in fired(
        report, "CUS-HDR-001"
    )


# -- header -------------------------------------------------------------------------------------


def test_hdr_001_required_header_fields(declaration):
    report = change(declaration, declaring_customs="", package_count=None, declarant=None)
    assert [field for field, _ in fired(report, "CUS-HDR-001")] == ["declaring_customs", "declarant", "package_count"]


def test_hdr_002_import_date_and_goods_location_only_for_imports(declaration):
    report = change(declaration, import_export_date=None, goods_location="")
    assert [field for field, _ in fired(report, "CUS-HDR-002")] == ["import_export_date", "goods_location"]
    export = make_declaration(direction=Direction.EXPORT, import_export_date=None, goods_location="")
    assert fired(validate_declaration(export), "CUS-HDR-002") == []


def test_hdr_003_bill_number_by_sea_not_by_road(declaration):
    assert fired(change(declaration, bill_number=""), "CUS-HDR-003")[0][0] == "bill_number"
    assert fired(change(declaration, transport_mode="4"), "CUS-HDR-003") == []


def test_hdr_004_vessel_and_voyage_warning_by_sea(declaration):
    report = change(declaration, voyage="")
    assert [(f.field, f.severity) for f in report.findings if f.code == "CUS-HDR-004"] == [("voyage", "warning")]
    assert fired(change(declaration, transport_mode="4"), "CUS-HDR-004") == []


def test_hdr_005_contract_under_general_trade_only(declaration):
    assert fired(change(declaration, contract_number=""), "CUS-HDR-005")[0][0] == "contract_number"
    assert fired(change(declaration, trade_mode="3010", levy_nature="299"), "CUS-HDR-005") == []


def test_hdr_006_record_number_under_processing_trade(declaration):
    report = change(declaration, trade_mode="0615", levy_nature="503")
    assert fired(report, "CUS-HDR-006")[0][0] == "record_number"
    assert fired(change(declaration, record_number="C22481234567"), "CUS-HDR-006") == []
    assert fired(change(declaration, trade_mode="0815"), "CUS-HDR-006") == []


def test_hdr_007_general_trade_with_a_reduction_levy_is_a_warning(declaration):
    report = change(declaration, levy_nature="789")
    assert [(f.field, f.severity) for f in report.findings if f.code == "CUS-HDR-007"] == [("levy_nature", "warning")]
    assert fired(change(declaration, levy_nature="118"), "CUS-HDR-007") == []


def test_hdr_008_trade_mode_and_levy_nature_pairing(declaration):
    assert "503" in fired(change(declaration, trade_mode="0615", levy_nature="502"), "CUS-HDR-008")[0][1]
    assert "processing" in fired(change(declaration, trade_mode="0110", levy_nature="503"), "CUS-HDR-008")[0][1]
    assert fired(change(declaration, trade_mode="0214", levy_nature="502"), "CUS-HDR-008") == []


def test_hdr_009_direction_of_the_shipment(declaration):
    report = change(declaration, direction=Direction.EXPORT)
    assert fired(report, "CUS-HDR-009")[0][0] == "direction"


def test_wgt_001_net_above_gross_on_an_unsaved_form(declaration):
    # The database refuses it (a check constraint); the inline validation sees the form's values first.
    declaration.net_weight_kg = Decimal("1300")
    report = validate_declaration(declaration)
    assert fired(report, "CUS-WGT-001") == [
        ("net_weight_kg", "The net weight (1300 kg) cannot exceed the gross weight (1200 kg).")
    ]


def test_wgt_002_weights_below_one_kilogram(declaration):
    report = change(declaration, gross_weight_kg=Decimal("0.5"), net_weight_kg=Decimal("0"))
    assert [field for field, _ in fired(report, "CUS-WGT-002")] == ["gross_weight_kg", "net_weight_kg"]
    assert "declared as 1" in fired(report, "CUS-WGT-002")[0][1]


def test_wgt_003_net_weight_against_legal_kilograms(declaration):
    report = change(declaration, net_weight_kg=Decimal("900"))
    assert "1000 kg" in fired(report, "CUS-WGT-003")[0][1]
    assert fired(change(declaration, net_weight_kg=Decimal("1000.5")), "CUS-WGT-003") == []
    # Only some items in kilograms: their sum may be below the net weight, never above it.
    add_item(declaration, hs_code="8418102000", legal_unit_2="", legal_quantity_2=None, elements={}, specification="")
    assert fired(change(declaration, net_weight_kg=Decimal("1150")), "CUS-WGT-003") == []
    assert fired(change(declaration, net_weight_kg=Decimal("998")), "CUS-WGT-003") != []


def test_pkg_001_zero_packages(declaration):
    assert fired(change(declaration, package_count=0), "CUS-PKG-001")[0][0] == "package_count"


# -- items --------------------------------------------------------------------------------------


def test_itm_001_at_least_one_item(demo):
    declaration = make_declaration()
    assert fired(validate_declaration(declaration), "CUS-ITM-001") == [
        ("items", "Add at least one item: a declaration without goods cannot be filed.")
    ]


def test_itm_002_at_most_fifty_items(demo):
    declaration = make_declaration()
    DeclarationItem.objects.bulk_create(
        [
            DeclarationItem(
                enterprise=declaration.enterprise, declaration=declaration, item_number=n, hs_code=PUMP, quantity=1
            )
            for n in range(1, MAX_ITEMS + 2)
        ]
    )
    assert "51 items" in fired(validate_declaration(declaration), "CUS-ITM-002")[0][1]
    DeclarationItem.objects.unscoped().filter(declaration=declaration, item_number=51).delete()
    assert fired(validate_declaration(declaration), "CUS-ITM-002") == []


def test_itm_003_item_numbers_without_gaps(declaration):
    add_item(declaration, item_number=3)
    assert fired(check(declaration), "CUS-ITM-003") == [
        ("items", "Items are numbered from 1 without gaps; item 2 is numbered 3.")
    ]


def test_itm_004_required_item_fields(declaration):
    report = change_item(declaration, name="", quantity=None, domestic_area="", duty_mode="")
    assert [field for field, _ in fired(report, "CUS-ITM-004")] == [
        "items[1].name",
        "items[1].quantity",
        "items[1].domestic_area",
        "items[1].duty_mode",
    ]
    assert fired(report, "CUS-ITM-004")[0][1] == "Item 1: enter the goods name."


def test_itm_005_quantities_and_prices_above_zero(declaration):
    report = change_item(declaration, quantity=Decimal("-1"), unit_price=Decimal("0"))
    assert [field for field, _ in fired(report, "CUS-ITM-005")] == ["items[1].quantity", "items[1].unit_price"]


def test_itm_006_total_is_unit_price_times_quantity(declaration):
    report = change_item(declaration, total_price=Decimal("12000.02"))
    assert fired(report, "CUS-ITM-006") == [
        (
            "items[1].total_price",
            "Item 1: the total price 12000.02 is not the unit price 1200 × the quantity 10 = 12000.",
        )
    ]
    assert fired(change_item(declaration, total_price=Decimal("12000.01")), "CUS-ITM-006") == []
    # A unit price rounded to 4 decimals: 100.00 for 3 pieces is 33.3333 each.
    assert (
        fired(
            change_item(declaration, quantity=Decimal(3), unit_price=Decimal("33.3333"), total_price=Decimal("100.00")),
            "CUS-ITM-006",
        )
        == []
    )


def test_itm_007_same_unit_same_quantity(declaration):
    report = change_item(declaration, legal_quantity_1=Decimal("9"))
    assert fired(report, "CUS-ITM-007")[0][0] == "items[1].legal_quantity_1"
    assert fired(change_item(declaration, legal_quantity_1=Decimal("10")), "CUS-ITM-007") == []


def test_itm_008_duty_mode_under_general_duty(declaration):
    assert fired(change_item(declaration, duty_mode="3"), "CUS-ITM-008")[0][0] == "items[1].duty_mode"
    Declaration.objects.unscoped().filter(pk=declaration.pk).update(levy_nature="299", trade_mode="3010")
    assert fired(check(declaration), "CUS-ITM-008") == []


def test_itm_009_import_destination_is_china(declaration):
    report = change_item(declaration, destination_country="DEU")
    assert [(f.field, f.severity) for f in report.findings if f.code == "CUS-ITM-009"] == [
        ("items[1].destination_country", "warning")
    ]


# -- tariff -------------------------------------------------------------------------------------


def test_itm_010_code_and_ciq_format(declaration):
    report = change_item(declaration, hs_code="8413.60.21", ciq_code="1")
    assert [field for field, _ in fired(report, "CUS-ITM-010")] == ["items[1].hs_code", "items[1].ciq_code"]
    assert [f.code for f in report.findings if f.item_number == 1] == ["CUS-ITM-010", "CUS-ITM-010"]


def test_itm_011_code_unknown_in_the_tariff(declaration):
    report = change_item(declaration, hs_code="8413602199")
    assert fired(report, "CUS-ITM-011") == [("items[1].hs_code", "Item 1: China's tariff has no line 8413602199.")]


def test_itm_012_ciq_sub_code_of_the_line(declaration):
    toys: dict[str, Any] = {
        "hs_code": "9503008900",
        "legal_unit_1": "035",
        "legal_unit_2": "007",
        "elements": {},
        "specification": "",
    }
    report = change_item(declaration, **toys)
    assert fired(report, "CUS-ITM-012") == [
        (
            "items[1].ciq_code",
            "Item 1: line 9503008900 has CIQ sub-codes 101, 999; choose the one that describes the goods.",
        )
    ]
    assert "no CIQ sub-code 555" in fired(change_item(declaration, ciq_code="555"), "CUS-ITM-012")[0][1]
    assert fired(change_item(declaration, ciq_code="101"), "CUS-ITM-012") == []


def test_itm_013_code_not_valid_on_the_date(declaration):
    report = check(declaration, on=dt.date(2023, 6, 1))
    assert fired(report, "CUS-ITM-013") == [
        (
            "items[1].hs_code",
            "Item 1: line 8413602100 is not valid on 2023-06-01; its versions are valid 2024-01-01–2024-12-31, "
            "2025-01-01–….",
        )
    ]


def test_tariff_date_is_the_declaration_date_then_the_import_date(declaration):
    assert fired(change(declaration, declaration_date=dt.date(2023, 6, 1)), "CUS-ITM-013") != []
    assert fired(change(declaration, declaration_date=None, import_export_date=dt.date(2023, 6, 1)), "CUS-ITM-013")


def test_itm_020_first_legal_unit(declaration):
    report = change_item(declaration, legal_unit_1="007")
    assert fired(report, "CUS-ITM-020") == [
        ("items[1].legal_unit_1", "Item 1: the first legal unit of line 8413602100 is 001, not 007.")
    ]


def test_itm_021_second_legal_quantity_where_the_line_has_one(declaration):
    report = change_item(declaration, legal_quantity_2=None)
    assert [field for field, _ in fired(report, "CUS-ITM-021")] == ["items[1].legal_quantity_2"]


def test_itm_022_second_legal_unit(declaration):
    assert "is 035, not 036" in fired(change_item(declaration, legal_unit_2="036"), "CUS-ITM-022")[0][1]
    fridge: dict[str, Any] = {"hs_code": "8418102000", "elements": {}, "specification": ""}
    report = change_item(declaration, **fridge)
    assert fired(report, "CUS-ITM-022")[0][0] == "items[1].legal_unit_2"
    assert fired(change_item(declaration, legal_unit_2="", legal_quantity_2=None), "CUS-ITM-022") == []


# -- declaration elements ----------------------------------------------------------------------------


def test_elm_001_required_elements(declaration):
    report = change_item(declaration, elements={**PUMP_ELEMENTS, "model": "  "})
    assert [field for field, _ in fired(report, "CUS-ELM-001")] == ["items[1].elements.model"]


def test_elm_002_element_values(declaration):
    elements = {**PUMP_ELEMENTS, "brand_type": "7", "use": "a|b", "colour": "red"}
    report = change_item(declaration, elements=elements)
    assert sorted(field for field, _ in fired(report, "CUS-ELM-002")) == [
        "items[1].elements.brand_type",
        "items[1].elements.colour",
        "items[1].elements.use",
    ]
    assert fired(change_item(declaration, elements=["not", "a", "mapping"]), "CUS-ELM-002")[0][0] == (
        "items[1].elements"
    )


def test_elements_may_be_keyed_by_position(declaration):
    positional = {str(i): value for i, value in enumerate(PUMP_ELEMENTS.values(), start=1)}
    assert check(declaration).findings == []
    assert change_item(declaration, elements=positional).findings == []


def test_elm_003_specification_matches_the_elements(declaration):
    report = change_item(declaration, specification="4|3|液压系统用|齿轮式|Bosch|AZPF-10|||")
    assert fired(report, "CUS-ELM-003") == [
        (
            "items[1].specification",
            "Item 1: the specification does not match the declaration elements; it should read "
            "“4|3|液压系统用|齿轮式|Bosch Rexroth|AZPF-10|||”.",
        )
    ]
    # Without elements the specification itself is read against the template.
    assert change_item(declaration, elements={}, specification=PUMP_SPECIFICATION).findings == []
    assert "has 3 parts" in fired(change_item(declaration, specification="4|3|x"), "CUS-ELM-003")[0][1]


def test_elm_004_export_preference_by_direction(declaration):
    report = change_item(declaration, elements={**PUMP_ELEMENTS, "export_preference": "0"})
    assert fired(report, "CUS-ELM-004")[0][0] == "items[1].elements.export_preference"
    export = make_declaration(direction=Direction.EXPORT, import_export_date=None, goods_location="")
    add_item(export)
    assert "an export declares 0, 1 or 2" in fired(validate_declaration(export), "CUS-ELM-004")[0][1]
    add_item(export, elements={**PUMP_ELEMENTS, "export_preference": "0"}, specification="")
    assert [f.item_number for f in validate_declaration(export).findings if f.code == "CUS-ELM-004"] == [1]


def test_elm_005_no_template_for_the_code(declaration):
    from cpass.tariff.models import DeclarationElements

    DeclarationElements.objects.filter(code_prefix="8413").delete()
    report = check(declaration)
    assert [(f.field, f.severity) for f in report.findings] == [("items[1].specification", "warning")]


# -- origin ---------------------------------------------------------------------------------------


def test_org_001_certificate_needs_the_origin(declaration):
    DeclarationDocumentFactory.create(enterprise=declaration.enterprise, declaration=declaration, code="Y")
    report = change_item(declaration, origin_certificate="RCEP123", origin_country="")
    assert fired(report, "CUS-ORG-001")[0][0] == "items[1].origin_country"


def test_org_002_certificate_for_an_origin_without_agreement_rate(declaration):
    DeclarationDocumentFactory.create(enterprise=declaration.enterprise, declaration=declaration, code="Y")
    report = change_item(declaration, origin_certificate="EUR1-123")
    assert "no conventional or preferential rate for origin DEU" in fired(report, "CUS-ORG-002")[0][1]
    assert fired(change_item(declaration, origin_country="KOR"), "CUS-ORG-002") == []


def test_org_004_a_lower_agreement_rate_without_a_certificate(declaration):
    report = change_item(declaration, origin_country="KOR")
    assert fired(report, "CUS-ORG-004") == [
        (
            "items[1].origin_certificate",
            "Item 1: origin KOR may pay 2.4% under CN-KR on line 8413602100 with a certificate of origin (or an "
            "origin declaration); without one the MFN rate is charged.",
        )
    ]
    with translation.override("zh-hans"):
        assert fired(report, "CUS-ORG-004")[0][1] == (
            "第1项：原产地KOR在税号8413602100下凭原产地证明（或原产地声明）可适用CN-KR税率2.4%；未提供则按最惠国税率征税。"
        )
    assert fired(change_item(declaration, origin_country="DEU"), "CUS-ORG-004") == []  # no agreement
    claimed = change_item(declaration, origin_country="KOR", origin_certificate="KR-CO-1")
    assert fired(claimed, "CUS-ORG-004") == []


def test_org_003_certificate_among_the_documents(declaration):
    report = change_item(declaration, origin_certificate="RCEP123", origin_country="KOR")
    assert fired(report, "CUS-ORG-003") == [
        ("documents", "Items 1 claim a certificate of origin: add it to the accompanying documents (code Y).")
    ]
    DeclarationDocumentFactory.create(enterprise=declaration.enterprise, declaration=declaration, code="Y")
    assert check(declaration).findings == []


# -- licences and inspection ------------------------------------------------------------------------


def _car(declaration: Declaration) -> ValidationReport:
    return change_item(
        declaration,
        hs_code="8703233100",
        legal_unit_1="003",
        quantity=Decimal(10),
        trade_unit="003",
        legal_quantity_1=Decimal(10),
        legal_unit_2="",
        legal_quantity_2=None,
        elements={},
        specification="",
    )


def test_lic_002_automatic_import_licence_for_cars(declaration):
    report = _car(declaration)
    assert fired(report, "CUS-LIC-002") == [
        (
            "documents",
            "Items 1 need Automatic import licence (new or used electromechanical products) (licence code O): "
            "customs does not release the goods without it. Enter its number as an accompanying document.",
        )
    ]
    DeclarationDocumentFactory.create(
        enterprise=declaration.enterprise, declaration=declaration, code="O", number="25-AA-123456"
    )
    assert fired(check(declaration), "CUS-LIC-002") == []


def test_lic_002_export_licence_goes_in_the_licence_number(demo):
    declaration = make_declaration(direction=Direction.EXPORT, import_export_date=None, goods_location="")
    add_item(declaration, hs_code="7202210000", legal_unit_1="035", legal_unit_2="", legal_quantity_2=None)
    report = validate_declaration(declaration)
    assert fired(report, "CUS-LIC-002")[0][0] == "licence_number"
    Declaration.objects.unscoped().filter(pk=declaration.pk).update(licence_number="25-AB-000001")
    assert fired(check(declaration), "CUS-LIC-002") == []


def test_lic_001_prohibited_goods(declaration):
    from cpass.tariff.models import TariffLine

    TariffLine.objects.filter(code=PUMP).update(supervision_conditions="9")
    assert "cannot be declared" in fired(check(declaration), "CUS-LIC-001")[0][1]
    TariffLine.objects.filter(code=PUMP).update(supervision_conditions="8")  # prohibited from export only
    assert fired(check(declaration), "CUS-LIC-001") == []


def test_lic_003_other_certificates_are_warnings(declaration):
    from cpass.tariff.models import TariffLine

    TariffLine.objects.filter(code=PUMP).update(supervision_conditions="R")
    report = check(declaration)
    assert [(f.field, f.severity) for f in report.findings if f.code == "CUS-LIC-003"] == [("documents", "warning")]
    DeclarationDocumentFactory.create(enterprise=declaration.enterprise, declaration=declaration, code="R")
    assert fired(check(declaration), "CUS-LIC-003") == []


def test_lic_004_inspection_of_smartphones(declaration):
    report = change_item(declaration, hs_code="8517130000", elements={}, specification="")
    assert fired(report, "CUS-LIC-004") == [
        (
            "items[1].hs_code",
            "Item 1: line 8517130000 is subject to inspection and quarantine (A Inbound inspection and quarantine; "
            "L Civil commodity entry verification): customs may inspect the goods; give the inspection details and "
            "keep the certificates ready.",
        )
    ]
    assert fired(change_item(declaration, hs_code=PUMP), "CUS-LIC-004") == []


# -- freight and insurance --------------------------------------------------------------------------


def test_chg_001_002_fob_import_needs_freight_and_insurance(declaration):
    report = change(declaration, transaction_terms="3")
    assert fired(report, "CUS-CHG-001")[0][0] == "freight_value"
    assert "0.3 (%)" in fired(report, "CUS-CHG-002")[0][1]
    report = change(declaration, transaction_terms="2")
    assert (fired(report, "CUS-CHG-001"), len(fired(report, "CUS-CHG-002"))) == ([], 1)
    report = change(
        declaration,
        transaction_terms="3",
        freight_mode="total",
        freight_value=Decimal("800"),
        freight_currency="EUR",
        insurance_mode="rate",
        insurance_value=Decimal("0.3"),
    )
    assert report.findings == []


def test_chg_003_004_cif_export_needs_freight_and_insurance_to_deduct(demo):
    declaration = make_declaration(direction=Direction.EXPORT, import_export_date=None, goods_location="")
    add_item(declaration, elements={**PUMP_ELEMENTS, "export_preference": "0"}, specification="")
    report = validate_declaration(declaration)
    assert (fired(report, "CUS-CHG-003")[0][0], fired(report, "CUS-CHG-004")[0][0]) == (
        "freight_value",
        "insurance_value",
    )
    report = change(declaration, transaction_terms="3")
    assert fired(report, "CUS-CHG-003") == fired(report, "CUS-CHG-004") == []


def test_chg_005_charge_complete(declaration):
    report = change(declaration, freight_value=Decimal("100"), insurance_mode="rate", insurance_value=Decimal("120"))
    assert [field for field, _ in fired(report, "CUS-CHG-005")] == ["freight_mode", "insurance_value"]
    report = change(declaration, freight_mode="total", insurance_value=None, insurance_mode="")
    assert [field for field, _ in fired(report, "CUS-CHG-005")] == ["freight_currency"]


def test_chg_006_charge_the_price_already_contains(declaration):
    report = change(declaration, freight_mode="total", freight_value=Decimal("800"), freight_currency="EUR")
    assert [(f.field, f.severity) for f in report.findings] == [("freight_value", "warning")]


# -- codes, exchange rates, documents, transport ------------------------------------------------------


def test_ref_001_codes_valid_in_their_tables(declaration):
    Declaration.objects.unscoped().filter(pk=declaration.pk).update(trade_mode="0111", trade_country="XXX")
    report = change_item(declaration, trade_unit="999", duty_mode="0")
    assert [field for field, _ in fired(report, "CUS-REF-001")] == [
        "trade_mode",
        "trade_country",
        "items[1].trade_unit",
        "items[1].duty_mode",
    ]
    assert fired(report, "CUS-REF-001")[0][1] == "“0111” is not a valid trade mode code on 2026-03-04."


def test_ref_001_and_002_customs_offices(declaration):
    assert fired(change(declaration, declaring_customs="9999"), "CUS-REF-001")[0][0] == "declaring_customs"
    report = change(declaration, declaring_customs="2299")  # Shanghai district, office not shipped
    assert fired(report, "CUS-REF-001") == []
    assert fired(report, "CUS-REF-002")[0][0] == "declaring_customs"


def test_ref_002_partly_loaded_and_empty_tables(declaration):
    assert fired(change(declaration, entry_exit_port="220101"), "CUS-REF-002")[0][0] == "entry_exit_port"
    # The domestic areas ship empty: nothing to check "31222" against.
    Declaration.objects.unscoped().filter(pk=declaration.pk).update(entry_exit_port="470201")
    assert fired(change_item(declaration, domestic_area="99999"), "CUS-REF-002") == []


def test_ref_003_ports_as_unlocodes(declaration):
    report = change(declaration, departure_port="HAM", stop_port="NLXXX")
    assert [field for field, _ in fired(report, "CUS-REF-003")] == ["departure_port", "stop_port"]


def test_fx_001_currency_without_a_customs_rate(declaration):
    report = change_item(declaration, currency="CHF")
    assert fired(report, "CUS-FX-001") == [
        (
            "items[1].currency",
            "Item 1: No customs exchange rate for CHF on 2026-03-04 (CN customs' rule): load the rates for that "
            "day first.",
        )
    ]
    report = change(
        declaration, transaction_terms="2", insurance_mode="total", insurance_value=1, insurance_currency="CHF"
    )
    assert [field for field, _ in fired(report, "CUS-FX-001")] == ["insurance_currency", "items[1].currency"]
    Declaration.objects.unscoped().filter(pk=declaration.pk).update(insurance_currency="USD")
    assert fired(change_item(declaration, currency="CNY"), "CUS-FX-001") == []


def test_doc_001_document_code_and_number(declaration):
    DeclarationDocumentFactory.create(enterprise=declaration.enterprise, declaration=declaration, code="ZZ", number="")
    assert [m for _, m in fired(check(declaration), "CUS-DOC-001")] == [
        "Accompanying document “ZZ ”: “ZZ” is not a licence or certificate code valid on 2026-03-04.",
        "Accompanying document “ZZ”: enter its number.",
    ]


def test_trn_001_imo_check_digit(declaration):
    assert fired(change(declaration, imo_number="9074728"), "CUS-TRN-001")[0][0] == "imo_number"


def test_trn_002_container_check_digit(declaration):
    declaration.containers.add(
        ContainerFactory.create(enterprise=declaration.enterprise, shipment=declaration.shipment, number="MSCU1234567")
    )
    assert "MSCU1234567" in fired(check(declaration), "CUS-TRN-002")[0][1]


def test_trn_003_container_of_another_shipment(declaration):
    other = ShipmentFactory.create(enterprise=declaration.enterprise)
    declaration.containers.add(ContainerFactory.create(enterprise=declaration.enterprise, shipment=other))
    assert fired(check(declaration), "CUS-TRN-003")[0][0] == "containers"


# -- parties ------------------------------------------------------------------------------------------


def test_pty_001_002_uscc_of_domestic_parties(declaration):
    for name in ("domestic_trader", "consumer_producer"):
        party = getattr(declaration, name)
        party.uscc = ""
        party.save()
    report = check(declaration)
    assert [(f.code, f.field, f.severity) for f in report.findings] == [
        ("CUS-PTY-001", "domestic_trader", "error"),
        ("CUS-PTY-002", "consumer_producer", "warning"),
    ]


def test_pty_003_invalid_uscc(declaration):
    declarant = declaration.declarant
    declarant.uscc = "91110000100000001X"
    declarant.save()
    assert fired(check(declaration), "CUS-PTY-003")[0][0] == "declarant"


def test_pty_004_denied_party_hits_block_submission(declaration):
    ScreeningMatchFactory.create(enterprise=declaration.enterprise, party=declaration.overseas_trader)
    ScreeningMatchFactory.create(
        enterprise=declaration.enterprise, party=declaration.consumer_producer, status=MatchStatus.CONFIRMED
    )
    ScreeningMatchFactory.create(
        enterprise=declaration.enterprise, party=declaration.declarant, status=MatchStatus.CLEARED
    )
    report = check(declaration)
    assert [(field, "blocked" in m) for field, m in fired(report, "CUS-PTY-004")] == [
        ("overseas_trader", False),
        ("consumer_producer", True),
    ]


def test_pty_005_inactive_or_foreign_party(declaration):
    trader = declaration.overseas_trader
    trader.is_active = False
    trader.save()
    stranger = PartyFactory.create(uscc=USCC_DECLARANT)
    report = change(declaration, declarant=stranger)
    assert [field for field, _ in fired(report, "CUS-PTY-005")] == ["overseas_trader", "declarant"]


# -- dates --------------------------------------------------------------------------------------------


def test_dat_001_late_import_declaration(declaration):
    report = change(declaration, declaration_date=dt.date(2026, 3, 20))
    assert fired(report, "CUS-DAT-001") == [
        (
            "declaration_date",
            "Declared 18 days after arrival on 2026-03-02: imports are declared within 14 days of the means of "
            "transport's arrival. Customs charges a late-declaration fee (滞报金) of 0.5‰ of the dutiable value "
            "for each day from the 15th, here 4 days, waived when below CNY 50.",
        )
    ]
    assert fired(change(declaration, declaration_date=dt.date(2026, 3, 16)), "CUS-DAT-001") == []


def test_dat_002_three_months_after_arrival(declaration):
    assert fired(change(declaration, declaration_date=dt.date(2026, 6, 3)), "CUS-DAT-002") != []
    assert fired(change(declaration, declaration_date=dt.date(2026, 6, 2)), "CUS-DAT-002") == []
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert add_months(dt.date(9999, 11, 1), 3) is None


def test_dat_003_004_import_date_after_the_declaration_day(declaration):
    report = change(declaration, declaration_date=dt.date(2026, 2, 27))
    assert [(f.code, f.severity) for f in report.findings] == [("CUS-DAT-003", "warning")]
    report = change(declaration, import_export_date=dt.date(2026, 3, 9))
    assert "after the shipment's arrival 2026-03-02" in fired(report, "CUS-DAT-004")[0][1]
    type(declaration.shipment).objects.unscoped().filter(pk=declaration.shipment_id).update(eta=None)
    assert "no arrival" in fired(check(declaration), "CUS-DAT-004")[0][1]


def test_dat_005_export_declared_after_departure(demo):
    shipment = ShipmentFactory.create(direction=Direction.EXPORT, atd=dt.datetime(2026, 3, 3, 1, tzinfo=dt.UTC))
    declaration = make_declaration(
        shipment=shipment, direction=Direction.EXPORT, import_export_date=None, goods_location=""
    )
    assert fired(validate_declaration(declaration), "CUS-DAT-005")[0][0] == "import_export_date"
    type(shipment).objects.unscoped().filter(pk=shipment.pk).update(atd=dt.datetime(2026, 3, 5, 1, tzinfo=dt.UTC))
    assert fired(check(declaration), "CUS-DAT-005") == []


def test_dat_006_declaration_date_in_the_future(declaration):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert fired(change(declaration, declaration_date=tomorrow), "CUS-DAT-006")[0][0] == "declaration_date"
