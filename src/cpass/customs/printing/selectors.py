"""Reads behind the printed documents: a declaration draft (报关单草单) with its duty and tax page, and a
shipment's commercial invoice (商业发票) and packing list (装箱单).

Each builder reads through tenancy (another enterprise's object is NotFound) and returns display-ready
values: codes with their names from the reference tables in the active language, numbers formatted,
parties in the document's language. The render functions call them inside `translation.override`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cpass.core.actor import Actor
from cpass.core.errors import NotFound, ServiceError
from cpass.customs import selectors as customs_selectors
from cpass.customs.choices import DeclarationStatus
from cpass.customs.duty import DeclarationResult, Figure
from cpass.customs.models import Declaration, DeclarationDocument, DeclarationItem
from cpass.organizations.models import Enterprise
from cpass.parties.models import Party
from cpass.places.models import Location
from cpass.reference.selectors import code_entry
from cpass.reference.tables import Table
from cpass.shipments import selectors as shipment_selectors
from cpass.shipments.choices import Direction
from cpass.shipments.models import Container, GoodsLine, Shipment

Label = str | Promise
DASH = "—"
#: Statuses whose print is customs' record, not a draft: no watermark from acceptance on.
ACCEPTED = frozenset(
    {
        DeclarationStatus.ACCEPTED,
        DeclarationStatus.INSPECTION,
        DeclarationStatus.ASSESSED,
        DeclarationStatus.PAID,
        DeclarationStatus.RELEASED,
        DeclarationStatus.CLOSED,
    }
)
#: Bilingual on purpose: the mark must be read by anyone holding the paper, whatever its language.
WATERMARK_DRAFT = "DRAFT / 草稿"
WATERMARK_CANCELLED = "CANCELLED / 已作废"


# -- formatting ---------------------------------------------------------------------------------


def chinese() -> bool:
    return (get_language() or "en").lower().startswith("zh")


def money(value: Decimal | None) -> str:
    """12000 → "12,000.00"; None → ""."""
    if value is None:
        return ""
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


def quantity(value: Decimal | None) -> str:
    """10.0000 → "10", 1234.5000 → "1,234.5"; None → ""."""
    if value is None:
        return ""
    text = f"{value:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def price(value: Decimal | None) -> str:
    """A unit price: at least 2 and at most 4 decimals (1200 → "1,200.00", 1.23456 → "1.2346")."""
    if value is None:
        return ""
    text = f"{value.quantize(Decimal('0.0001'), rounding=ROUND_HALF_UP):,.4f}"
    whole, decimals = text.split(".")
    return f"{whole}.{decimals.rstrip('0').ljust(2, '0')}"


def day(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else ""


def coded(table: Table, code: str, on: dt.date) -> str:
    """ "0110 一般贸易": the code and its name in the active language; the code alone when the table lacks it."""
    if not code:
        return ""
    entry = code_entry(table, code, on=on)
    return f"{code} {entry.name}" if entry is not None else code


def name_of(table: Table, code: str, on: dt.date) -> str:
    """The name alone ("台", "Set (machine)"); the code when the table lacks it."""
    if not code:
        return ""
    entry = code_entry(table, code, on=on)
    return entry.name if entry is not None else code


def join(*parts: str, sep: str = " ") -> str:
    return sep.join(part for part in parts if part)


class Ports:
    """UN/LOCODE names of the ports a document names, read in one query."""

    def __init__(self, codes: Iterable[str]) -> None:
        wanted = {code for code in codes if code}
        self.names = dict(Location.objects.filter(unlocode__in=wanted).values_list("unlocode", "name"))

    def __call__(self, code: str) -> str:
        return join(code, self.names.get(code, "")) if code else ""


# -- letterhead -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Letterhead:
    """Who prints it and when: the enterprise's name, address, USCC and logo, the time in its zone."""

    name: str
    address: str
    uscc: str
    logo: Path | None
    generated_at: str
    date: str
    language: str


