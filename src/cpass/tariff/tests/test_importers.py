"""The four tariff importers through the shared engine: each format, bad input, all-or-nothing, idempotent reloads."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook

from cpass.core.errors import ValidationFailed
from cpass.imports.framework import FileRejected, ImportResult, importer_class, importer_classes, run_import
from cpass.tariff.demo import load_demo
from cpass.tariff.importers import FIXTURES
from cpass.tariff.models import DeclarationElements, DutyRate, HsLevel, HsNode, Jurisdiction, RateSet, TariffLine
from cpass.tariff.selectors import hs_ancestry
from cpass.tariff.services import jurisdiction_upsert
from cpass.tariff.tests.conftest import shared_file

pytestmark = pytest.mark.django_db

HEADER = (
    "code,ciq_code,description_en,description_zh,unit_1,unit_2,mfn,general,conventional,consumption,vat,"
    "valid_from,valid_to"
)
PUMP = "8413602100,,Gear pumps,齿轮泵,001,035,8%,35%,RCEP[JPN]=5.3%,,13,2025-01-01,"
BEER = "2203000000,,Beer,啤酒,095,,0%,7.5 CNY/095,,250 CNY/070,13,2025-01-01,"


@pytest.fixture
def china(db: None) -> Jurisdiction:
    return jurisdiction_upsert(actor=None, code="CN", name_en="China", name_zh="中国", currency="CNY")


def load(kind: str, content: bytes | str, filename: str = "t.csv", **options: str) -> ImportResult:
    data = content.encode() if isinstance(content, str) else content
    importer = importer_class(kind)(actor=None, options=options)
    return run_import(importer, io.BytesIO(data), filename=filename, size=len(data))


def issues(result: ImportResult) -> list[tuple[int, str, str]]:
    return [(issue.line, issue.column, issue.message) for issue in result.issues]


def test_every_tariff_importer_is_registered_with_its_format_documented() -> None:
    kinds = {importer.kind: importer for importer in importer_classes()}
    for kind in ("tariff", "hs-nomenclature", "us-hts", "declaration-elements"):
        assert kinds[kind].format_doc.startswith("docs/reference/tariff-formats.md#")
        assert getattr(kinds[kind], "do_not_call_in_templates", False) is True


def test_options_are_checked_when_an_import_is_created_not_before(china: Jurisdiction) -> None:
    with pytest.raises(ValidationFailed) as missing:
        importer_class("tariff")(actor=None, options={})
    assert missing.value.errors == {"jurisdiction": ["This option is required."]}
    with pytest.raises(ValidationFailed) as unknown:
        importer_class("tariff")(actor=None, options={"jurisdiction": "DE"})
    assert unknown.value.errors == {"jurisdiction": ["There is no jurisdiction “DE” (known: CN)."]}


def test_a_tariff_file_loads_lines_and_structured_rates(china: Jurisdiction) -> None:
    result = load("tariff", "\n".join([HEADER, PUMP, BEER]), jurisdiction="CN", source="test")
    assert (result.committed, result.rows, result.written, result.issue_count) == (True, 2, 2, 0)
    pump = TariffLine.objects.get(code="8413602100")
    assert (pump.unit_1, pump.unit_2, pump.vat_rate, pump.source, str(pump.valid_from), pump.valid_to) == (
        "001",
        "035",
        Decimal("13.00"),
        "test",
        "2025-01-01",
        None,
    )
    rates = {(r.kind, r.agreement, r.origin_countries): r for r in DutyRate.objects.filter(rate_set__lines=pump)}
    assert sorted(rates) == [("conventional", "RCEP", "JPN"), ("general", "", ""), ("mfn", "", "")]
    assert rates[("conventional", "RCEP", "JPN")].ad_valorem == Decimal("5.3")
    beer = DutyRate.objects.get(rate_set__lines__code="2203000000", kind="consumption")
    assert (beer.ad_valorem, beer.specific_amount, beer.specific_currency, beer.specific_unit) == (
        None,
        Decimal(250),
        "CNY",
        "070",
    )


def test_reloading_is_idempotent_and_a_changed_line_replaces_its_rates(china: Jurisdiction) -> None:
    assert load("tariff", "\n".join([HEADER, PUMP, BEER]), jurisdiction="CN").written == 2
    again = load("tariff", "\n".join([HEADER, PUMP, BEER]), jurisdiction="CN")
    assert (again.committed, again.written) == (True, 0)
    changed = load("tariff", "\n".join([HEADER, PUMP.replace("8%,35%", "7%,35%"), BEER]), jurisdiction="CN")
    assert changed.written == 1
    assert TariffLine.objects.count() == 2
    mfn = DutyRate.objects.filter(rate_set__lines__code="8413602100", kind="mfn")
    assert [rate.ad_valorem for rate in mfn] == [Decimal(7)]
    assert DutyRate.objects.filter(rate_set__lines__code="8413602100").count() == 3


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        (PUMP.replace("8%,35%", "8 percent,35%"), "mfn", "neither a percentage nor an amount per unit"),
        (PUMP.replace("8%,35%", ",35%"), "mfn", "Every line needs its MFN rate"),
        (BEER.replace("250 CNY/070", "250 USD/070"), "consumption", "specific amounts are in CNY here"),
        (BEER.replace("250 CNY/070", "250 CNY/999"), "consumption", "“999” is not a customs unit code"),
        (PUMP.replace("8413602100", "841360210"), "code", "Excel may have dropped a leading zero"),
        (PUMP.replace("8413602100", "84136021AB"), "code", "a commodity code has digits only"),
        (PUMP.replace(",001,", ",KGM,"), "unit_1", "“KGM” is not a customs unit code"),
        (PUMP.replace(",13,", ",130,"), "vat", "is not a VAT rate"),
        (PUMP.replace(",13,", ",13.125,"), "vat", "at most 2 decimals"),
        (PUMP.replace("2025-01-01,", "01/01/2025,"), "valid_from", "is not a date"),
        (PUMP.replace("2025-01-01,", "2025-01-01,2024-12-31"), "valid_to", "is before valid_from"),
        (PUMP.replace("RCEP[JPN]=5.3%", "RCEP[JAPAN]=5.3%"), "conventional", "origins are ISO alpha-3 codes"),
    ],
)
def test_a_bad_row_is_reported_with_its_line_and_nothing_is_written(
    china: Jurisdiction, row: str, column: str, fragment: str
) -> None:
    result = load("tariff", "\n".join([HEADER, BEER, row]), jurisdiction="CN")
    assert (result.committed, result.written, result.issue_count) == (False, 0, 1)
    line, where, message = issues(result)[0]
    assert (line, where) == (3, column)
    assert fragment in message
    assert TariffLine.objects.count() == 0


def test_duplicate_codes_and_overlapping_periods_are_row_errors(china: Jurisdiction) -> None:
    duplicate = load("tariff", "\n".join([HEADER, PUMP, BEER, PUMP]), jurisdiction="CN")
    assert issues(duplicate) == [(4, "code", "8413602100 valid from 2025-01-01 is already at line 2.")]
    older = PUMP.replace("2025-01-01,", "2024-01-01,2025-06-30")
    overlap = load("tariff", "\n".join([HEADER, older, PUMP]), jurisdiction="CN")
    assert issues(overlap) == [
        (
            3,
            "valid_from",
            "8413602100: the period 2025-01-01–open overlaps the row at line 2 (2024-01-01–2025-06-30).",
        )
    ]
    assert TariffLine.objects.count() == 0


def test_a_new_version_must_not_overlap_the_one_already_loaded(china: Jurisdiction) -> None:
    assert load("tariff", "\n".join([HEADER, PUMP]), jurisdiction="CN").committed
    next_year = PUMP.replace("8%,35%", "6%,35%").replace("2025-01-01,", "2026-01-01,")
    refused = load("tariff", "\n".join([HEADER, next_year]), jurisdiction="CN")
    assert issues(refused) == [
        (
            2,
            "valid_from",
            "8413602100: the period 2026-01-01–open overlaps the version already loaded (2025-01-01–open).",
        )
    ]
    closed = PUMP.replace("2025-01-01,", "2025-01-01,2025-12-31")
    accepted = load("tariff", "\n".join([HEADER, closed, next_year]), jurisdiction="CN")
    assert (accepted.committed, accepted.written) == (True, 2)
    assert list(TariffLine.objects.values_list("valid_from", "valid_to").order_by("valid_from")) == [
        (dt.date.fromisoformat("2025-01-01"), dt.date.fromisoformat("2025-12-31")),
        (dt.date.fromisoformat("2026-01-01"), None),
    ]


def test_missing_columns_reject_the_file(china: Jurisdiction) -> None:
    with pytest.raises(FileRejected) as caught:
        load("tariff", "code,description_en\n8413602100,Pumps\n", jurisdiction="CN")
    assert "Missing column(s): mfn, valid_from." in str(caught.value)


def test_xlsx_and_json_files_load_the_same_rows(china: Jurisdiction) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in (HEADER.split(","), PUMP.split(",")):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert load("tariff", buffer.getvalue(), "t.xlsx", jurisdiction="CN").written == 1
    item = dict(zip(HEADER.split(","), BEER.split(","), strict=True))
    assert load("tariff", json.dumps([item]), "t.json", jurisdiction="CN").written == 1
    assert sorted(TariffLine.objects.values_list("code", flat=True)) == ["2203000000", "8413602100"]


def test_a_formula_in_a_workbook_rejects_the_file(china: Jurisdiction) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append([*PUMP.split(",")[:6], "=1+1", *PUMP.split(",")[7:]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(FileRejected, match="holds a formula"):
        load("tariff", buffer.getvalue(), "t.xlsx", jurisdiction="CN")
    assert TariffLine.objects.count() == 0


def test_the_demo_files_load_and_reload_without_writing() -> None:
    load_demo()
    assert TariffLine.objects.filter(jurisdiction__code="CN").count() == 23
    assert DeclarationElements.objects.count() > 0
    counts = (HsNode.objects.count(), TariffLine.objects.count(), DutyRate.objects.count())
    load_demo()
    assert (HsNode.objects.count(), TariffLine.objects.count(), DutyRate.objects.count()) == counts
    toy = TariffLine.objects.get(code="9503008900", ciq_code="101")
    assert (toy.supervision_conditions, toy.inspection_categories) == ("A", "L.M")


# -- HS nomenclature -----------------------------------------------------------------------------

HS_HEADER = "section,hscode,description,parent,level"


def test_hs_rows_build_the_tree_under_the_sections(db: None) -> None:
    rows = [
        HS_HEADER,
        "XVI,84,Machinery,TOTAL,2",
        "XVI,8413,Pumps,84,4",
        "XVI,841360,Rotary pumps,8413,6",
        "TOTAL,TOTAL,All,,5",
    ]
    result = load("hs-nomenclature", "\n".join(rows))
    assert (result.committed, result.rows, result.skipped) == (True, 4, 1)
    subheading = HsNode.objects.get(code="841360")
    assert subheading.level == HsLevel.SUBHEADING
    assert [node.code for node in hs_ancestry(subheading)] == ["XVI", "84", "8413", "841360"]
    # The Chinese chapter title comes from our fixture when the file has none.
    assert HsNode.objects.get(code="84").description_zh == "核反应堆、锅炉、机器、机械器具及其零件"
    assert load("hs-nomenclature", "\n".join(rows)).written == 0


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        ("XVI,841,Pumps,84,4", "hscode", "is not a 4-digit code"),
        ("XVI,8413,Pumps,85,4", "parent", "must be 84"),
        ("XVI,8413,Pumps,84,3", "level", "is not 2, 4 or 6"),
        ("XVI,8414,,84,4", "description", "The description is empty."),
        ("XVI,84,Again,TOTAL,2", "hscode", "84 is already at line 2."),
        ("XXX,85,Electrical,TOTAL,2", "section", "is not a section"),
    ],
)
def test_bad_hs_rows(db: None, row: str, column: str, fragment: str) -> None:
    result = load("hs-nomenclature", "\n".join([HS_HEADER, "XVI,84,Machinery,TOTAL,2", row]))
    assert result.committed is False
    assert [(line, where) for line, where, _message in issues(result)] == [(3, column)]
    assert fragment in result.issues[0].message
    assert HsNode.objects.filter(level=HsLevel.CHAPTER).count() == 0


def test_the_shared_hs_file_loads_its_first_chapters(db: None) -> None:
    path = shared_file("hs", "harmonized-system.csv")
    with path.open(encoding="utf-8-sig") as handle:
        head = "".join(itertools.islice(handle, 400))
    result = load("hs-nomenclature", head)
    assert (result.committed, result.issue_count) == (True, 0)
    assert HsNode.objects.filter(level=HsLevel.SECTION).count() == 21
    assert HsNode.objects.get(code="0101").parent.code == "01"  # type: ignore[union-attr]


# -- US HTS --------------------------------------------------------------------------------------

US_HEADER = (
    "seq,chapter,htsno,indent,description,superior,units,general,special,other,footnotes,quota_quantity,"
    "additional_duties"
)
US_ROWS = [
    US_HEADER,
    '1,01,0102,0,"Live bovine animals:",,,,,,,,',
    "2,01,0102.29,2,Other:,,,,,,,,",
    '3,01,0102.29.40,3,Other,,,1¢/kg,"Free (A+,AU,BH,CL,CO,D,E,IL,JO,KR,MA,OM,P,PA,PE,S,SG)",5.5¢/kg,,,',
    "4,01,0102.29.40.24,5,Male,,No.;kg,,,,,,",
    "5,01,0201.10.05,3,Beef described in note 3,,kg,4.4¢/kg,Free (A+),See 9903.88.15,,,",
]


def test_us_hts_rows_load_with_parsed_and_inherited_rates(db: None) -> None:
    result = load("us-hts", "\n".join(US_ROWS))
    assert (result.committed, result.written, result.skipped) == (True, 3, 2)
    us = Jurisdiction.objects.get(code="US")
    assert (us.min_code_length, us.general_rate_origins) == (8, "BLR CUB PRK RUS")
    line = TariffLine.objects.get(code="01022940")
    assert line.description_en == "Live bovine animals: Other: Other"
    mfn = DutyRate.objects.get(rate_set__lines=line, kind="mfn")
    assert (mfn.specific_amount, mfn.specific_currency, mfn.specific_unit) == (Decimal("0.01"), "USD", "kg")
    special = DutyRate.objects.get(rate_set__lines=line, kind="preferential")
    assert special.agreement.startswith("A+ AU BH CL")
    assert "AUS" in special.origin_countries.split()
    statistical = TariffLine.objects.get(code="0102294024")
    assert (statistical.unit_1, statistical.unit_2) == ("No.", "kg")
    assert DutyRate.objects.filter(rate_set__lines=statistical).count() == 3  # inherited from 0102.29.40
    column_2 = DutyRate.objects.get(rate_set__lines__code="02011005", kind="general")
    assert (column_2.text, column_2.unparsed, column_2.ad_valorem) == ("See 9903.88.15", True, None)
    assert load("us-hts", "\n".join(US_ROWS)).written == 0


def test_us_hts_bad_numbers_and_duplicates(db: None) -> None:
    result = load(
        "us-hts", "\n".join([*US_ROWS, "6,01,0102.29.40,3,Again,,,Free,,,,,", "7,01,0102.29.4X,3,Bad,,,Free,,,,,"])
    )
    assert result.committed is False
    assert issues(result) == [
        (7, "htsno", "01022940 is already at line 4."),
        (8, "htsno", "“0102.29.4X” is not an 8- or 10-digit HTS number."),
    ]
    assert TariffLine.objects.count() == 0


def test_the_shared_us_schedule_loads_its_first_chapter(db: None) -> None:
    path = shared_file("tariffs", "us_hts", "us_hts_2025_basic_approx.csv")
    with path.open(encoding="utf-8") as handle:
        head = "".join(itertools.islice(handle, 300))
    result = load("us-hts", head)
    assert (result.committed, result.issue_count) == (True, 0)
    assert TariffLine.objects.filter(jurisdiction__code="US").count() > 150
    assert DutyRate.objects.filter(unparsed=False).count() > DutyRate.objects.filter(unparsed=True).count()


# -- declaration elements ------------------------------------------------------------------------


def test_element_templates_load_and_refuse_bad_or_overlapping_rows(china: Jurisdiction) -> None:
    header = "code_prefix,elements,valid_from,valid_to"
    good = "8413,brand_type|品牌类型|Brand type|1;model|型号|Model|1,2025-01-01,"
    result = load("declaration-elements", "\n".join([header, good]), jurisdiction="CN")
    assert (result.committed, result.written) == (True, 1)
    template = DeclarationElements.objects.get(code_prefix="8413")
    assert [e["key"] for e in template.elements] == ["brand_type", "model"]
    assert load("declaration-elements", "\n".join([header, good]), jurisdiction="CN").written == 0
    bad = load(
        "declaration-elements",
        "\n".join(
            [
                header,
                "84A3,x|x|x|1,2025-01-01,",
                "8414,Brand|品牌|Brand|1,2025-01-01,",
                "8415,a|甲|A|maybe,2025-01-01,",
                "8413,a|甲|A|1,2024-06-01,",
            ]
        ),
        jurisdiction="CN",
    )
    assert [(line, column) for line, column, _message in issues(bad)] == [
        (2, "code_prefix"),
        (3, "elements"),
        (4, "elements"),
        (5, "valid_from"),
    ]
    assert "overlap" in bad.issues[3].message
    assert DeclarationElements.objects.count() == 1


def test_the_demo_element_file_is_json(china: Jurisdiction) -> None:
    items: list[dict[str, Any]] = json.loads((FIXTURES / "cn_declaration_elements.json").read_text(encoding="utf-8"))
    assert all(set(item) <= {"code_prefix", "elements", "valid_from", "valid_to"} for item in items)
    result = load("declaration-elements", json.dumps(items[:1]), "e.json", jurisdiction="CN")
    assert (result.committed, result.written) == (True, 1)


# -- bulk paths ----------------------------------------------------------------------------------


def _many_lines(count: int, mfn: str = "8%") -> str:
    rows = [HEADER]
    for number in range(count):
        general = "35%" if number % 2 else "30%"
        conventional = '"RCEP[JPN]=5.3%; RCEP[KOR]=4.3%"'
        rows.append(f"{8413600000 + number},,Pump {number},泵,001,,{mfn},{general},{conventional},,13,2025-01-01,")
    return "\n".join(rows)


def _rates_by_line() -> dict[str, list[tuple[str, str, str, Decimal | None]]]:
    rates: dict[str, list[tuple[str, str, str, Decimal | None]]] = {}
    for code, kind, agreement, origins, ad_valorem in (
        DutyRate.objects.filter(rate_set__lines__isnull=False)
        .order_by("rate_set__lines__code", "kind", "origin_countries")
        .values_list("rate_set__lines__code", "kind", "agreement", "origin_countries", "ad_valorem")
    ):
        rates.setdefault(code, []).append((kind, agreement, origins, ad_valorem))
    return rates


def test_lines_with_the_same_rates_share_one_rate_set_and_change_sets_when_their_rates_change(
    china: Jurisdiction,
) -> None:
    """40 lines, two combinations of rates (the general rate alternates): two sets of four rates."""
    assert load("tariff", _many_lines(40), jurisdiction="CN").written == 40
    assert (RateSet.objects.count(), DutyRate.objects.count()) == (2, 8)
    rates = _rates_by_line()
    assert len(rates) == 40
    assert rates["8413600001"] == [
        ("conventional", "RCEP", "JPN", Decimal("5.3")),
        ("conventional", "RCEP", "KOR", Decimal("4.3")),
        ("general", "", "", Decimal(35)),
        ("mfn", "", "", Decimal(8)),
    ]
    assert rates["8413600000"][2] == ("general", "", "", Decimal(30))
    assert load("tariff", _many_lines(40), jurisdiction="CN").written == 0
    changed = load("tariff", _many_lines(40, mfn="7%"), jurisdiction="CN")
    assert (changed.committed, changed.written) == (True, 40)
    assert (RateSet.objects.count(), DutyRate.objects.count()) == (4, 16)  # a set is a value: never changed
    assert {rate[3] for line in _rates_by_line().values() for rate in line if rate[0] == "mfn"} == {Decimal(7)}
    assert len(_rates_by_line()) == 40
    back = load("tariff", _many_lines(40), jurisdiction="CN")  # the first rates again: their sets are reused
    assert (back.written, RateSet.objects.count()) == (40, 4)
    assert {rate[3] for line in _rates_by_line().values() for rate in line if rate[0] == "mfn"} == {Decimal(8)}


def test_a_row_shorter_than_the_header_reads_the_missing_cells_as_empty(china: Jurisdiction) -> None:
    header = "code,description_en,mfn,valid_from,valid_to,vat"
    result = load("tariff", f"{header}\n8413602100,Gear pumps,8%,2025-01-01\n", jurisdiction="CN")
    assert (result.committed, result.written) == (True, 1)
    line = TariffLine.objects.get(code="8413602100")
    assert (line.valid_to, line.vat_rate, line.description_en) == (None, None, "Gear pumps")


def test_several_stored_versions_of_a_code_reload_without_writing(china: Jurisdiction) -> None:
    closed = PUMP.replace("2025-01-01,", "2025-01-01,2025-12-31")
    next_year = PUMP.replace("8%,35%", "6%,35%").replace("2025-01-01,", "2026-01-01,")
    content = "\n".join([HEADER, closed, next_year, BEER])
    assert load("tariff", content, jurisdiction="CN").written == 3
    again = load("tariff", content, jurisdiction="CN")
    assert (again.committed, again.written, again.issue_count) == (True, 0, 0)
    reopened = load("tariff", "\n".join([HEADER, PUMP]), jurisdiction="CN")
    assert issues(reopened) == [
        (
            2,
            "valid_from",
            "8413602100: the period 2025-01-01–open overlaps the version already loaded (2026-01-01–open).",
        )
    ]


def test_commodity_codes_with_dots_are_read_and_non_ascii_digits_refused(china: Jurisdiction) -> None:
    dotted = load("tariff", "\n".join([HEADER, PUMP.replace("8413602100", "8413.60.21.00")]), jurisdiction="CN")
    assert (dotted.committed, TariffLine.objects.get().code) == (True, "8413602100")
    wide = load("tariff", "\n".join([HEADER, BEER.replace("2203000000", "２２０３０００００")]), jurisdiction="CN")
    assert issues(wide) == [(2, "code", "“２２０３０００００”: a commodity code has digits only.")]
