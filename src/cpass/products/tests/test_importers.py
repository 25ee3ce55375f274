from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from cpass.classification.models import ConfirmedClassification
from cpass.core.errors import ValidationFailed
from cpass.imports.framework import FileRejected, run_import
from cpass.products import services
from cpass.products.excel import export_workbook, template_workbook
from cpass.products.importers import COLUMN_TITLES, ProductImporter
from cpass.products.models import ClassificationChange, Product
from cpass.products.selectors import product_list
from cpass.products.tests.conftest import PUMP, PUMP_2, PUMP_VALUES, TSHIRT

pytestmark = pytest.mark.django_db

HEADER = [
    "sku",
    "name_zh",
    "name_en",
    "origin_country",
    "net_weight_kg",
    "gross_weight_kg",
    "unit_price",
    "currency",
    "hs_code",
    "declaration_elements",
]
GOOD = [
    ["HGP-40", "齿轮泵", "Gear pump", "DEU", "12.5", "14", "850", "EUR", PUMP, "4|3|液压系统用|Bosch Rexroth|HGP-40"],
    ["TS-01", "棉制T恤", "Cotton T-shirt", "CHN", "0.2", "0.25", "3.5", "USD", TSHIRT, "0|3|针织|100%棉"],
    ["NEW-1", "新品", "", "", "", "", "", "", "", ""],
]


def _csv(rows: list[list[str]], header: list[str] = HEADER) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode("utf-8"))


def _run(actor, stream, filename="products.csv", **kwargs):  # type: ignore[no-untyped-def]
    return run_import(ProductImporter(actor=actor), stream, filename=filename, **kwargs)


def _issues(result):  # type: ignore[no-untyped-def]
    return [(i.line, i.column, i.message) for i in result.issues]


def test_good_file_creates_and_rerun_changes_nothing(cn_tariff, owner_actor, enterprise):  # type: ignore[no-untyped-def]
    result = _run(owner_actor, _csv(GOOD))
    assert (result.committed, result.rows, result.written, _issues(result)) == (True, 3, 3, [])
    pump = Product.objects.for_actor(owner_actor).get(sku="HGP-40")
    assert (pump.enterprise_id, pump.hs_code, pump.element_values) == (enterprise.pk, PUMP, PUMP_VALUES)
    assert services.declaration_specification(pump) == "4|3|液压系统用|Bosch Rexroth|HGP-40"
    history = ClassificationChange.objects.for_actor(owner_actor).filter(product=pump).get()
    assert (history.source, history.new_code) == ("import", PUMP)
    before = list(Product.objects.for_actor(owner_actor).order_by("sku").values())
    again = _run(owner_actor, _csv(GOOD))
    assert (again.committed, again.written, again.skipped) == (True, 0, 3)
    assert list(Product.objects.for_actor(owner_actor).order_by("sku").values()) == before
    assert ClassificationChange.objects.for_actor(owner_actor).count() == 2


def test_update_by_sku_and_absent_columns_unchanged(cn_tariff, owner_actor):  # type: ignore[no-untyped-def]
    _run(owner_actor, _csv(GOOD))
    result = _run(owner_actor, _csv([["HGP-40", "Rexroth"]], header=["货号 / SKU", "品牌"]))
    assert (result.committed, result.written) == (True, 1)
    pump = Product.objects.for_actor(owner_actor).get(sku="HGP-40")
    assert (pump.brand, pump.name_zh, pump.hs_code) == ("Rexroth", "齿轮泵", PUMP)


