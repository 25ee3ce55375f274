"""The declaration pages: list, detail tabs, the header and item forms with their inline checks, items with their
declaration elements, documents, containers, the workflow buttons, preparing from a shipment; each in
English and Chinese; another enterprise's declaration is a 404 and a viewer changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from cpass.core.testing import form_values
from cpass.customs.choices import DeclarationStatus
from cpass.customs.models import Declaration, DeclarationDocument, DeclarationEvent, DeclarationItem
from cpass.customs.tests.factories import (
    DeclarationDocumentFactory,
    DeclarationEventFactory,
    DeclarationFactory,
    DeclarationItemFactory,
)
from cpass.organizations.tests.factories import EnterpriseFactory, PartnerGrantFactory
from cpass.parties import selectors as party_selectors
from cpass.parties.tests.factories import PartyFactory
from cpass.products.tests.factories import ProductFactory
from cpass.products.validation import ProductRules
from cpass.shipments.tests.factories import ContainerFactory, GoodsLineFactory, ShipmentFactory
from cpass.tariff.models import TariffLine

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
PUMP = "8413602100"
TABS = ("header", "items", "documents", "containers", "duties", "validation", "timeline", "gateway")


def text(response: Any) -> str:
    return response.content.decode()


def detail(declaration: Declaration, tab: str = "") -> str:
    url = reverse("customs:declaration_detail", args=[declaration.pk])
    return f"{url}?tab={tab}" if tab else url


@pytest.fixture
def declaration(enterprise: Any) -> Declaration:
    trader = PartyFactory.create(enterprise=enterprise, name_local="上海东方贸易有限公司", country="CHN")
    declaration = DeclarationFactory.create(
        enterprise=enterprise,
        domestic_trader=trader,
        consumer_producer=trader,
        bill_number="MEDUHH123456",
        import_export_date=dt.date(2026, 3, 4),
    )
    DeclarationItemFactory.create(enterprise=enterprise, declaration=declaration, item_number=1)
    return declaration


def checks_of(page: str, field: str) -> str:
    """What the inline checks put next to `field`."""
    return page.split(f'data-testid="check-{field}"')[1].split("</div>")[0]


def element_data(code: str, on: dt.date) -> dict[str, str]:
    """A value for every declaration element of the code's template (the first choice where it lists some)."""
    return {
        f"el_{element.key}": element.choices[0].value if element.choices else f"value {element.key}"
        for element in ProductRules(on=on).elements(code)
    }


def header_data(declaration: Declaration, **changes: str) -> dict[str, str]:
    """The header form as the edit page sends it: every field with its current value, then `changes`."""
    data: dict[str, str] = {}
    for name in (
        "declaring_customs entry_exit_customs record_number contract_number transport_mode vessel_name imo_number "
        "voyage bill_number goods_location trade_mode levy_nature licence_number departure_country trade_country "
        "departure_port stop_port entry_exit_port package_type transaction_terms freight_mode freight_currency "
        "insurance_mode insurance_currency other_mode other_currency related_party price_influence royalty_payment "
        "marks_and_remarks"
    ).split():
        data[name] = getattr(declaration, name)
    for name in ("domestic_trader_id", "overseas_trader_id", "consumer_producer_id", "declarant_id"):
        value = getattr(declaration, name)
        data[name] = "" if value is None else str(value)
    for name in (
        "package_count",
        "gross_weight_kg",
        "net_weight_kg",
        "freight_value",
        "insurance_value",
        "other_value",
    ):
        value = getattr(declaration, name)
        data[name] = "" if value is None else str(value)
    for name in ("import_export_date", "declaration_date"):
        value = getattr(declaration, name)
        data[name] = "" if value is None else value.isoformat()
    data.update(changes)
    return data


