"""The Excel export of the shipment list: same filters as the list, bilingual header, values as a person reads them."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from cpass.shipments.excel import COLUMNS
from cpass.shipments.tests.conftest import ETA
from cpass.shipments.tests.factories import GoodsLineFactory, ShipmentFactory

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows(response) -> list[dict[str, object]]:
    assert response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet = book.worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    names = [column.name for column in COLUMNS]
    return [dict(zip(names, row, strict=True)) for row in values[1:]] + [dict(zip(names, values[0], strict=True))]


@pytest.fixture
def shipments(enterprise, consignor, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    pump = ShipmentFactory.create(
        enterprise=enterprise,
        job_number="IM-2026-00001",
        port_of_loading="DEHAM",
        port_of_discharge="CNSHA",
        customs_office="0100",
        package_type="06",
        package_count=12,
        gross_weight_kg=Decimal("950.5000"),
        consignor=consignor,
        eta=ETA,
    )
    GoodsLineFactory.create_batch(2, enterprise=enterprise, shipment=pump)
    ShipmentFactory.create(enterprise=enterprise, job_number="EX-2026-00001", direction="export")
    ShipmentFactory.create(job_number="HIDDEN-JOB")
    return pump


def test_the_page_exports_the_filtered_list(login, owner, shipments):
    response = login(owner).get(reverse("shipments:export"), {"direction": "import"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="shipments-')
    *found, header = rows(response)
    assert (header["job_number"], header["eta"], header["package_count"]) == (
        "工作单号 / Job number",
        "预计到港时间 / ETA",
        "件数 / Number of packages",
    )
    assert len(found) == 1
    row = found[0]
    assert (row["job_number"], row["direction"], row["status"], row["consignor"]) == (
        "IM-2026-00001",
        "Import",
        "Draft",
        "Hamburg Maschinenbau GmbH",
    )
    assert (row["customs_office"], row["package_type"], row["package_count"], row["gross_weight_kg"]) == (
        "0100",
        "06",
        12,
        950.5,
    )
    assert (row["goods_line_count"], row["eta"], row["ata"], row["voyage"]) == (
        2,
        dt.datetime(2026, 3, 20, 16, 0),  # noqa: DTZ001 - Excel's wall-clock time in Asia/Shanghai
        None,
        None,
    )


def test_the_page_export_speaks_chinese_and_refuses_bad_filters(login, owner, shipments):
    client = login(owner)
    *found, _header = rows(client.get(reverse("shipments:export"), HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert sorted((row["job_number"], row["direction"]) for row in found) == [
        ("EX-2026-00001", "出口"),
        ("IM-2026-00001", "进口"),
    ]
    bad = client.get(reverse("shipments:export"), {"port": "HAMB1"})
    assert (bad.status_code, bad["Location"]) == (302, reverse("shipments:list") + "?port=HAMB1")
    listed = client.get(reverse("shipments:list"), {"direction": "export"}).content.decode()
    assert f'href="{reverse("shipments:export")}?direction=export"' in listed


def test_the_api_exports_with_the_list_filters(login, owner, other_enterprise, make_member, shipments):
    client = login(owner)
    *found, _header = rows(client.get("/api/v1/shipments/export.xlsx", {"port": "CNSHA"}))
    assert [row["job_number"] for row in found] == ["IM-2026-00001"]
    bad = client.get("/api/v1/shipments/export.xlsx", {"status": "lost"})
    assert (bad.status_code, bad["Content-Type"]) == (422, "application/problem+json")
    assert [e["field"] for e in bad.json()["errors"]] == ["status"]
    stranger = login(make_member(other_enterprise, "operator").user)
    assert rows(stranger.get("/api/v1/shipments/export.xlsx"))[:-1] == []
    assert Client().get("/api/v1/shipments/export.xlsx").status_code == 401