def letterhead(enterprise: Enterprise) -> Letterhead:
    # Enterprises have no time zone of their own yet: the platform's (CPASS_TIME_ZONE) is theirs.
    zone = ZoneInfo(settings.TIME_ZONE)
    now = timezone.localtime(timezone.now(), zone)
    logo = None
    if enterprise.logo:
        path = Path(enterprise.logo.path)
        logo = path if path.is_file() else None
    name = enterprise.name if chinese() else (enterprise.name_en or enterprise.name)
    return Letterhead(
        name=name,
        address=enterprise.address,
        uscc=enterprise.uscc,
        logo=logo,
        generated_at=f"{now:%Y-%m-%d %H:%M} ({settings.TIME_ZONE})",
        date=now.date().isoformat(),
        language="zh-Hans" if chinese() else "en",
    )


# -- parties ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyBlock:
    """A party as a document shows it: name and address in the document's language, country, identifiers."""

    name: str
    address: str = ""
    country: str = ""
    identifiers: tuple[str, ...] = ()

    @property
    def lines(self) -> list[str]:
        return [line for line in (self.name, self.address, self.country, *self.identifiers) if line]


def party_block(party: Party | None, on: dt.date) -> PartyBlock | None:
    if party is None:
        return None
    local = chinese()
    name = party.name_local if local else (party.name_en or party.name_local)
    address = party.address_local if local else (party.address_en or party.address_local)
    address = join(address, party.city, party.postcode, sep=", ")
    identifiers = []
    if party.uscc:
        identifiers.append(f"{_('USCC')} {party.uscc}")
    if party.customs_code:
        identifiers.append(f"{_('Customs code')} {party.customs_code}")
    if party.eori:
        identifiers.append(f"EORI {party.eori}")
    return PartyBlock(
        name=name,
        address=address,
        country=name_of(Table.COUNTRY, party.country, on),
        identifiers=tuple(identifiers),
    )


def enterprise_block(enterprise: Enterprise) -> PartyBlock:
    name = enterprise.name if chinese() else (enterprise.name_en or enterprise.name)
    return PartyBlock(name=name, address=enterprise.address, identifiers=(f"{_('USCC')} {enterprise.uscc}",))


# -- the declaration draft ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One box of the form: its label, its lines of text, and its share of the row's width (percent)."""

    label: Label
    lines: tuple[str, ...]
    width: float = 0.0
    mono: bool = False


def _cell(label: Label, *lines: str, span: int = 1, mono: bool = False) -> tuple[Label, tuple[str, ...], int, bool]:
    return (label, tuple(line for line in lines if line), span, mono)


def _row(*cells: tuple[Label, tuple[str, ...], int, bool]) -> list[Cell]:
    total = sum(span for _label, _lines, span, _mono in cells)
    return [
        Cell(label=label, lines=lines, width=round(100 * span / total, 3), mono=mono)
        for label, lines, span, mono in cells
    ]


@dataclass(frozen=True)
class DraftItem:
    """One item row of the form (项号 … 征免); quantities are three lines: trade, first and second legal."""

    number: int
    hs_code: str
    name: str
    specification: str
    quantities: tuple[str, str, str]
    prices: tuple[str, str, str]
    origin: str
    destination: str
    domestic_area: str
    duty_mode: str


@dataclass(frozen=True)
class FigureView:
    """One figure of the trace. Rounding rules, long reasons and legal bases, which repeat from item to item,
    are numbered notes printed once under the page (`notes` holds their numbers)."""

    label: str
    amount: str
    currency: str
    formula: str
    working: str
    rate: str
    reason: str
    notes: tuple[int, ...] = ()


class Notes:
    """Numbered notes: each distinct text gets one number, in the order first met."""

    #: Reasons at most this long are printed in place; longer ones become notes.
    INLINE = 90

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def add(self, text: str) -> int:
        return self.numbers.setdefault(text, len(self.numbers) + 1)

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(self.numbers)


