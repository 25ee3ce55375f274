"""The printed documents: what the declaration draft, the commercial invoice and the packing list say in English
and Chinese (read from the HTML WeasyPrint is given), that the PDF is a PDF with the expected pages and the
bundled CJK font, the duty page's fallback when the calculation is refused, and the missing-Pango path.

`declaration_calculation` is the lead's (cpass.customs.selectors); until it lands these tests put in a local
stand-in that runs the real duty engine on the declaration's items (`calculation` fixture).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from decimal import Decimal
from html import unescape
from typing import Any

import factory
import pytest

from cpass.core.actor import Actor
from cpass.core.errors import NotFound, ValidationFailed
from cpass.customs import selectors as customs_selectors
from cpass.customs.choices import DeclarationStatus
from cpass.customs.duty import DeclarationResult
from cpass.customs.models import Declaration, DeclarationItem
from cpass.customs.printing import pdf as pdf_module
from cpass.customs.printing import render
from cpass.customs.printing.selectors import money, price, quantity
from cpass.customs.tests.factories import DeclarationDocumentFactory, DeclarationFactory, DeclarationItemFactory
from cpass.organizations.models import Enterprise
from cpass.parties.tests.factories import PartyFactory
from cpass.places.models import Location
from cpass.shipments.choices import Direction, Incoterm
from cpass.shipments.models import Shipment
from cpass.shipments.tests.factories import ContainerFactory, ContainerLoadFactory, GoodsLineFactory, ShipmentFactory

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    """The visible text of the HTML, whitespace collapsed (what a reader of the PDF sees)."""
    body = html.split("<body>", 1)[1]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()


# -- fixtures ----------------------------------------------------------------------------------------


@pytest.fixture
def actor(owner, enterprise: Enterprise, make_actor: Callable[..., Actor]) -> Actor:
    return make_actor(owner, enterprise)


@pytest.fixture
def calculation(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The lead's `declaration_calculation`, watched: returns the ids the document asked it for."""
    asked: list[int] = []
    real = customs_selectors.declaration_calculation

    def declaration_calculation(*, actor: Actor, declaration_id: int) -> DeclarationResult:
        asked.append(declaration_id)
        return real(actor=actor, declaration_id=declaration_id)

    monkeypatch.setattr(customs_selectors, "declaration_calculation", declaration_calculation)
    return asked


@pytest.fixture
def declaration(enterprise: Enterprise, demo: None) -> Declaration:
    consignee = PartyFactory.create(
        enterprise=enterprise,
        name_local="上海贸易有限公司",
        name_en="Shanghai Trading Co., Ltd.",
        country="CHN",
        uscc="91310000MA1FL0LW4X",
    )
    supplier = PartyFactory.create(
        enterprise=enterprise, name_local="Pumpenwerk Hamburg GmbH", country="DEU", address_local="Elbchaussee 1"
    )
    Location.objects.get_or_create(unlocode="DEHAM", defaults={"country": "DE", "name": "Hamburg"})
    shipment = ShipmentFactory.create(enterprise=enterprise, direction=Direction.IMPORT)
    container = ContainerFactory.create(enterprise=enterprise, shipment=shipment, number="MSCU1234566")
    declaration = DeclarationFactory.create(
        enterprise=enterprise,
        shipment=shipment,
        reference="DC-2026-00042",
        domestic_trader=consignee,
        overseas_trader=supplier,
        consumer_producer=consignee,
        departure_port="DEHAM",
        bill_number="MEDUHH123456",
        vessel_name="MSC OSCAR",
        voyage="FE612W",
        freight_mode="total",
        freight_value=Decimal("1500"),
        freight_currency="EUR",
        marks_and_remarks="N/M",
    )
    declaration.containers.add(container)
    DeclarationDocumentFactory.create(enterprise=enterprise, declaration=declaration, code="Y", number="CO20260001")
    DeclarationItemFactory.create(
        enterprise=enterprise,
        declaration=declaration,
        item_number=1,
        specification="0|0|齿轮泵|用于输送液体|无品牌|GP-40",
    )
    return declaration