def test_list_filters_search_pagination_and_clients(login, owner, enterprise):
    shipment = ShipmentFactory.create(enterprise=enterprise, job_number="IM-2026-00777")
    for n in range(26):
        DeclarationFactory.create(enterprise=enterprise, shipment=shipment, reference=f"DC-2026-{n:05d}")
    DeclarationFactory.create(
        enterprise=enterprise, shipment=shipment, reference="DC-2026-09999", status=DeclarationStatus.RETURNED
    )
    DeclarationFactory.create(reference="DC-HIDDEN-1")
    client = login(owner)
    url = reverse("customs:declaration_list")
    page = text(client.get(url))
    assert ("27 declarations" in page, "Page 1 of 2" in page, "DC-HIDDEN-1" in page) == (True, True, False)
    assert "IM-2026-00777" in page
    returned = text(client.get(url, {"status": "returned"}))
    assert ("1 declaration" in returned, "DC-2026-09999" in returned, "DC-2026-00001" in returned) == (
        True,
        True,
        False,
    )
    assert "1 declaration" in text(client.get(url, {"q": "DC-2026-00003"}))
    assert "Select a valid choice" in text(client.get(url, {"status": "flying"}))
    assert 'href="/customs/declarations/"' in page  # the navigation names the page
    zh = text(client.get(url, **ZH))
    assert ("货运业务" in zh, "草稿" in zh, 'lang="zh-hans"' in zh) == (True, True, True)
    # A broker serving this client sees the enterprise column with the client's name.
    broker = EnterpriseFactory.create(name="Broker Ltd.")
    PartnerGrantFactory.create(grantor=enterprise, grantee=broker, module="customs", access="write")
    from cpass.organizations.tests.factories import MembershipFactory

    member = MembershipFactory.create(enterprise=broker, role="operator").user
    brokered = text(login(member).get(url))
    assert ("Shanghai Trading Co., Ltd." in brokered, "27 declarations" in brokered) == (True, True)


@pytest.mark.parametrize("tab", TABS)
def test_each_tab_renders_in_english_and_chinese(login, owner, declaration, demo, tab):
    DeclarationDocumentFactory.create(enterprise=declaration.enterprise, declaration=declaration, number="CO123")
    DeclarationEventFactory.create(enterprise=declaration.enterprise, declaration=declaration, reason="Prepared here")
    client = login(owner)
    english = client.get(detail(declaration, tab))
    chinese = client.get(detail(declaration, tab), **ZH)
    assert (english.status_code, chinese.status_code) == (200, 200)
    page, zh = text(english), text(chinese)
    assert declaration.reference in page
    assert ("Validate" in page, "Header" in page) == (True, True)
    assert ('lang="zh-hans"' in zh, "时间线" in zh, "货运业务" in zh) == (True, True, True)
    if tab == "header":
        assert ("0110 一般贸易" in zh, "0110 General trade" in page) == (True, True)
    if tab == "duties":  # the rounding rule in the reader's language only
        assert ("四舍五入至分" in zh, "half up to the fen" in zh) == (True, False)
        assert ("half up to the fen" in page, "四舍五入至分" in page) == (True, False)
    expected = {
        "header": ("MEDUHH123456", "上海东方贸易有限公司", "0110"),
        "items": (PUMP, "齿轮泵", "Add item"),
        "documents": ("CO123", "Add a document"),
        "containers": ("No containers on this declaration.",),
        "duties": ("How item 1 (8413602100) was calculated",),
        "validation": ('data-testid="validation-errors"',),
        "timeline": ("Prepared here",),
        "gateway": ("SANDBOX", "Nothing sent yet."),
    }[tab]
    for snippet in expected:
        assert snippet in page, snippet