@dataclass(frozen=True)
class DutyItem:
    number: str
    code: str
    name: str
    dutiable_value: str
    duty: str
    consumption_tax: str
    vat: str
    landed_cost: str
    exempt: bool
    figures: tuple[FigureView, ...]


@dataclass(frozen=True)
class DutyTax:
    label: str
    assessed: str
    payable: str
    exempt: bool
    working: str
    legal_basis: str


@dataclass(frozen=True)
class DutyPage:
    """The duty and tax page: the figures with their traces, or why they cannot be given."""

    currency: str = ""
    items: tuple[DutyItem, ...] = ()
    taxes: tuple[DutyTax, ...] = ()
    dutiable_value: str = ""
    total_payable: str = ""
    landed_cost: str = ""
    #: Figures of the whole calculation (the rounding rule).
    general: tuple[FigureView, ...] = ()
    #: The numbered notes (reasons and legal bases), note 1 first.
    notes: tuple[str, ...] = ()
    #: The legal bases of the declaration's tax totals, each once (they share the exemption's).
    tax_bases: tuple[str, ...] = ()
    #: Set when the calculation was refused: its message and the fields it named.
    problem: str = ""
    problem_fields: tuple[str, ...] = ()
    export: bool = False


@dataclass(frozen=True)
class DeclarationDraft:
    letterhead: Letterhead
    title: Label
    reference: str
    status: str
    watermark: str
    rows: list[list[Cell]]
    items: list[DraftItem]
    footer: list[Cell]
    duty: DutyPage
    filename: str
    labels: dict[str, Label] = field(default_factory=dict)


_IMPORT_LABELS: dict[str, Label] = {
    "title": _("Customs import declaration of the People's Republic of China"),
    "domestic_trader": _("Domestic consignee"),
    "entry_exit_customs": _("Customs office of entry"),
    "import_export_date": _("Import date"),
    "overseas_trader": _("Overseas consignor"),
    "consumer_producer": _("Consumer unit"),
    "departure_port": _("Port of departure"),
    "departure_country": _("Country of departure"),
    "entry_exit_port": _("Port of entry"),
    "domestic_area": _("Domestic destination"),
}
_EXPORT_LABELS: dict[str, Label] = {
    "title": _("Customs export declaration of the People's Republic of China"),
    "domestic_trader": _("Domestic consignor"),
    "entry_exit_customs": _("Customs office of exit"),
    "import_export_date": _("Export date"),
    "overseas_trader": _("Overseas consignee"),
    "consumer_producer": _("Producer/seller unit"),
    "departure_port": _("Port of destination"),
    "departure_country": _("Country of destination"),
    "entry_exit_port": _("Port of exit"),
    "domestic_area": _("Domestic source"),
}


def declaration_for_print(*, actor: Actor, declaration_id: int) -> Declaration:
    """The declaration with its parties, or NotFound when the actor may not read it."""
    declaration = (
        Declaration.objects.for_actor(actor, "read")
        .select_related(
            "enterprise", "shipment", "domestic_trader", "overseas_trader", "consumer_producer", "declarant"
        )
        .filter(pk=declaration_id)
        .first()
    )
    if declaration is None:
        raise NotFound(_("No such declaration, or you have no access to it."))
    return declaration


def _charge(mode: str, value: Decimal | None, currency: str) -> str:
    if not mode or value is None:
        return ""
    if mode == "rate":
        return f"{quantity(value)} %"
    if mode == "unit":
        return str(_("%(amount)s %(currency)s per unit") % {"amount": price(value), "currency": currency})
    return join(money(value), currency)


def _confirmation(declaration: Declaration, name: str) -> str:
    value = getattr(declaration, name)
    return str(getattr(declaration, f"get_{name}_display")()) if value else ""