@pytest.fixture
def shipment(enterprise: Enterprise) -> Shipment:
    seller = PartyFactory.create(
        enterprise=enterprise,
        name_local="Pumpenwerk Hamburg GmbH",
        name_en="Pumpenwerk Hamburg GmbH",
        country="DEU",
        address_local="Elbchaussee 1",
        city="Hamburg",
    )
    buyer = PartyFactory.create(
        enterprise=enterprise,
        name_local="上海贸易有限公司",
        name_en="Shanghai Trading Co., Ltd.",
        country="CHN",
        address_local="上海市浦东新区世纪大道 100 号",
        address_en="100 Century Avenue, Pudong",
        uscc="91310115MA1K3YJ12F",
    )
    Location.objects.get_or_create(unlocode="DEHAM", defaults={"country": "DE", "name": "Hamburg"})
    Location.objects.get_or_create(unlocode="CNSHA", defaults={"country": "CN", "name": "Shanghai"})
    shipment = ShipmentFactory.create(
        enterprise=enterprise,
        job_number="IM-2026-00042",
        customer_reference="PO-7788",
        consignor=seller,
        consignee=buyer,
        incoterm=Incoterm.CIF,
        incoterm_place="Shanghai",
        transport_mode="2",
        port_of_loading="DEHAM",
        port_of_discharge="CNSHA",
        vessel_name="MSC OSCAR",
        imo_number="9703291",
        voyage="FE612W",
        package_type="22",
        package_count=12,
        gross_weight_kg=Decimal("1300"),
    )
    pumps = GoodsLineFactory.create(
        enterprise=enterprise,
        shipment=shipment,
        line_number=1,
        description="Gear pumps GP-40",
        hs_code="8413602100",
        quantity=Decimal("10"),
        trade_unit="001",
        value=Decimal("12000.00"),
        currency="EUR",
        origin_country="DEU",
        net_weight_kg=Decimal("1000"),
        gross_weight_kg=Decimal("1100"),
    )
    GoodsLineFactory.create(
        enterprise=enterprise,
        shipment=shipment,
        line_number=2,
        description="Seals",
        quantity=Decimal("3"),
        trade_unit="001",
        value=Decimal("99.99"),
        currency="USD",
        net_weight_kg=Decimal("150.5"),
        gross_weight_kg=Decimal("200"),
    )
    box = ContainerFactory.create(
        enterprise=enterprise,
        shipment=shipment,
        number="MSCU1234566",
        size_type="22G1",
        seals=["SL123456", "CU998877"],
        tare_kg=Decimal("2200"),
        vgm_kg=Decimal("3500"),
    )
    ContainerLoadFactory.create(enterprise=enterprise, container=box, goods_line=pumps, quantity=Decimal("10"))
    return shipment


# -- formatting ----------------------------------------------------------------------------------------


def test_number_formats():
    assert money(Decimal("12000")) == "12,000.00"
    assert money(Decimal("0.005")) == "0.01"
    assert money(None) == ""
    assert quantity(Decimal("10.0000")) == "10"
    assert quantity(Decimal("1234.5000")) == "1,234.5"
    assert quantity(Decimal("1E+3")) == "1,000"
    assert price(Decimal("1200")) == "1,200.00"
    assert price(Decimal("1.23456")) == "1.2346"
    assert price(Decimal("3.1")) == "3.10"


def test_page_counter_follows_the_translation():
    assert pdf_module.page_counter_content("Page %(page)s of %(pages)s") == (
        '"Page " counter(page) " of " counter(pages)'
    )
    assert pdf_module.page_counter_content("第 %(page)s 页，共 %(pages)s 页") == (
        '"第 " counter(page) " 页，共 " counter(pages) " 页"'
    )
    assert pdf_module.page_counter_content('%(page)s/%(pages)s "x"') == 'counter(page) "/" counter(pages) " \\"x\\""'


def test_document_language():
    assert render.document_language(None, default="zh-hans") == "zh-hans"
    assert render.document_language("", default="en-us") == "en"
    assert render.document_language("ZH", default="en") == "zh-hans"
    assert render.document_language("en", default="zh-hans") == "en"
    with pytest.raises(ValidationFailed) as refused:
        render.document_language("fr", default="en")
    assert list(refused.value.errors) == ["lang"]


# -- declaration draft ----------------------------------------------------------------------------------