def test_code_change_needs_reason_column(cn_tariff, owner_actor):  # type: ignore[no-untyped-def]
    _run(owner_actor, _csv(GOOD))
    header = ["sku", "hs_code", "classification_reason"]
    result = _run(owner_actor, _csv([["HGP-40", PUMP_2, ""]], header=header))
    assert not result.committed
    assert _issues(result) == [
        (
            2,
            "归类理由 / Classification reason",
            "The HS code changes from 8413602100 to 8413609000: give the reason in this column.",
        )
    ]
    result = _run(owner_actor, _csv([["HGP-40", PUMP_2, "Vane pump"]], header=header))
    assert result.committed
    change = ClassificationChange.objects.for_actor(owner_actor).filter(product__sku="HGP-40").first()
    assert change is not None
    assert (change.previous_code, change.new_code, change.reason, change.source) == (
        PUMP,
        PUMP_2,
        "Vane pump",
        "import",
    )


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (["", "x", "", "", "", "", "", "", "", ""], "货号 / SKU", "Enter the SKU"),
        (["A", "", "", "", "", "", "", "", "", ""], "中文品名 / Chinese name", "name in Chinese or English"),
        (["A", "x", "", "XXX", "", "", "", "", "", ""], "原产国(地区) / Country of origin", "XXX"),
        (["A", "x", "", "", "3", "2", "", "", "", ""], "净重(千克) / Net weight (kg)", "cannot exceed"),
        (["A", "x", "", "", "abc", "", "", "", "", ""], "净重(千克) / Net weight (kg)", "not a number"),
        (["A", "x", "", "", "", "", "5", "", "", ""], "币制 / Currency", "currency"),
        (["A", "x", "", "", "", "", "", "", "841360", ""], "商品编号 / HS code", "10 digits"),
        (["A", "x", "", "", "", "", "", "", "8413609999", ""], "商品编号 / HS code", "no tariff line"),
        (["A", "x", "", "", "", "", "", "", PUMP, "4|3|x"], "申报要素 / Declaration elements", "5 elements"),
        (["A", "x", "", "", "", "", "", "", PUMP, "9|3|x||M"], "申报要素 / Declaration elements", "not a choice"),
        (["A", "x", "", "", "", "", "", "", PUMP, ""], "申报要素 / Declaration elements", "required"),
        (["A", "x", "", "", "", "", "", "", "", "1|2"], "申报要素 / Declaration elements", "commodity code"),
    ],
)
def test_bad_row_names_line_and_column_and_saves_nothing(cn_tariff, owner_actor, row, column, message):  # type: ignore[no-untyped-def]
    result = _run(owner_actor, _csv([GOOD[0], row]))
    assert not result.committed
    assert result.written == 0
    [(line, found_column, found_message)] = _issues(result)
    assert (line, found_column) == (3, column)
    assert message.lower() in found_message.lower()
    assert not Product.objects.for_actor(owner_actor).exists()


def test_duplicate_sku_in_file(cn_tariff, owner_actor):  # type: ignore[no-untyped-def]
    result = _run(owner_actor, _csv([GOOD[2], GOOD[2]]))
    assert _issues(result) == [(3, "货号 / SKU", "SKU “NEW-1” appears twice in the file.")]


def test_keep_valid_rows(cn_tariff, owner_actor):  # type: ignore[no-untyped-def]
    bad = ["B", "", "", "", "", "", "", "", "", ""]
    result = _run(owner_actor, _csv([GOOD[2], bad]), all_or_nothing=False)
    assert (result.committed, result.written, result.issue_count) == (True, 1, 1)


def test_missing_sku_column_and_no_actor(cn_tariff, owner_actor):  # type: ignore[no-untyped-def]
    with pytest.raises(FileRejected):
        _run(owner_actor, _csv([["x"]], header=["name_zh"]))
    with pytest.raises(ValidationFailed):
        ProductImporter(actor=None)


def test_template_round_trip(cn_tariff, owner_actor):  # type: ignore[no-untyped-def]
    """Download the template, fill it, import, export, re-import: the second import changes nothing."""
    book = load_workbook(template_workbook())
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == [t.title for t in COLUMN_TITLES]
    assert book.sheetnames[1:] == ["Codes", "Instructions"]
    assert sheet.data_validations.dataValidation  # drop-down lists
    titles = [t.name for t in COLUMN_TITLES]
    for number, values in enumerate(
        [
            {
                "sku": "HGP-40",
                "name_zh": "齿轮泵",
                "origin_country": "DEU",
                "hs_code": PUMP,
                "net_weight_kg": 12.5,
                "gross_weight_kg": 14,
                "unit_price": 850.25,
                "currency": "EUR",
                "gtin": "4006381333931",
                "trade_unit": "007",
                "declaration_elements": "4|3|液压系统用|Bosch Rexroth|HGP-40",
                "active": 1,
            },
            {"sku": "COF-1", "name_en": "Coffee beans", "active": 0},
        ],
        start=2,
    ):
        for key, value in values.items():
            sheet.cell(row=number, column=titles.index(key) + 1, value=value)
    filled = io.BytesIO()
    book.save(filled)
    filled.seek(0)
    result = _run(owner_actor, filled, filename="filled.xlsx")
    assert (result.committed, result.written, _issues(result)) == (True, 2, [])
    coffee = Product.objects.for_actor(owner_actor).get(sku="COF-1")
    assert coffee.active is False
    before = list(Product.objects.for_actor(owner_actor).order_by("sku").values())
    exported = export_workbook(product_list(actor=owner_actor))
    again = _run(owner_actor, exported, filename="export.xlsx")
    assert (again.committed, again.rows, again.written, _issues(again)) == (True, 2, 0, [])
    assert list(Product.objects.for_actor(owner_actor).order_by("sku").values()) == before