def _header(
    actor: Actor, declaration: Declaration, on: dt.date, labels: dict[str, Label], ports: Ports
) -> list[list[Cell]]:
    d = declaration
    documents = DeclarationDocument.objects.for_actor(actor, "read").filter(declaration=d).order_by("code", "number")
    # Containers belong to the shipments module; these are the ones this declaration (read through tenancy) names.
    containers = Container.objects.unscoped().filter(declarations=d).order_by("number")
    domestic = party_block(d.domestic_trader, on)
    overseas = party_block(d.overseas_trader, on)
    consumer = party_block(d.consumer_producer, on)
    return [
        _row(
            _cell(_("Pre-entry number"), d.pre_entry_number or DASH, span=2, mono=True),
            _cell(_("Customs entry number"), d.entry_number or DASH, span=2, mono=True),
            _cell(_("Declaring customs office"), coded(Table.CUSTOMS_OFFICE, d.declaring_customs, on), span=2),
        ),
        _row(
            _cell(labels["domestic_trader"], *(domestic.lines if domestic else ()), span=2),
            _cell(labels["entry_exit_customs"], coded(Table.CUSTOMS_OFFICE, d.entry_exit_customs, on)),
            _cell(labels["import_export_date"], day(d.import_export_date)),
            _cell(_("Declaration date"), day(d.declaration_date)),
            _cell(_("Record number"), d.record_number),
        ),
        _row(
            _cell(labels["overseas_trader"], *(overseas.lines[:2] if overseas else ()), span=2),
            _cell(_("Transport mode"), coded(Table.TRANSPORT_MODE, d.transport_mode, on)),
            _cell(_("Means of transport and voyage"), join(d.vessel_name, d.voyage, sep=" / ")),
            _cell(_("Bill of lading / waybill"), d.bill_number, mono=True),
            _cell(_("Goods location"), d.goods_location),
        ),
        _row(
            _cell(labels["consumer_producer"], *(consumer.lines if consumer else ()), span=2),
            _cell(_("Trade mode"), coded(Table.TRADE_MODE, d.trade_mode, on)),
            _cell(_("Levy nature"), coded(Table.LEVY_NATURE, d.levy_nature, on)),
            _cell(_("Licence number"), d.licence_number),
            _cell(labels["departure_port"], ports(d.departure_port)),
        ),
        _row(
            _cell(_("Contract or agreement number"), d.contract_number, span=2),
            _cell(_("Trading country"), coded(Table.COUNTRY, d.trade_country, on)),
            _cell(labels["departure_country"], coded(Table.COUNTRY, d.departure_country, on)),
            _cell(_("Port of call"), ports(d.stop_port)),
            _cell(labels["entry_exit_port"], coded(Table.DOMESTIC_PORT, d.entry_exit_port, on)),
        ),
        _row(
            _cell(_("Package type"), coded(Table.PACKAGE_TYPE, d.package_type, on), span=2),
            _cell(_("Number of packages"), str(d.package_count) if d.package_count is not None else ""),
            _cell(_("Gross weight (kg)"), quantity(d.gross_weight_kg)),
            _cell(_("Net weight (kg)"), quantity(d.net_weight_kg)),
            _cell(_("Transaction terms"), coded(Table.TRANSACTION_TERMS, d.transaction_terms, on)),
            _cell(_("Freight"), _charge(d.freight_mode, d.freight_value, d.freight_currency)),
            _cell(_("Insurance"), _charge(d.insurance_mode, d.insurance_value, d.insurance_currency)),
            _cell(_("Other charges"), _charge(d.other_mode, d.other_value, d.other_currency)),
        ),
        _row(
            _cell(
                _("Accompanying documents"),
                "; ".join(f"{coded(Table.DOCUMENT_TYPE, doc.code, on)}: {doc.number}" for doc in documents),
            )
        ),
        _row(
            _cell(
                _("Marks and remarks"),
                d.marks_and_remarks,
                join(
                    *(
                        f"{c.number} ({name_of(Table.CONTAINER_TYPE, c.size_type, on)})" if c.size_type else c.number
                        for c in containers
                    ),
                    sep="; ",
                ),
            )
        ),
    ]