def test_declaration_draft_in_english(actor, declaration, calculation):
    html = render.declaration_draft_html(actor=actor, declaration_id=declaration.pk, language="en")
    text = text_of(html)
    assert '<html lang="en">' in html
    assert "Customs import declaration of the People's Republic of China" in text
    assert "Our reference DC-2026-00042 · status: Draft" in text
    for expected in (
        "Domestic consignee Shanghai Trading Co., Ltd.",
        "USCC 91310000MA1FL0LW4X",
        "Overseas consignor Pumpenwerk Hamburg GmbH",
        "Customs office of entry 2248",
        "Import date 2026-03-02",
        "Transport mode 2 Waterway Means",
        "Means of transport and voyage MSC OSCAR / FE612W",
        "Bill of lading / waybill MEDUHH123456",
        "Trade mode 0110 General trade",
        "Levy nature 101 General duty",
        "Port of departure DEHAM Hamburg",
        "Country of departure DEU Germany",
        "Package type 22 Box or case of paper or fibreboard",
        "Number of packages 10",
        "Gross weight (kg) 1,200",
        "Net weight (kg) 1,000",
        "Transaction terms 1 CIF",
        "Freight 1,500.00 EUR",
        "Marks and remarks N/M MSCU1234566",
        "Accompanying documents Y: CO20260001",
    ):
        assert expected in text, f"{expected} ## {text}"
    # the item row: code, name and specification, the three quantity lines, prices, countries, duty mode
    assert re.search(
        r"1 8413602100 齿轮泵 0\|0\|齿轮泵\|用于输送液体\|无品牌\|GP-40 10 Set \(machine\) 10 Set \(machine\) "
        r"1,000 Kilogram 1,200.00 12,000.00 EUR Euro DEU Germany CHN China",
        text,
    ), text
    assert "DRAFT / 草稿" in text
    # the duty page: per-item figures with their trace and the declaration's totals
    assert "Duty and tax" in text
    assert "How item 1 (8413602100) was calculated" in text
    assert "Total payable" in text
    assert (
        "Import duty 7,909.44 CNY = dutiable value × rate: 98,868.00 × 8% = 7909.44 → 7,909.44. Rate 8%. "
        "Origin DEU has MFN treatment. The MFN rate 8% applies."
    ) in text
    assert "Total payable 21,790.51 CNY" in text
    # long reasons and legal bases are numbered notes, printed once
    assert text.count("Customs Duties Law of the PRC (2024): ad valorem, specific and compound duty.") == 1
    assert calculation == [declaration.pk]


def test_declaration_draft_in_chinese(actor, declaration, calculation):
    html = render.declaration_draft_html(actor=actor, declaration_id=declaration.pk, language="zh-hans")
    text = text_of(html)
    assert '<html lang="zh-Hans">' in html
    for expected in (
        "上海贸易有限公司",
        "0110 一般贸易",
        "2 水路运输",
        "DEU 德国",
        "10 台",
        "1,000 千克",
        "EUR 欧元",
        "DRAFT / 草稿",
    ):
        assert expected in text, f"{expected} ## {text}"
    assert "Overseas" not in text  # labels come from the catalogue, never the English fallback
    assert "境内收货人 Shanghai" not in text  # the party's local name in Chinese


def test_export_labels(actor, enterprise, demo, calculation):
    declaration = DeclarationFactory.create(enterprise=enterprise, direction=Direction.EXPORT, trade_mode="0110")
    text = text_of(render.declaration_draft_html(actor=actor, declaration_id=declaration.pk, language="en"))
    assert "Customs export declaration" in text
    assert "Domestic consignor" in text
    assert "Country of destination" in text
    assert "No items yet." in text


@pytest.mark.parametrize(
    ("status", "mark"),
    [
        (DeclarationStatus.VALIDATED, "DRAFT / 草稿"),
        (DeclarationStatus.RETURNED, "DRAFT / 草稿"),
        (DeclarationStatus.CANCELLED, "CANCELLED / 已作废"),
        (DeclarationStatus.ACCEPTED, ""),
        (DeclarationStatus.RELEASED, ""),
    ],
)
def test_watermark_until_accepted(actor, declaration, calculation, status, mark):
    Declaration.objects.unscoped().filter(pk=declaration.pk).update(status=status, entry_number="")
    html = render.declaration_draft_html(actor=actor, declaration_id=declaration.pk, language="en")
    if mark:
        assert f'<div class="watermark" data-testid="watermark">{mark}</div>' in html
    else:
        assert 'class="watermark"' not in html


def test_refused_calculation_prints_the_reason(actor, declaration):
    Declaration.objects.unscoped().filter(pk=declaration.pk).update(transaction_terms="")
    DeclarationItem.objects.unscoped().filter(declaration=declaration).update(currency="")
    html = render.declaration_draft_html(actor=actor, declaration_id=declaration.pk, language="en")
    text = text_of(html)
    assert "The duties and taxes cannot be calculated yet: The declaration lacks what the calculation needs." in text
    assert "transaction_terms: Choose the transaction terms" in text
    assert "items[1].currency: Item 1 needs its currency for the calculation." in text
    assert "Total payable" not in text
    assert "8413602100" in text  # the rest of the document is still there