def test_another_enterprises_declaration_is_absent(login, enterprise, declaration, make_member):
    stranger = make_member(EnterpriseFactory.create(), "owner").user
    client = login(stranger)
    item = DeclarationItem.objects.unscoped().get(declaration=declaration)
    document = DeclarationDocumentFactory.create(enterprise=enterprise, declaration=declaration)
    for url in (
        detail(declaration),
        reverse("customs:declaration_edit", args=[declaration.pk]),
        reverse("customs:item_edit", args=[declaration.pk, item.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (reverse("customs:declaration_check", args=[declaration.pk]), {"trade_mode": "0110"}),
        (reverse("customs:declaration_transition", args=[declaration.pk]), {"transition": "cancel", "reason": "x"}),
        (reverse("customs:document_add", args=[declaration.pk]), {"code": "Y", "number": "A1"}),
        (reverse("customs:item_delete", args=[declaration.pk, item.pk]), {}),
        (reverse("customs:declaration_delete", args=[declaration.pk]), {}),
        (reverse("customs:declaration_containers", args=[declaration.pk]), {}),
        (reverse("customs:item_add", args=[declaration.pk]), {"name": "x"}),
        (reverse("customs:item_edit", args=[declaration.pk, item.pk]), {"name": "x"}),
        (reverse("customs:item_add_check", args=[declaration.pk]), {"hs_code": PUMP}),
        (reverse("customs:item_edit_check", args=[declaration.pk, item.pk]), {"hs_code": PUMP}),
        (reverse("customs:document_remove", args=[declaration.pk, document.pk]), {}),
        (reverse("customs:declaration_prepare", args=[declaration.shipment_id]), {}),
    ):
        assert client.post(url, data).status_code == 404, url
    assert DeclarationDocument.objects.unscoped().filter(declaration=declaration).count() == 1
    assert Declaration.objects.unscoped().filter(shipment=declaration.shipment).count() == 1
    assert Declaration.objects.unscoped().get(pk=declaration.pk).status == DeclarationStatus.DRAFT
    assert DeclarationItem.objects.unscoped().filter(declaration=declaration).count() == 1
    assert declaration.reference not in text(client.get(reverse("customs:declaration_list")))


def test_a_viewer_reads_but_changes_nothing(login, enterprise, declaration, make_member):
    viewer = make_member(enterprise, "viewer").user
    client = login(viewer)
    page = text(client.get(detail(declaration)))
    assert (declaration.reference in page, "Edit header" in page, 'data-testid="workflow"' in page) == (
        True,
        False,
        False,
    )
    item = DeclarationItem.objects.unscoped().get(declaration=declaration)
    for url, data in (
        (reverse("customs:declaration_edit", args=[declaration.pk]), {"voyage": "X1"}),
        (reverse("customs:declaration_transition", args=[declaration.pk]), {"transition": "cancel", "reason": "x"}),
        (reverse("customs:document_add", args=[declaration.pk]), {"code": "Y", "number": "A1"}),
        (reverse("customs:item_delete", args=[declaration.pk, item.pk]), {}),
        (reverse("customs:declaration_containers", args=[declaration.pk]), {}),
        (reverse("customs:item_add_check", args=[declaration.pk]), {"hs_code": PUMP}),
        (reverse("customs:item_edit_check", args=[declaration.pk, item.pk]), {"hs_code": PUMP}),
    ):
        assert client.post(url, data).status_code in (403, 404), url
    stored = Declaration.objects.unscoped().get(pk=declaration.pk)
    assert (stored.status, stored.voyage) == (DeclarationStatus.DRAFT, "")
    assert DeclarationDocument.objects.unscoped().filter(declaration=declaration).count() == 0
    assert DeclarationItem.objects.unscoped().filter(declaration=declaration).count() == 1


def test_header_form_errors_inline_and_nothing_written(login, owner, declaration):
    client = login(owner)
    url = reverse("customs:declaration_edit", args=[declaration.pk])
    form = text(client.get(url))
    assert ('value="MEDUHH123456"' in form, 'hx-post="/customs/declarations/' in form) == (True, True)
    assert 'id="check-trade_mode"' in form
    bad = client.post(url, header_data(declaration, imo_number="9074728", voyage="NEW1"))
    assert bad.status_code == 422
    assert "is not a valid IMO number" in text(bad)
    heavier = client.post(url, header_data(declaration, voyage="NEW1", net_weight_kg="5000"))
    assert heavier.status_code == 422
    assert "The net weight cannot exceed the gross weight." in text(heavier)
    assert Declaration.objects.unscoped().get(pk=declaration.pk).voyage == ""
    zh = text(client.post(url, header_data(declaration, imo_number="9074728"), **ZH))
    assert "不是有效的IMO编号" in zh
    good = client.post(url, header_data(declaration, voyage="NEW1", imo_number="9074729"))
    assert good.status_code == 302
    stored = Declaration.objects.unscoped().get(pk=declaration.pk)
    assert (stored.voyage, stored.imo_number, stored.gross_weight_kg) == ("NEW1", "9074729", Decimal("1200"))


def test_inline_checks_run_the_field_checks_and_the_rules_without_saving(login, owner, declaration):
    client = login(owner)
    url = reverse("customs:declaration_check", args=[declaration.pk])
    response = client.post(url, header_data(declaration, trade_mode="", imo_number="12"), **HTMX)
    assert response.status_code == 200
    page = text(response)
    assert 'id="header-checks"' in page
    assert 'id="check-trade_mode" class="field-checks" data-testid="check-trade_mode" hx-swap-oob="true"' in page
    assert "CUS-HDR-001" in checks_of(page, "trade_mode")
    assert "IMO" in checks_of(page, "imo_number")
    assert "<li>" not in checks_of(page, "voyage")
    stored = Declaration.objects.unscoped().get(pk=declaration.pk)
    assert (stored.trade_mode, stored.imo_number) == ("0110", "")
    zh = text(client.post(url, header_data(declaration, trade_mode=""), **HTMX, **ZH))
    assert "CUS-HDR-001" in checks_of(zh, "trade_mode")


def test_editing_the_header_keeps_a_deactivated_party_and_one_past_the_lists_limit(
    login, owner, enterprise, declaration, monkeypatch
):
    monkeypatch.setattr(party_selectors, "CHOICE_LIMIT", 1)  # the list holds "Aachen Spedition" only
    PartyFactory.create(enterprise=enterprise, name_local="Aachen Spedition")
    declarant = PartyFactory.create(enterprise=enterprise, name_local="Zhongmao Customs Brokerage")
    Declaration.objects.unscoped().filter(pk=declaration.pk).update(declarant=declarant)
    trader = declaration.domestic_trader
    trader.is_active = False
    trader.save()
    client = login(owner)
    url = reverse("customs:declaration_edit", args=[declaration.pk])
    page = text(client.get(url))
    assert (
        f'<option value="{trader.pk}" selected>上海东方贸易有限公司 (inactive)</option>' in page,
        f'<option value="{declarant.pk}" selected>Zhongmao Customs Brokerage</option>' in page,
    ) == (True, True)
    data = {**form_values(page, action=url), "voyage": ["NEW1"]}
    assert client.post(url, data).status_code == 302
    stored = Declaration.objects.unscoped().get(pk=declaration.pk)
    assert (stored.voyage, stored.domestic_trader_id, stored.consumer_producer_id, stored.declarant_id) == (
        "NEW1",
        trader.pk,
        trader.pk,
        declarant.pk,
    )
    # Kept, it is no field error; the rules still say it must be replaced before submission.
    checks = text(client.post(reverse("customs:declaration_check", args=[declaration.pk]), data, **HTMX))
    assert ("CUS-PTY-005" in checks_of(checks, "domestic_trader_id"), "is deactivated." in checks) == (True, False)
    # Chosen anew for another party, it is refused.
    refused = client.post(url, {**data, "overseas_trader_id": [str(trader.pk)]})
    assert refused.status_code == 422
    assert "“上海东方贸易有限公司” is deactivated." in text(refused)
    assert Declaration.objects.unscoped().get(pk=declaration.pk).overseas_trader_id is None


def test_editing_an_item_keeps_its_inactive_product(login, owner, enterprise, declaration, demo):
    product = ProductFactory.create(enterprise=enterprise, sku="PUMP-OLD", name_en="Old gear pump", active=False)
    item = DeclarationItem.objects.unscoped().get(declaration=declaration)
    DeclarationItem.objects.unscoped().filter(pk=item.pk).update(product=product)
    client = login(owner)
    url = reverse("customs:item_edit", args=[declaration.pk, item.pk])
    page = text(client.get(url))
    assert "PUMP-OLD Old gear pump (inactive)</option>" in page
    data = {**form_values(page, action=url), "name": ["液压齿轮泵"]}
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert (item.name, item.product_id) == ("液压齿轮泵", product.pk)


def test_items_are_added_edited_and_removed_with_their_elements(login, owner, declaration, demo):
    client = login(owner)
    add = reverse("customs:item_add", args=[declaration.pk])
    form = client.get(add, **HTMX)
    assert (form.status_code, 'id="declaration-panel"' in text(form), "<html" in text(form)) == (200, True, False)
    item = {
        "hs_code": PUMP,
        "name": "齿轮泵",
        "quantity": "5",
        "trade_unit": "001",
        "legal_quantity_1": "5",
        "unit_price": "100",
        "currency": "EUR",
        "origin_country": "DEU",
        "destination_country": "CHN",
        "duty_mode": "1",
        **element_data(PUMP, declaration.import_export_date),
    }
    bad = client.post(add, {**item, "quantity": "five", "currency": ""}, **HTMX)
    assert bad.status_code == 200
    assert 'class="errorlist"' in text(bad)
    assert DeclarationItem.objects.unscoped().filter(declaration=declaration).count() == 1
    saved = client.post(add, item, **HTMX)
    assert (saved.status_code, saved["HX-Redirect"]) == (204, detail(declaration, "items"))
    second = DeclarationItem.objects.unscoped().get(declaration=declaration, item_number=2)
    assert (second.total_price, second.legal_unit_1, second.legal_unit_2) == (Decimal("500.00"), "001", "035")
    edit = reverse("customs:item_edit", args=[declaration.pk, second.pk])
    edit_page = text(client.get(edit))
    assert 'name="el_' in edit_page  # the code's declaration elements, one input each
    assert 'data-testid="spec-preview"' in edit_page
    changed = client.post(
        edit, {**item, "legal_unit_1": "001", "legal_unit_2": "035", "name": "液压齿轮泵", "quantity": "6"}
    )
    assert changed.status_code == 302
    second.refresh_from_db()
    assert (second.name, second.total_price) == ("液压齿轮泵", Decimal("600.00"))
    first = DeclarationItem.objects.unscoped().get(declaration=declaration, item_number=1)
    assert client.post(reverse("customs:item_delete", args=[declaration.pk, first.pk])).status_code == 302
    assert list(
        DeclarationItem.objects.unscoped().filter(declaration=declaration).values_list("item_number", "name")
    ) == [(1, "液压齿轮泵")]


def test_an_element_edited_alone_is_checked_and_joined_into_the_specification(login, owner, declaration, demo):
    client = login(owner)
    add = reverse("customs:item_add", args=[declaration.pk])
    assert client.post(add, item_data(), **HTMX).status_code == 204
    item = DeclarationItem.objects.unscoped().get(declaration=declaration, item_number=2)
    edit = reverse("customs:item_edit", args=[declaration.pk, item.pk])
    data = form_values(text(client.get(edit)), action=edit)
    assert client.post(edit, {**data, "el_brand": ["NEWBRAND"]}).status_code == 302  # only the element changed
    item.refresh_from_db()
    assert (item.elements["brand"], "NEWBRAND" in item.specification, item.hs_code) == ("NEWBRAND", True, PUMP)
    refused = client.post(edit, {**data, "el_brand": [""]})
    assert (refused.status_code, "is a required declaration element." in text(refused)) == (422, True)
    item.refresh_from_db()
    assert item.elements["brand"] == "NEWBRAND"
    checks = text(client.post(reverse("customs:item_edit_check", args=[declaration.pk, item.pk]), data, **HTMX))
    assert "CUS-ELM-003" not in checks


def item_data(**changes: str) -> dict[str, str]:
    """A complete new pump item as the item form sends it, then `changes`."""
    data = {
        "hs_code": PUMP,
        "name": "齿轮泵",
        "quantity": "5",
        "trade_unit": "001",
        "legal_quantity_1": "5",
        "legal_unit_1": "001",
        "legal_quantity_2": "500",
        "legal_unit_2": "035",
        "unit_price": "100",
        "currency": "EUR",
        "origin_country": "DEU",
        "destination_country": "CHN",
        "domestic_area": "31222",
        "duty_mode": "1",
        **element_data(PUMP, dt.date(2026, 3, 4)),
        "el_export_preference": "3",  # not applicable to imports
    }
    data.update(changes)
    return data


def test_item_checks_flag_typed_values_inline_without_saving(login, owner, declaration, demo):
    client = login(owner)
    url = reverse("customs:item_add_check", args=[declaration.pk])
    form = text(client.get(reverse("customs:item_add", args=[declaration.pk]), **HTMX))
    assert (f'hx-post="{url}"' in form, 'id="item-checks"' in form, 'id="check-quantity"' in form) == (
        True,
        True,
        True,
    )
    assert 'id="check-elements"' in form
    good = text(client.post(url, item_data(), **HTMX))
    assert ('id="item-checks"' in good, "No findings" in good) == (True, True)
    assert 'id="check-quantity" class="field-checks" data-testid="check-quantity" hx-swap-oob="true"' in good

    page = text(client.post(url, item_data(quantity="-5", legal_quantity_2="", name=""), **HTMX))
    assert "The value cannot be negative." in checks_of(page, "quantity")
    assert "CUS-ITM-021" in checks_of(page, "legal_quantity_2")
    assert "Item 2: enter the goods name." in checks_of(page, "name")  # the number it will have
    assert "<li>" not in checks_of(page, "currency")
    assert "Item 2: enter the total price." in checks_of(page, "total_price")  # none without a quantity
    assert "4 errors" in page.split('data-testid="item-checks"')[1]
    zh = text(client.post(url, item_data(quantity="-5", legal_quantity_2=""), **HTMX, **ZH))
    assert "数值不能为负。" in checks_of(zh, "quantity")
    assert "第2项：税号8413602100有法定第二计量单位" in checks_of(zh, "legal_quantity_2")

    unknown = text(client.post(url, item_data(hs_code="8413602199"), **HTMX))
    assert "CN has no tariff line 8413602199." in checks_of(unknown, "hs_code")
    assert "<li>" not in checks_of(unknown, "legal_quantity_2")  # no rule reads a refused code's line
    TariffLine.objects.filter(code=PUMP).update(valid_to=dt.date(2026, 1, 31))
    expired = text(client.post(url, item_data(), **HTMX))
    assert "is not valid on 2026-03-04" in checks_of(expired, "hs_code")
    assert "在 2026-03-04 无效" in checks_of(text(client.post(url, item_data(), **HTMX, **ZH)), "hs_code")
    TariffLine.objects.filter(code=PUMP).update(valid_to=None)

    missing = text(client.post(url, item_data(el_brand=""), **HTMX))
    assert "is a required declaration element." in checks_of(missing, "elements")
    assert DeclarationItem.objects.unscoped().filter(declaration=declaration).count() == 1


def test_item_checks_of_a_stored_item_and_what_its_line_asks_of_the_declaration(login, owner, declaration, demo):
    item = DeclarationItem.objects.unscoped().get(declaration=declaration)
    TariffLine.objects.filter(code=PUMP).update(supervision_conditions="O")
    client = login(owner)
    edit = text(client.get(reverse("customs:item_edit", args=[declaration.pk, item.pk])))
    url = reverse("customs:item_edit_check", args=[declaration.pk, item.pk])
    assert f'hx-post="{url}"' in edit
    assert "CUS-ITM-004" in checks_of(edit, "domestic_area")  # the stored item's findings, as the form opens
    summary = edit.split('data-testid="item-checks"')[1]
    assert ("CUS-LIC-002" in summary, "Automatic import licence" in summary, "?tab=documents" in summary) == (
        True,
        True,
        True,
    )
    data = {**form_values(edit, action=reverse("customs:item_edit", args=[declaration.pk, item.pk]))}
    data.update({"domestic_area": ["31222"], "total_price": ["99"]})
    page = text(client.post(url, data, **HTMX))
    assert "<li>" not in checks_of(page, "domestic_area")
    assert "is not unit price × quantity" in checks_of(page, "total_price")
    zh = text(client.post(url, data, **HTMX, **ZH))
    assert "CUS-LIC-002" in zh.split('data-testid="item-checks"')[1]
    stored = DeclarationItem.objects.unscoped().get(pk=item.pk)
    assert (stored.domestic_area, stored.total_price) == ("", Decimal("12000.00"))


def test_documents_and_containers(login, owner, declaration):
    client = login(owner)
    add = reverse("customs:document_add", args=[declaration.pk])
    bad = client.post(add, {"code": "", "number": "A B"})
    assert bad.status_code == 422
    assert ("Choose the document" in text(bad), "Letters, digits" in text(bad)) == (True, True)
    assert client.post(add, {"code": "Y", "number": "CO2026001"}).status_code == 302
    document = DeclarationDocument.objects.unscoped().get(declaration=declaration)
    assert "CO2026001" in text(client.get(detail(declaration, "documents")))
    duplicate = client.post(add, {"code": "Y", "number": "CO2026001"})
    assert "This document is already listed." in text(duplicate)
    remove = reverse("customs:document_remove", args=[declaration.pk, document.pk])
    assert client.post(remove).status_code == 302
    assert not DeclarationDocument.objects.unscoped().filter(declaration=declaration).exists()

    box = ContainerFactory.create(enterprise=declaration.enterprise, shipment=declaration.shipment)
    page = text(client.get(detail(declaration, "containers")))
    assert box.number in page
    url = reverse("customs:declaration_containers", args=[declaration.pk])
    assert client.post(url, {"container_ids": [box.pk]}).status_code == 302
    assert list(
        declaration.containers.through.objects.filter(declaration=declaration).values_list("container_id", flat=True)
    ) == [box.pk]
    foreign = ContainerFactory.create()
    assert client.post(url, {"container_ids": [foreign.pk]}).status_code == 422


def test_workflow_buttons_refuse_with_the_findings_and_ask_for_reasons(login, owner, declaration):
    client = login(owner)
    url = reverse("customs:declaration_transition", args=[declaration.pk])
    page = text(client.get(detail(declaration)))
    assert ('data-testid="step-validate"' in page, 'data-testid="step-cancel"' in page) == (True, True)
    assert 'data-testid="step-accept"' not in page  # customs' steps come with receipts
    refused = client.post(url, {"transition": "validate"})
    assert refused.status_code == 422
    assert (
        "The declaration has errors; correct them first." in text(refused),
        'data-testid="validation"' in text(refused),
    ) == (
        True,
        True,
    )
    no_reason = client.post(url, {"transition": "cancel", "reason": ""})
    assert no_reason.status_code == 422
    assert "Say why" in text(no_reason)
    assert Declaration.objects.unscoped().get(pk=declaration.pk).status == DeclarationStatus.DRAFT
    cancelled = client.post(url, {"transition": "cancel", "reason": "Duplicate of another declaration"})
    assert cancelled.status_code == 302
    stored = Declaration.objects.unscoped().get(pk=declaration.pk)
    assert (stored.status, stored.status_reason) == (DeclarationStatus.CANCELLED, "Duplicate of another declaration")
    after = text(client.get(detail(declaration, "timeline")))
    assert "Duplicate of another declaration" in after
    assert "Edit header" not in after
    assert DeclarationEvent.objects.unscoped().filter(declaration=declaration, transition="cancel").count() == 1
    conflict = client.post(url, {"transition": "submit"})
    assert conflict.status_code == 302  # a step the status does not allow: back to the page with the reason


def test_prepare_from_the_shipment_page(login, owner, enterprise, demo):
    shipment = ShipmentFactory.create(enterprise=enterprise, job_number="IM-2026-04242")
    for number in range(1, 4):
        GoodsLineFactory.create(enterprise=enterprise, shipment=shipment, line_number=number, hs_code=PUMP)
    client = login(owner)
    shipment_page = text(client.get(reverse("shipments:detail", args=[shipment.pk])))
    assert ('data-testid="shipment-declarations"' in shipment_page, "Prepare declaration" in shipment_page) == (
        True,
        True,
    )
    assert 'data-testid="shipment-declarations"' in text(
        client.get(reverse("shipments:detail", args=[shipment.pk]), **ZH)
    )
    response = client.post(reverse("customs:declaration_prepare", args=[shipment.pk]))
    declaration = Declaration.objects.unscoped().get(shipment=shipment)
    assert response["Location"] == detail(declaration)
    assert declaration.reference in text(client.get(response["Location"]))
    assert declaration.reference in text(client.get(reverse("shipments:detail", args=[shipment.pk])))

    large = ShipmentFactory.create(enterprise=enterprise)
    for number in range(1, 121):
        GoodsLineFactory.create(enterprise=enterprise, shipment=large, line_number=number, hs_code=PUMP)
    split = client.post(reverse("customs:declaration_prepare", args=[large.pk]), follow=True)
    assert "3 declarations were prepared" in text(split)
    assert Declaration.objects.unscoped().filter(shipment=large).count() == 3


def test_the_duties_tab_names_what_is_missing(login, owner, declaration, demo):
    DeclarationItem.objects.unscoped().filter(declaration=declaration).update(currency="")
    page = text(login(owner).get(detail(declaration, "duties")))
    assert 'data-testid="calculation-problems"' in page
    assert "Item 1 needs its currency for the calculation." in page
    assert "/items/" in page.split('data-testid="calculation-problems"')[1]
