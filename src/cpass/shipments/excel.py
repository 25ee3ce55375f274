"""The shipment list as an Excel file: the filtered list, one row per shipment, under a bilingual header.

openpyxl's write-only mode writes rows as they come from a chunked database iterator into a spooled
temporary file, so memory stays flat however many shipments the filters match.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from cpass.core.numbers import plain
from cpass.shipments.models import Shipment

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DCE8F5")
_CHUNK = 2000


@dataclass(frozen=True)
class ExportColumn:
    name: str
    zh: str
    en: str
    width: int = 14

    @property
    def title(self) -> str:
        """Chinese first, as the customs forms write it, then English."""
        return f"{self.zh} / {self.en}"


#: The columns in file order. Times are in the server's time zone (CPASS time zone setting), without offset.
COLUMNS = (
    ExportColumn("job_number", "工作单号", "Job number", 16),
    ExportColumn("direction", "进出口", "Direction", 10),
    ExportColumn("status", "状态", "Status", 12),
    ExportColumn("enterprise", "所属企业", "Owner enterprise", 24),
    ExportColumn("handling_partner", "代理企业", "Handling partner", 24),
    ExportColumn("customer_reference", "客户参考号", "Customer reference", 18),
    ExportColumn("contract_number", "合同协议号", "Contract number", 18),
    ExportColumn("house_bill", "分提运单号", "House B/L or AWB", 18),
    ExportColumn("master_bill", "主提运单号", "Master B/L or AWB", 18),
    ExportColumn("consignor", "发货人", "Consignor", 24),
    ExportColumn("consignee", "收货人", "Consignee", 24),
    ExportColumn("incoterm", "贸易术语", "Incoterm", 10),
    ExportColumn("incoterm_place", "指定地点", "Incoterm named place", 16),
    ExportColumn("transport_mode", "运输方式", "Transport mode", 10),
    ExportColumn("port_of_loading", "装货港", "Port of loading", 10),
    ExportColumn("port_of_discharge", "卸货港", "Port of discharge", 10),
    ExportColumn("customs_office", "申报地海关", "Customs office", 10),
    ExportColumn("vessel_name", "运输工具名称", "Vessel", 18),
    ExportColumn("imo_number", "IMO编号", "IMO number", 10),
    ExportColumn("voyage", "航次号", "Voyage or flight", 12),
    ExportColumn("package_type", "包装种类", "Package type", 10),
    ExportColumn("package_count", "件数", "Number of packages", 10),
    ExportColumn("gross_weight_kg", "毛重(千克)", "Gross weight (kg)", 12),
    ExportColumn("goods_line_count", "货物行数", "Goods lines", 10),
    ExportColumn("etd", "预计离港时间", "ETD", 17),
    ExportColumn("eta", "预计到港时间", "ETA", 17),
    ExportColumn("atd", "实际离港时间", "ATD", 17),
    ExportColumn("ata", "实际到港时间", "ATA", 17),
    ExportColumn("created_at", "创建时间", "Created", 17),
)
#: Codes stay text, so Excel keeps their leading zeros (package type 06, customs office 0100).
_TEXT = frozenset(
    {"job_number", "customer_reference", "contract_number", "house_bill", "master_bill", "transport_mode"}
    | {"customs_office", "imo_number", "voyage", "package_type", "port_of_loading", "port_of_discharge"}
)
_MOMENTS = frozenset({"etd", "eta", "atd", "ata", "created_at"})


def _value(shipment: Shipment, name: str) -> Any:
    if name == "direction":
        return shipment.get_direction_display()
    if name == "status":
        return shipment.get_status_display()
    if name == "enterprise":
        return shipment.enterprise.name
    if name == "handling_partner":
        return shipment.handling_partner.name if shipment.handling_partner is not None else None
    if name in ("consignor", "consignee"):
        party = getattr(shipment, name)
        return party.name_local if party is not None else None
    value = getattr(shipment, name)
    if isinstance(value, dt.datetime):
        # Excel has no time zones: the local wall-clock time, to the minute.
        return timezone.localtime(value).replace(tzinfo=None, second=0, microsecond=0)
    if isinstance(value, Decimal):
        return plain(value)
    return None if value == "" else value


def _cell(sheet: Any, name: str, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if name in _TEXT:
        cell.number_format = "@"
    elif name in _MOMENTS and value is not None:
        cell.number_format = "yyyy-mm-dd hh:mm"
    return cell


def export_workbook(shipments: QuerySet[Shipment]) -> IO[bytes]:
    """The shipments (already filtered and scoped) as an XLSX file, rewound for reading."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Shipments"))
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "B2"
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.title)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        header.append(cell)
    sheet.append(header)
    rows = shipments.select_related("enterprise", "consignor", "consignee").annotate(
        goods_line_count=Count("goods_lines")
    )
    for shipment in rows.iterator(chunk_size=_CHUNK):
        sheet.append([_cell(sheet, column.name, _value(shipment, column.name)) for column in COLUMNS])
    out = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115 - handed to the response
    book.save(out)
    out.seek(0)
    return out


def export_filename() -> str:
    return f"shipments-{timezone.localdate().isoformat()}.xlsx"