def _items(items: Sequence[DeclarationItem], on: dt.date) -> list[DraftItem]:
    rows = []
    for item in items:
        rows.append(
            DraftItem(
                number=item.item_number,
                hs_code=item.hs_code,
                name=item.name,
                specification=item.specification,
                quantities=(
                    join(quantity(item.quantity), name_of(Table.UNIT, item.trade_unit, on)),
                    join(quantity(item.legal_quantity_1), name_of(Table.UNIT, item.legal_unit_1, on)),
                    join(quantity(item.legal_quantity_2), name_of(Table.UNIT, item.legal_unit_2, on)),
                ),
                prices=(price(item.unit_price), money(item.total_price), coded(Table.CURRENCY, item.currency, on)),
                origin=coded(Table.COUNTRY, item.origin_country, on),
                destination=coded(Table.COUNTRY, item.destination_country, on),
                domestic_area=coded(Table.DOMESTIC_AREA, item.domestic_area, on),
                duty_mode=coded(Table.DUTY_MODE, item.duty_mode, on),
            )
        )
    return rows


def _figure(figure: Figure, notes: Notes) -> FigureView:
    """A figure for print; its rounding rule, a long reason and its legal basis become numbered notes."""
    language = get_language()
    refs = []
    reason = figure.reason
    if len(reason) > Notes.INLINE:
        refs.append(notes.add(reason))
        reason = ""
    if figure.rounding:
        refs.append(notes.add(figure.rounding.text(language)))
    if figure.legal_basis:
        refs.append(notes.add(figure.legal_basis.text(language)))
    return FigureView(
        label=figure.label.text(language),
        amount=money(figure.amount),
        currency=figure.currency,
        formula=figure.formula.text(language),
        working=figure.working,
        rate=figure.rate,
        reason=reason,
        notes=tuple(refs),
    )


def duty_page(result: DeclarationResult, items: Sequence[DeclarationItem]) -> DutyPage:
    """The calculation's figures for print. `ItemResult.index` is the item's position in item-number order."""
    language = get_language()
    notes = Notes()
    rows = []
    for entry in result.items:
        source = items[entry.index] if 0 <= entry.index < len(items) else None
        exempt = (entry.duty_payable, entry.consumption_tax_payable, entry.vat_payable) != (
            entry.duty,
            entry.consumption_tax,
            entry.vat,
        )
        rows.append(
            DutyItem(
                number=str(source.item_number) if source else str(entry.index + 1),
                code=entry.code,
                name=source.name if source else "",
                dutiable_value=money(entry.dutiable_value),
                duty=money(entry.duty_payable),
                consumption_tax=money(entry.consumption_tax_payable),
                vat=money(entry.vat_payable),
                landed_cost=money(entry.landed_cost),
                exempt=exempt,
                figures=tuple(_figure(figure, notes) for figure in entry.figures),
            )
        )
    taxes = tuple(
        DutyTax(
            label=tax.label.text(language),
            assessed=money(tax.assessed),
            payable=money(tax.payable),
            exempt=tax.exempt,
            working=tax.figure.working,
            legal_basis=tax.figure.legal_basis.text(language) if tax.figure.legal_basis else "",
        )
        for tax in result.taxes
    )
    bases = tuple(dict.fromkeys(tax.legal_basis for tax in taxes if tax.legal_basis))
    general = tuple(_figure(figure, notes) for figure in result.figures)
    return DutyPage(
        currency=result.currency,
        items=tuple(rows),
        taxes=taxes,
        dutiable_value=money(result.dutiable_value),
        total_payable=money(result.total_payable),
        landed_cost=money(result.landed_cost),
        general=general,
        notes=notes.texts,
        tax_bases=bases,
        export=result.direction == Direction.EXPORT,
    )


def _duty(actor: Actor, declaration: Declaration, items: Sequence[DeclarationItem]) -> DutyPage:
    """The calculation, or the reason it cannot be made (a missing input, a missing rate): never an error."""
    try:
        result = customs_selectors.declaration_calculation(actor=actor, declaration_id=declaration.pk)
    except ServiceError as exc:
        fields = tuple(f"{name}: {message}" for name, messages in exc.errors.items() for message in messages if name)
        return DutyPage(problem=str(exc.detail), problem_fields=fields)
    return duty_page(result, items)