def test_another_enterprise_declaration_is_not_found(declaration, other_enterprise, make_member, make_actor):
    stranger = make_actor(make_member(other_enterprise, "owner").user, other_enterprise)
    with pytest.raises(NotFound):
        render.declaration_draft_html(actor=stranger, declaration_id=declaration.pk, language="en")


# -- commercial invoice and packing list --------------------------------------------------------------


def test_commercial_invoice_in_english(actor, shipment):
    text = text_of(render.commercial_invoice_html(actor=actor, shipment_id=shipment.pk, language="en"))
    assert "Commercial invoice" in text
    assert "Invoice number IM-2026-00042" in text
    assert "Customer reference PO-7788" in text
    assert "Terms of delivery CIF Shanghai" in text
    assert "Seller Pumpenwerk Hamburg GmbH Elbchaussee 1, Hamburg Germany" in text
    assert "Buyer Shanghai Trading Co., Ltd. 100 Century Avenue, Pudong China USCC 91310115MA1K3YJ12F" in text
    assert "Port of loading DEHAM Hamburg" in text
    assert "Port of discharge CNSHA Shanghai" in text
    assert "Vessel / flight MSC OSCAR IMO 9703291 / FE612W" in text
    assert "1 Gear pumps GP-40 8413602100 Germany 10 Set (machine) 1,200.00 12,000.00 EUR" in text
    assert "2 Seals 3 Set (machine) 33.33 99.99 USD" in text
    assert "Invoice total 12,000.00 EUR Invoice total 99.99 USD" in text  # one total per currency, never added across
    assert "Packages 12 Box or case of paper or fibreboard" in text


def test_commercial_invoice_in_chinese(actor, shipment):
    text = text_of(render.commercial_invoice_html(actor=actor, shipment_id=shipment.pk, language="zh-hans"))
    assert "商业发票" in text
    assert "发票号 IM-2026-00042" in text
    assert "买方 上海贸易有限公司 上海市浦东新区世纪大道 100 号 中国" in text
    assert "德国 10 台" in text
    assert "发票合计 12,000.00 EUR" in text
    assert "Commercial invoice" not in text


def test_enterprise_stands_in_for_a_missing_party(actor, enterprise):
    imported = ShipmentFactory.create(enterprise=enterprise, direction=Direction.IMPORT)
    text = text_of(render.commercial_invoice_html(actor=actor, shipment_id=imported.pk, language="en"))
    assert f"Buyer Shanghai Trading Co., Ltd. USCC {enterprise.uscc}" in text
    assert "Seller Not given on the shipment." in text
    exported = ShipmentFactory.create(enterprise=enterprise, direction=Direction.EXPORT, job_number="EX-2026-00001")
    text = text_of(render.commercial_invoice_html(actor=actor, shipment_id=exported.pk, language="en"))
    assert f"Seller Shanghai Trading Co., Ltd. USCC {enterprise.uscc}" in text
    assert "Buyer Not given on the shipment." in text


def test_packing_list(actor, shipment):
    text = text_of(render.packing_list_html(actor=actor, shipment_id=shipment.pk, language="en"))
    assert "Packing list number IM-2026-00042" in text
    assert "Shipper Pumpenwerk Hamburg GmbH" in text
    assert "Consignee Shanghai Trading Co., Ltd." in text
    assert "1 Gear pumps GP-40 10 Set (machine) 1,000 1,100 MSCU1234566" in text
    assert "2 Seals 3 Set (machine) 150.5 200" in text
    assert "Totals 1,150.5 1,300" in text
    assert "Gross weight of the shipment (kg) 1,300" in text
    assert "MSCU1234566 22G1 20' general purpose" in text
    assert "SL123456, CU998877 2,200 3,500 1. Gear pumps GP-40 (10 Set (machine))" in text


def test_packing_list_in_chinese(actor, shipment):
    text = text_of(render.packing_list_html(actor=actor, shipment_id=shipment.pk, language="zh-hans"))
    assert "装箱单号 IM-2026-00042" in text
    assert "合计 1,150.5 1,300" in text
    assert "1. Gear pumps GP-40 (10 台)" in text
    assert "22G1 20英尺普通箱" in text


def test_another_enterprise_shipment_is_not_found(shipment, other_enterprise, make_member, make_actor):
    stranger = make_actor(make_member(other_enterprise, "owner").user, other_enterprise)
    with pytest.raises(NotFound):
        render.packing_list_pdf(actor=stranger, shipment_id=shipment.pk, language="en")