def _xlsx(rows: list[list[object]], *, merge: str = "") -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


@pytest.mark.parametrize(
    ("stream", "filename", "message"),
    [
        (io.BytesIO(b""), "products.csv", "The file is empty."),
        (io.BytesIO(b"sku,name_zh\n"), "products.csv", "The file has a header but no rows."),
        (io.BytesIO(b"PK\x03\x04\x00\x00garbage"), "products.csv", "binary, not CSV"),
        (io.BytesIO(b"\x81\x30\x81\x30sku\xff\xfe\xff,name\n" * 40), "products.csv", "neither UTF-8 nor GB18030"),
        (io.BytesIO(b"not a zip at all"), "products.xlsx", "not a readable XLSX"),
        (io.BytesIO(b"sku,name_zh\nA,x\n"), "products.txt", "not a CSV, XLSX or JSON file"),
        (io.BytesIO(b'{"sku": "A"}'), "products.json", "not an array of objects"),
        (io.BytesIO(b"[]"), "products.json", "no rows"),
        (io.BytesIO("name_zh,brand\n齿轮泵,Bosch\n".encode()), "products.csv", "Missing column(s): sku"),
    ],
)
def test_malformed_files_are_refused_and_change_nothing(cn_tariff, owner_actor, stream, filename, message):  # type: ignore[no-untyped-def]
    with pytest.raises(FileRejected) as exc:
        _run(owner_actor, stream, filename=filename)
    assert message in str(exc.value.detail)
    assert not Product.objects.for_actor(owner_actor).exists()


def test_xlsx_with_formula_or_merged_cells_is_refused(cn_tariff, owner_actor):  # type: ignore[no-untyped-def]
    with pytest.raises(FileRejected) as exc:
        _run(owner_actor, _xlsx([["sku", "name_zh", "unit_price"], ["A", "x", "=1+1"]]), filename="f.xlsx")
    assert "Cell C2 holds a formula" in str(exc.value.detail)
    with pytest.raises(FileRejected) as exc:
        _run(owner_actor, _xlsx([["sku", "name_zh"], ["A", "x"], ["B", ""]], merge="B2:B3"), filename="m.xlsx")
    assert "merged cells (B2:B3)" in str(exc.value.detail)
    assert not Product.objects.for_actor(owner_actor).exists()


def test_gb18030_csv_and_json_load(cn_tariff, owner_actor):  # type: ignore[no-untyped-def]
    gbk = "货号,中文品名,品牌\nGB-1,齿轮泵,博世\n".encode("gb18030")
    assert _run(owner_actor, io.BytesIO(gbk)).written == 1
    document = '[{"sku": "J-1", "name_en": "Valve", "gtin": "4006381333931", "net_weight_kg": 1.25}]'
    assert _run(owner_actor, io.BytesIO(document.encode()), filename="p.json").written == 1
    assert Product.objects.for_actor(owner_actor).get(sku="GB-1").brand == "博世"
    valve = Product.objects.for_actor(owner_actor).get(sku="J-1")
    assert (valve.gtin, str(valve.net_weight_kg)) == ("4006381333931", "1.2500")