def declaration_draft(*, actor: Actor, declaration_id: int) -> DeclarationDraft:
    """Everything the declaration draft prints, in the active language."""
    declaration = declaration_for_print(actor=actor, declaration_id=declaration_id)
    on = declaration.declaration_date or declaration.import_export_date or timezone.localdate()
    labels = _IMPORT_LABELS if declaration.direction == Direction.IMPORT else _EXPORT_LABELS
    items = list(
        DeclarationItem.objects.for_actor(actor, "read").filter(declaration=declaration).order_by("item_number")
    )
    ports = Ports([declaration.departure_port, declaration.stop_port])
    if declaration.status in ACCEPTED:
        watermark = ""
    elif declaration.status == DeclarationStatus.CANCELLED:
        watermark = WATERMARK_CANCELLED
    else:
        watermark = WATERMARK_DRAFT
    declarant = party_block(declaration.declarant, on)
    footer = _row(
        _cell(_("Declarant"), *(declarant.lines if declarant else ())),
        _cell(_("Special relationship"), _confirmation(declaration, "related_party")),
        _cell(_("Price influence"), _confirmation(declaration, "price_influence")),
        _cell(_("Royalty payment"), _confirmation(declaration, "royalty_payment")),
        _cell(_("Self-assessment"), str(_("Yes") if declaration.self_assessment else _("No"))),
    )
    return DeclarationDraft(
        letterhead=letterhead(declaration.enterprise),
        title=labels["title"],
        reference=declaration.reference,
        status=str(declaration.get_status_display()),
        watermark=watermark,
        rows=_header(actor, declaration, on, labels, ports),
        items=_items(items, on),
        footer=footer,
        duty=_duty(actor, declaration, items),
        filename=f"{declaration.reference}-draft.pdf",
        labels=labels,
    )


# -- shipment documents: commercial invoice and packing list --------------------------------------------


@dataclass(frozen=True)
class InvoiceLine:
    number: int
    description: str
    hs_code: str
    origin: str
    quantity: str
    unit: str
    unit_value: str
    amount: str
    currency: str
    net_kg: str
    gross_kg: str
    containers: str


@dataclass(frozen=True)
class Total:
    currency: str
    amount: str


@dataclass(frozen=True)
class ContainerView:
    number: str
    size_type: str
    seals: str
    tare_kg: str
    vgm_kg: str
    contents: tuple[str, ...]


@dataclass(frozen=True)
class ShipmentPaper:
    """What the commercial invoice and the packing list print of a shipment."""

    letterhead: Letterhead
    number: str
    date: str
    customer_reference: str
    contract_number: str
    seller: PartyBlock | None
    buyer: PartyBlock | None
    notify: PartyBlock | None
    terms: str
    transport: list[tuple[Label, str]]
    lines: list[InvoiceLine]
    totals: list[Total]
    packages: str
    gross_weight: str
    net_total: str
    gross_total: str
    containers: list[ContainerView]
    basename: str


def _unit_value(line: GoodsLine) -> str:
    if line.value is None or not line.quantity:
        return ""
    return price(line.value / line.quantity)


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    known = [value for value in values if value is not None]
    return sum(known, Decimal(0)) if known else None


