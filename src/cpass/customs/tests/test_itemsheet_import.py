"""The "declaration_items" importer: good files fill a declaration and its continuations; every bad input is a
row error naming the line and the column, and nothing is saved."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation
from openpyxl import Workbook

from cpass.audit import registry
from cpass.audit.models import ObjectChange
from cpass.core.errors import PermissionDenied, ValidationFailed
from cpass.customs.choices import DeclarationStatus, EventKind
from cpass.customs.itemsheet.importers import COLUMN_TITLES, DeclarationItemImporter, column
from cpass.customs.models import Declaration, DeclarationEvent, DeclarationItem
from cpass.customs.tests.factories import DeclarationFactory, DeclarationItemFactory
from cpass.imports.framework import FileRejected, ImportResult, run_import
from cpass.imports.models import ImportStatus
from cpass.imports.services import import_job_create, import_job_run
from cpass.shipments.tests.factories import ContainerFactory

pytestmark = pytest.mark.django_db
PUMP = "8413602100"
PUMP_SPEC = "4|3|液压系统用|齿轮式|Bosch Rexroth|HGP-40"
HEADER = [title.title for title in COLUMN_TITLES]
GOOD = {
    "hs_code": PUMP,
    "ciq_code": "",
    "name": "齿轮泵",
    "declaration_elements": PUMP_SPEC,
    "quantity": "10",
    "trade_unit": "001",
    "legal_quantity_1": "",
    "legal_unit_1": "001",
    "legal_quantity_2": "250.5",
    "legal_unit_2": "035",
    "unit_price": "1200",
    "total_price": "",
    "currency": "EUR",
    "origin_country": "DEU",
    "destination_country": "",
    "domestic_area": "31222",
    "duty_mode": "",
    "origin_certificate": "",
}


def row(**changes: str) -> dict[str, str]:
    return GOOD | changes


def csv_bytes(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header or HEADER)
    for values in rows:
        writer.writerow([values.get(title.name, "") for title in COLUMN_TITLES])
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[dict[str, str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for values in rows:
        sheet.append([values.get(title.name, "") for title in COLUMN_TITLES])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def declaration(enterprise, demo) -> Declaration:
    return DeclarationFactory.create(enterprise=enterprise, declaration_date=dt.date(2026, 3, 2))


def load(actor, declaration, data: bytes, name: str = "items.csv", **kwargs: Any) -> ImportResult:
    importer = DeclarationItemImporter(actor=actor, options={"declaration": str(declaration.pk)})
    return run_import(importer, io.BytesIO(data), filename=name, size=len(data), **kwargs)


def _audited(model: type[Any]) -> registry.AuditedModel:
    entry = registry.audited(model)
    assert entry is not None
    return entry


def nothing_saved(declaration: Declaration) -> None:
    assert not DeclarationItem.objects.unscoped().exists()
    assert Declaration.objects.unscoped().filter(split_from=declaration).count() == 0
    assert not ObjectChange.objects.filter(content_type__model="declarationitem").exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_120_rows_fill_the_declaration_and_two_continuations(actor, declaration, enterprise, fmt) -> None:
    container = ContainerFactory.create(enterprise=enterprise, shipment=declaration.shipment)
    declaration.containers.through.objects.create(declaration_id=declaration.pk, container_id=container.pk)
    rows = [row(name=f"齿轮泵 {n}", quantity=str(n)) for n in range(1, 121)]
    data = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows)
    progress: list[tuple[int, float | None]] = []
    result = load(actor, declaration, data, name=f"items.{fmt}", progress=lambda r, f: progress.append((r, f)))

    assert result.ok, result.issues
    assert (result.rows, result.written, result.committed) == (120, 120, True)
    parts = list(Declaration.objects.unscoped().filter(split_from=declaration).order_by("reference"))
    assert len(parts) == 2
    for number, part in enumerate([declaration, *parts]):
        items = list(DeclarationItem.objects.unscoped().filter(declaration=part).order_by("item_number"))
        expected = 50 if number < 2 else 20
        assert [item.item_number for item in items] == list(range(1, expected + 1))
        assert items[0].name == f"齿轮泵 {number * 50 + 1}"
    for part in parts:
        assert (part.status, part.direction, part.shipment_id) == ("draft", "import", declaration.shipment_id)
        assert (part.trade_mode, part.declaring_customs, part.gross_weight_kg) == ("0110", "2248", Decimal("1200"))
        assert part.reference.startswith(f"DC-{timezone.localdate().year}-")
        assert list(
            part.containers.through.objects.filter(declaration_id=part.pk).values_list("container_id", flat=True)
        ) == [container.pk]
        kinds = sorted(DeclarationEvent.objects.unscoped().filter(declaration=part).values_list("kind", flat=True))
        assert kinds == [EventKind.SPLIT, EventKind.TRANSITION]
    assert parts[0].reference != parts[1].reference

    item = DeclarationItem.objects.unscoped().get(declaration=declaration, item_number=3)
    assert item.hs_code == PUMP
    assert item.elements == {
        "brand_type": "4",
        "export_preference": "3",
        "use": "液压系统用",
        "principle": "齿轮式",
        "brand": "Bosch Rexroth",
        "model": "HGP-40",
    }
    assert item.specification == PUMP_SPEC + "|||"
    assert (item.quantity, item.legal_quantity_1, item.legal_quantity_2) == (Decimal(3), Decimal(3), Decimal("250.5"))
    assert (item.unit_price, item.total_price, item.currency) == (Decimal(1200), Decimal("3600.00"), "EUR")
    assert (item.destination_country, item.duty_mode, item.domestic_area) == ("CHN", "1", "31222")

    # Progress: reported per batch and at the end, with the fraction of the file read.
    assert progress[-1] == (120, 1.0)
    # The change log: every item and every continuation, as the signals would write them.
    assert ObjectChange.objects.filter(content_type__model="declarationitem", action="create").count() == 120
    for part in parts:
        logged = ObjectChange.objects.get(content_type__model="declaration", action="create", object_id=str(part.pk))
        assert logged.after == registry.snapshot(_audited(Declaration), part)
    change = ObjectChange.objects.get(content_type__model="declarationitem", object_id=str(item.pk))
    assert change.after == registry.snapshot(_audited(DeclarationItem), item)


def test_items_go_after_the_existing_ones(actor, declaration, enterprise) -> None:
    for number in range(1, 49):
        DeclarationItemFactory.create(enterprise=enterprise, declaration=declaration, item_number=number)
    result = load(actor, declaration, csv_bytes([row(name=f"n{n}") for n in range(5)]))
    assert result.ok, result.issues
    assert list(
        DeclarationItem.objects.unscoped()
        .filter(declaration=declaration, item_number__gt=48)
        .values_list("name", flat=True)
    ) == ["n0", "n1"]
    part = Declaration.objects.unscoped().get(split_from=declaration)
    assert list(DeclarationItem.objects.unscoped().filter(declaration=part).values_list("item_number", "name")) == [
        (1, "n2"),
        (2, "n3"),
        (3, "n4"),
    ]


# -- bad input: a row error naming the line and the column, and nothing saved ------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"quantity": "-5"}, "quantity", "The value cannot be negative."),
        ({"quantity": "0"}, "quantity", "The quantity must be more than 0."),
        ({"quantity": "ten"}, "quantity", "“ten” is not a number."),
        ({"trade_unit": "999"}, "trade_unit", "“999” is not a code of the unit table valid on 2026-03-02."),
        ({"legal_unit_1": "035"}, "legal_unit_1", "Line 8413602100 is declared in legal unit 1 = 001, not 035."),
        ({"legal_unit_2": "001"}, "legal_unit_2", "Line 8413602100 is declared in legal unit 2 = 035, not 001."),
        (
            {
                "hs_code": "0901110000",
                "declaration_elements": "",
                "trade_unit": "035",
                "legal_unit_1": "",
                "legal_unit_2": "",
            },
            "legal_quantity_2",
            "Line 0901110000 has no legal unit 2: leave it and its quantity empty.",
        ),
        ({"legal_quantity_2": ""}, "legal_quantity_2", "Enter the quantity in legal unit 2 (035) of line 8413602100."),
        ({"hs_code": "8413602199"}, "hs_code", "CN has no tariff line 8413602199."),
        ({"hs_code": "84136021"}, "hs_code", "China's commodity code has 10 digits."),
        ({"hs_code": ""}, "hs_code", "Enter the 10-digit commodity code."),
        ({"currency": "XYZ"}, "currency", "“XYZ” is not a code of the currency table valid on 2026-03-02."),
        ({"origin_country": "XXX"}, "origin_country", "“XXX” is not a code of the country table valid on 2026-03-02."),
        ({"unit_price": "", "total_price": ""}, "unit_price", "Enter the unit price or the total price."),
        ({"total_price": "999"}, "total_price", "The total price 999.00 is not unit price × quantity (12000.00)."),
        (
            {"declaration_elements": PUMP_SPEC + "||||x"},
            "declaration_elements",
            "The template has 9 elements but the text has 10 parts separated by “|”.",
        ),
        (
            {"declaration_elements": "9|3|液压系统用|齿轮式|Bosch|HGP"},
            "declaration_elements",
            "“9” is not a choice of “Brand type”: use one of 0, 1, 2, 3, 4.",
        ),
        ({"domestic_area": "3122"}, "domestic_area", "The domestic area code has 5 digits, e.g. 31222."),
    ],
)
def test_a_bad_value_names_its_row_and_column(actor, declaration, changes, field, message) -> None:
    rows = [row(), row(), row(**changes)]
    result = load(actor, declaration, csv_bytes(rows))
    assert not result.committed
    assert [issue.as_dict() for issue in result.issues] == [{"line": 4, "column": column(field), "message": message}]
    nothing_saved(declaration)


def test_a_currency_without_a_rate_on_the_date(actor, declaration) -> None:
    result = load(actor, declaration, csv_bytes([row(currency="CHF")]))
    assert not result.committed
    (issue,) = result.issues
    assert (issue.line, issue.column) == (2, column("currency"))
    assert issue.message.startswith("No CHF→CNY rate for 2026-03-02")
    nothing_saved(declaration)


def test_a_date_outside_the_tariffs_validity(actor, enterprise, demo) -> None:
    old = DeclarationFactory.create(enterprise=enterprise, declaration_date=dt.date(2023, 6, 1))
    result = load(actor, old, csv_bytes([row(), row(hs_code="8517130000")]))
    assert not result.committed
    assert [(issue.line, issue.column) for issue in result.issues] == [(2, column("hs_code")), (3, column("hs_code"))]
    assert result.issues[0].message == (
        "Line 8413602100 is not valid on 2023-06-01; its versions are valid 2024-01-01–2024-12-31, 2025-01-01–open."
    )
    nothing_saved(old)


def test_every_bad_row_is_listed_and_a_late_error_saves_nothing(actor, declaration) -> None:
    rows = [row() for _ in range(130)]
    rows[4] = row(quantity="-1")
    rows[125] = row(trade_unit="")
    result = load(actor, declaration, csv_bytes(rows))
    assert [(issue.line, issue.column) for issue in result.issues] == [
        (6, column("quantity")),
        (127, column("trade_unit")),
    ]
    nothing_saved(declaration)


def test_a_broken_xlsx_is_refused(actor, declaration) -> None:
    data = xlsx_bytes([row()])
    with pytest.raises(FileRejected) as exc:
        load(actor, declaration, data[: len(data) // 2], name="items.xlsx")
    assert exc.value.errors["file"] == ["The file is not a readable XLSX workbook. Save it again as .xlsx."]
    nothing_saved(declaration)


def test_a_formula_is_refused(actor, declaration) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append([GOOD[title.name] for title in COLUMN_TITLES])
    sheet["E2"] = "=2*5"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(FileRejected) as exc:
        load(actor, declaration, out.getvalue(), name="items.xlsx")
    assert "Cell E2 holds a formula" in str(exc.value.errors["file"][0])
    nothing_saved(declaration)


def test_a_missing_column_is_refused(actor, declaration) -> None:
    data = b"hs_code,name,quantity\n8413602100,x,1\n"
    with pytest.raises(FileRejected) as exc:
        load(actor, declaration, data)
    assert "Missing column(s): trade_unit, currency" in str(exc.value.errors["file"][0])


def test_english_or_chinese_titles_alone_are_understood(actor, declaration) -> None:
    header = [title.en for title in COLUMN_TITLES[:9]] + [title.zh for title in COLUMN_TITLES[9:]]
    result = load(actor, declaration, csv_bytes([row()], header=header))
    assert result.ok, result.issues


# -- the target declaration -----------------------------------------------------------------------------


def test_only_a_draft_takes_items(actor, declaration) -> None:
    Declaration.objects.unscoped().filter(pk=declaration.pk).update(status=DeclarationStatus.VALIDATED)
    with pytest.raises(ValidationFailed) as exc:
        DeclarationItemImporter(actor=actor, options={"declaration": str(declaration.pk)})
    assert exc.value.errors == {"declaration": ["The declaration is Validated: items can be loaded only into a draft."]}


def test_another_enterprises_declaration_is_not_found(actor, other_enterprise, demo) -> None:
    foreign = DeclarationFactory.create(enterprise=other_enterprise)
    for value in (str(foreign.pk), "abc", ""):
        with pytest.raises(ValidationFailed) as exc:
            DeclarationItemImporter(actor=actor, options={"declaration": value})
        assert list(exc.value.errors) == ["declaration"]


def test_a_viewer_may_not_load(declaration, enterprise, make_member, make_actor) -> None:
    viewer = make_actor(make_member(enterprise, "viewer").user, enterprise)
    with pytest.raises(PermissionDenied):
        import_job_create(
            actor=viewer,
            kind="declaration_items",
            file=_upload(csv_bytes([row()])),
            options={"declaration": str(declaration.pk)},
        )


def _upload(data: bytes, name: str = "items.csv") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_a_job_runs_in_the_background_with_its_issues(actor, declaration, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(
            actor=actor,
            kind="declaration_items",
            file=_upload(csv_bytes([row(), row(currency="CHF")])),
            options={"declaration": str(declaration.pk)},
        )
    job.refresh_from_db()
    assert (job.status, job.rows, job.written, job.enterprise_id) == (
        ImportStatus.REJECTED,
        2,
        0,
        declaration.enterprise_id,
    )
    assert job.issues[0]["line"] == 3
    assert job.issues[0]["column"] == column("currency")
    nothing_saved(declaration)
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(
            actor=actor,
            kind="declaration_items",
            file=_upload(csv_bytes([row(), row()])),
            options={"declaration": str(declaration.pk)},
        )
    job.refresh_from_db()
    assert (job.status, job.written) == (ImportStatus.LOADED, 2)
    assert import_job_run(job.pk) is None  # a run happens once
    assert DeclarationItem.objects.unscoped().filter(declaration=declaration).count() == 2


def test_a_declaration_submitted_before_the_run_refuses_the_load(
    actor, declaration, django_capture_on_commit_callbacks
) -> None:
    job = import_job_create(
        actor=actor,
        kind="declaration_items",
        file=_upload(csv_bytes([row()])),
        options={"declaration": str(declaration.pk)},
    )
    Declaration.objects.unscoped().filter(pk=declaration.pk).update(status=DeclarationStatus.SUBMITTED)
    import_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.error == "The declaration is Submitted: items can be loaded only into a draft."
    nothing_saved(declaration)


def test_rows_of_the_same_goods_each_get_the_goods_error(actor, declaration) -> None:
    result = load(actor, declaration, csv_bytes([row(currency="CHF"), row(), row(currency="CHF")]))
    assert [(issue.line, issue.column) for issue in result.issues] == [(2, column("currency")), (4, column("currency"))]


def test_an_export_declaration_defaults_the_origin_to_china(actor, enterprise, demo) -> None:
    outgoing = DeclarationFactory.create(
        enterprise=enterprise, direction="export", declaration_date=dt.date(2026, 3, 2)
    )
    result = load(actor, outgoing, csv_bytes([row(origin_country="", destination_country="DEU")]))
    assert result.ok, result.issues
    item = DeclarationItem.objects.unscoped().get(declaration=outgoing)
    assert (item.origin_country, item.destination_country) == ("CHN", "DEU")


def test_a_json_file_loads_too(actor, declaration) -> None:
    import json

    data = json.dumps([{k: v for k, v in row().items() if v}], ensure_ascii=False).encode()
    result = load(actor, declaration, data, name="items.json")
    assert result.ok, result.issues
    assert DeclarationItem.objects.unscoped().get(declaration=declaration).name == "齿轮泵"


def test_one_continuation(actor, declaration, enterprise) -> None:
    from cpass.customs.services import declaration_continuation

    declaration.refresh_from_db()  # as the import holds it: read (and locked) from the database
    part = declaration_continuation(actor=actor, declaration=declaration)
    assert (part.split_from_id, part.status, part.trade_mode, part.created_by_id) == (
        declaration.pk,
        DeclarationStatus.DRAFT,
        "0110",
        actor.user.pk,
    )
    events = DeclarationEvent.objects.unscoped().filter(declaration=part).order_by("kind")
    assert [(event.kind, event.to_status, event.display_reason) for event in events] == [
        (EventKind.SPLIT, "", f"Split from {declaration.reference} (at most 50 items per declaration)"),
        (EventKind.TRANSITION, "draft", "Declaration prepared"),
    ]
    with translation.override("zh-hans"):  # told in the reader's language, whoever prepared it
        assert [event.display_reason for event in events] == [
            f"拆分自 {declaration.reference}（每份报关单最多 50 项）",
            "报关单已生成",
        ]
    logged = ObjectChange.objects.get(content_type__model="declaration", object_id=str(part.pk))
    assert logged.after == registry.snapshot(_audited(Declaration), part)
    second = declaration_continuation(actor=actor, declaration=declaration)
    assert int(second.reference.rsplit("-", 1)[1]) == int(part.reference.rsplit("-", 1)[1]) + 1