# -- the PDF itself ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_pdfs_render_with_the_bundled_font(actor, declaration, shipment, calculation, language):
    draft = render.declaration_draft_pdf(actor=actor, declaration_id=declaration.pk, language=language)
    assert draft.content.startswith(b"%PDF-")
    assert draft.pages == 2  # the form, then the duty and tax page
    assert draft.filename == "DC-2026-00042-draft.pdf"
    # Chinese comes from Noto Sans SC shipped by `make assets`, never from whatever the machine has
    assert pdf_module.FONT_FAMILY in draft.fonts
    assert draft.fonts <= pdf_module.FONT_FAMILIES
    invoice = render.commercial_invoice_pdf(actor=actor, shipment_id=shipment.pk, language=language)
    assert invoice.content.startswith(b"%PDF-")
    assert (invoice.pages, invoice.filename) == (1, "IM-2026-00042-invoice.pdf")
    assert invoice.fonts <= pdf_module.FONT_FAMILIES
    packing = render.packing_list_pdf(actor=actor, shipment_id=shipment.pk, language=language)
    assert packing.content.startswith(b"%PDF-")
    assert (packing.pages, packing.filename) == (1, "IM-2026-00042-packing-list.pdf")
    assert packing.fonts <= pdf_module.FONT_FAMILIES


def test_fifty_items_fill_several_pages(actor, declaration, calculation, enterprise):
    """The most items a declaration holds; how long it takes belongs to bench/, not to a timed test."""
    DeclarationItemFactory.create_batch(
        49, enterprise=enterprise, declaration=declaration, item_number=factory.Iterator(range(2, 51))
    )
    pdf = render.declaration_draft_pdf(actor=actor, declaration_id=declaration.pk, language="zh-hans")
    assert pdf.content.startswith(b"%PDF-")
    assert pdf.pages >= 4


def test_missing_pango_is_a_clear_503(actor, shipment, monkeypatch):
    def no_pango() -> Any:
        raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")

    monkeypatch.setattr(pdf_module, "_import_weasyprint", no_pango)
    with pytest.raises(pdf_module.PdfUnavailable) as unavailable:
        render.commercial_invoice_pdf(actor=actor, shipment_id=shipment.pk, language="en")
    assert unavailable.value.status == 503
    assert "PDFs cannot be made on this server" in str(unavailable.value.detail)


def test_weasyprint_not_installed_is_the_same_503(actor, shipment, monkeypatch):
    for name in [name for name in sys.modules if name == "weasyprint" or name.startswith("weasyprint.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint → ImportError
    with pytest.raises(pdf_module.PdfUnavailable):
        render.packing_list_pdf(actor=actor, shipment_id=shipment.pk, language="en")


def test_missing_font_files_fall_back_to_the_system_fonts_with_a_warning(actor, shipment, monkeypatch, caplog):
    monkeypatch.setattr(pdf_module, "_font_path", lambda name: None)
    monkeypatch.setattr(pdf_module._local, "font_config", None, raising=False)  # forget fonts loaded before
    pdf_module._warn_missing_fonts.cache_clear()
    with caplog.at_level("WARNING", logger="cpass.customs.printing.pdf"):
        html = render.packing_list_html(actor=actor, shipment_id=shipment.pk, language="zh-hans")
    assert "@font-face" not in html
    assert '"Noto Sans CJK SC"' in html  # the CSS fallback: Debian's fonts-noto-cjk
    assert "PDF fonts missing" in caplog.text
    assert "run `make assets`" in caplog.text
    pdf = render.packing_list_pdf(actor=actor, shipment_id=shipment.pk, language="zh-hans")
    assert pdf.content.startswith(b"%PDF-")
    assert not pdf.fonts & pdf_module.FONT_FAMILIES
    pdf_module._warn_missing_fonts.cache_clear()


def test_the_fetcher_reads_only_the_documents_files(actor, shipment, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the PDF")
    weasyprint = pdf_module.weasyprint_module()
    fetcher = pdf_module._fetcher_class(weasyprint)(set())
    with pytest.raises(ValueError, match="not a file of this document"):
        fetcher.fetch(secret.as_uri())
    with pytest.raises(ValueError, match="not a file of this document"):
        fetcher.fetch("http://127.0.0.1:9/x.png")
    allowed = pdf_module._fetcher_class(weasyprint)({secret})
    assert allowed.fetch(secret.as_uri()).read() == b"not for the PDF"