def shipment_paper(*, actor: Actor, shipment_id: int) -> ShipmentPaper:
    """The shipment with goods, containers and what is in them, ready for the invoice and the packing list.

    Seller and buyer are the consignor and the consignee; when one is missing, the enterprise itself stands
    in on its own side: the buyer of an import, the seller of an export. The invoice number is the job number.
    """
    shipment: Shipment = shipment_selectors.shipment_get(actor=actor, shipment_id=shipment_id)
    goods = list(shipment_selectors.goods_lines(actor=actor, shipment=shipment))
    containers = list(shipment_selectors.containers(actor=actor, shipment=shipment))
    on = shipment.tariff_date
    imports = shipment.direction == Direction.IMPORT
    seller = party_block(shipment.consignor, on) or (None if imports else enterprise_block(shipment.enterprise))
    buyer = party_block(shipment.consignee, on) or (enterprise_block(shipment.enterprise) if imports else None)
    ports = Ports([shipment.port_of_loading, shipment.port_of_discharge])
    in_containers: dict[int, list[str]] = {}
    views = []
    for container in containers:
        contents = []
        for load in container.loads.all():
            line = load.goods_line
            in_containers.setdefault(line.pk, []).append(container.number)
            amount = join(quantity(load.quantity), name_of(Table.UNIT, line.trade_unit, on)) if load.quantity else ""
            contents.append(join(f"{line.line_number}.", line.description, f"({amount})" if amount else ""))
        views.append(
            ContainerView(
                number=container.number,
                size_type=coded(Table.CONTAINER_TYPE, container.size_type, on),
                seals=", ".join(str(seal) for seal in container.seals or []),
                tare_kg=quantity(container.tare_kg),
                vgm_kg=quantity(container.vgm_kg),
                contents=tuple(contents),
            )
        )
    lines = [
        InvoiceLine(
            number=line.line_number,
            description=line.description,
            hs_code=line.hs_code,
            origin=name_of(Table.COUNTRY, line.origin_country, on),
            quantity=quantity(line.quantity),
            unit=name_of(Table.UNIT, line.trade_unit, on),
            unit_value=_unit_value(line),
            amount=money(line.value),
            currency=line.currency,
            net_kg=quantity(line.net_weight_kg),
            gross_kg=quantity(line.gross_weight_kg),
            containers=", ".join(in_containers.get(line.pk, [])),
        )
        for line in goods
    ]
    by_currency: dict[str, Decimal] = {}
    for line in goods:
        if line.value is not None and line.currency:
            by_currency[line.currency] = by_currency.get(line.currency, Decimal(0)) + line.value
    terms = join(shipment.incoterm, shipment.incoterm_place)
    vessel = join(shipment.vessel_name, f"IMO {shipment.imo_number}" if shipment.imo_number else "")
    transport: list[tuple[Label, str]] = [
        (_("Transport mode"), coded(Table.TRANSPORT_MODE, shipment.transport_mode, on)),
        (_("Vessel / flight"), join(vessel, shipment.voyage, sep=" / ")),
        (_("Port of loading"), ports(shipment.port_of_loading)),
        (_("Port of discharge"), ports(shipment.port_of_discharge)),
        (_("Bill of lading / waybill"), join(shipment.master_bill, shipment.house_bill, sep=" / ")),
        (_("ETD"), day(timezone.localdate(shipment.etd)) if shipment.etd else ""),
        (_("ETA"), day(timezone.localdate(shipment.eta)) if shipment.eta else ""),
    ]
    head = letterhead(shipment.enterprise)
    return ShipmentPaper(
        letterhead=head,
        number=shipment.job_number,
        date=head.date,
        customer_reference=shipment.customer_reference,
        contract_number=shipment.contract_number,
        seller=seller,
        buyer=buyer,
        notify=party_block(shipment.notify_party, on),
        terms=terms,
        transport=[(label, value) for label, value in transport if value],
        lines=lines,
        totals=[Total(currency=code, amount=money(amount)) for code, amount in sorted(by_currency.items())],
        packages=join(
            str(shipment.package_count) if shipment.package_count is not None else "",
            name_of(Table.PACKAGE_TYPE, shipment.package_type, on),
        ),
        gross_weight=quantity(shipment.gross_weight_kg),
        net_total=quantity(_sum(line.net_weight_kg for line in goods)),
        gross_total=quantity(_sum(line.gross_weight_kg for line in goods)),
        containers=views,
        basename=shipment.job_number,
    )