@pytest.mark.parametrize(
    ("header", "row", "column", "message"),
    [
        (["sku", "name_zh"], ["A", "x" * 10_000], "中文品名 / Chinese name", "At most 200"),
        (["sku", "name_zh"], ["A", "齿轮\x01泵"], "中文品名 / Chinese name", "control characters"),
        (["sku", "name_zh", "gtin"], ["A", "x", "4006381333932"], "商品条码 / GTIN", "check digit"),
        (["sku", "name_zh", "currency", "unit_price"], ["A", "x", "US$", "1"], "币制 / Currency", "not a code"),
        (["sku", "name_zh", "unit_price", "currency"], ["A", "x", "1e400", "USD"], "单价 / Unit price", "too large"),
        (
            ["sku", "name_zh", "hs_code", "declaration_elements"],
            ["A", "x", PUMP, "4|3|液压\x07|Bosch|M"],
            "申报要素 / Declaration elements",
            "control characters",
        ),
        (["sku", "name_zh", "active"], ["A", "x", "maybe"], "启用 / Active", "1 (yes) or 0 (no)"),
    ],
)
def test_absurd_cells_are_row_errors(cn_tariff, owner_actor, header, row, column, message):  # type: ignore[no-untyped-def]
    result = _run(owner_actor, _csv([row], header=header))
    assert not result.committed
    [(line, found_column, found_message)] = _issues(result)
    assert (line, found_column) == (2, column)
    assert message.lower() in found_message.lower()
    assert not Product.objects.for_actor(owner_actor).exists()


def test_line_breaks_in_cells_become_spaces(cn_tariff, owner_actor):  # type: ignore[no-untyped-def]
    result = _run(
        owner_actor, _xlsx([["sku", "name_zh", "specification"], ["A", "齿轮泵", "HGP-40\n40 cm³"]]), "a.xlsx"
    )
    assert result.committed
    assert Product.objects.for_actor(owner_actor).get(sku="A").specification == "HGP-40 40 cm³"


def test_a_viewer_cannot_import(cn_tariff, enterprise, make_member, make_actor):  # type: ignore[no-untyped-def]
    viewer = make_actor(make_member(enterprise, "viewer").user, enterprise)
    with pytest.raises(ValidationFailed):
        ProductImporter(actor=viewer)


def test_imported_codes_are_learnt_after_commit(cn_tariff, owner_actor, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=False) as rejected:
        result = _run(owner_actor, _csv([GOOD[0], ["BAD", "", "", "", "", "", "", "", "", ""]]))
    assert not result.committed
    assert rejected == []  # a rolled-back run teaches nothing
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = _run(owner_actor, _csv(GOOD))
    assert result.committed
    assert not ConfirmedClassification.objects.for_actor(owner_actor).exists()  # not inside the import
    assert len(callbacks) == 1
    callbacks[0]()  # Huey runs immediately in the tests
    learnt = ConfirmedClassification.objects.for_actor(owner_actor).order_by("code")
    assert [(row.code, row.product_id) for row in learnt] == [
        (TSHIRT, Product.objects.for_actor(owner_actor).get(sku="TS-01").pk),
        (PUMP, Product.objects.for_actor(owner_actor).get(sku="HGP-40").pk),
    ]


def test_imported_rows_are_in_the_change_log(cn_tariff, owner_actor, enterprise):  # type: ignore[no-untyped-def]
    from cpass.audit.models import ObjectChange
    from cpass.core.context import acting_as

    with acting_as(owner_actor.user.pk, enterprise.pk):
        _run(owner_actor, _csv(GOOD))
        _run(owner_actor, _csv([["HGP-40", "Rexroth"]], header=["货号 / SKU", "品牌"]))
    pump = Product.objects.for_actor(owner_actor).get(sku="HGP-40")
    log = ObjectChange.objects.filter(content_type__model="product", object_id=str(pump.pk)).order_by("pk")
    created, updated = list(log)
    assert (created.action, created.user_id, created.enterprise_id) == ("create", owner_actor.user.pk, enterprise.pk)
    assert created.after["sku"] == "HGP-40"
    assert (updated.action, updated.before, updated.after) == ("update", {"brand": ""}, {"brand": "Rexroth"})
    assert ObjectChange.objects.filter(content_type__model="product", action="create").count() == 3
