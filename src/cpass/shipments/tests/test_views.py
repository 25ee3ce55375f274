from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from cpass.core.testing import form_values
from cpass.organizations.tests.factories import EnterpriseFactory, PartnerGrantFactory
from cpass.parties import selectors as party_selectors
from cpass.parties.tests.factories import PartyFactory
from cpass.products.tests.factories import ProductFactory
from cpass.shipments.models import Container, ContainerLoad, GoodsLine, Milestone, SavedView, Shipment
from cpass.shipments.tests.conftest import ETA, PUMP
from cpass.shipments.tests.factories import (
    ContainerFactory,
    ContainerLoadFactory,
    GoodsLineFactory,
    ShipmentFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return response.content.decode()


def test_list_filters_search_and_pagination(login, owner, enterprise, setting):
    for n in range(27):
        ShipmentFactory.create(enterprise=enterprise, job_number=f"IM-2026-{n:05d}", port_of_loading="DEHAM")
    ShipmentFactory.create(enterprise=enterprise, job_number="EX-2026-00001", direction="export")
    ShipmentFactory.create(job_number="HIDDEN-JOB")
    client = login(owner)
    page = text(client.get(reverse("shipments:list")))
    assert ("28 shipments" in page, "Page 1 of 2" in page, "HIDDEN-JOB" in page) == (True, True, False)
    exports = text(client.get(reverse("shipments:list"), {"direction": "export"}))
    assert ("EX-2026-00001" in exports, "IM-2026-00001" in exports) == (True, False)
    searched = text(client.get(reverse("shipments:list"), {"q": "IM-2026-00003"}))
    assert "1 shipment" in searched
    bad = client.get(reverse("shipments:list"), {"port": "HAMB1"})
    assert "Give the port as its 5-character UN/LOCODE, e.g. CNSHA." in text(bad)
    assert 'hx-get="/places/typeahead/"' in page
    zh = text(client.get(reverse("shipments:list"), HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "货运" in zh


def test_list_search_finds_a_party_name_and_says_what_it_reads(login, owner, enterprise, consignee):
    found = ShipmentFactory.create(enterprise=enterprise, job_number="IM-2026-00001", consignee=consignee)
    ShipmentFactory.create(enterprise=enterprise, job_number="IM-2026-00002")
    client = login(owner)
    page = text(client.get(reverse("shipments:list"), {"q": "东方贸易"}))
    assert ("1 shipment" in page, found.job_number in page, "IM-2026-00002" in page) == (True, True, False)
    assert "party name (Chinese or English)" in page
    assert 'aria-describedby="id_q_helptext"' in page
    zh = text(client.get(reverse("shipments:list"), HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "海关编号" in zh


def test_create_with_inline_errors_then_detail(login, owner, enterprise, setting, consignor):
    client = login(owner)
    assert client.get(reverse("shipments:create")).status_code == 200
    data = {
        "enterprise_id": enterprise.pk,
        "direction": "import",
        "consignor_id": consignor.pk,
        "port_of_loading": "DEHAM",
        "port_of_discharge": "CNSHA",
        "vessel_name": "MSC Oscar",
        "eta": "2026-03-20T16:00",
    }
    bad = client.post(reverse("shipments:create"), {**data, "imo_number": "9074728"})
    assert bad.status_code == 422
    assert "is not a valid IMO number: its check digit is wrong." in text(bad)
    no_place = client.post(reverse("shipments:create"), {**data, "incoterm": "FOB"})
    assert "Name the place of the Incoterm, e.g. FOB Shanghai." in text(no_place)
    zh = client.post(reverse("shipments:create"), {**data, "imo_number": "9074728"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "不是有效的IMO编号" in text(zh)
    good = client.post(reverse("shipments:create"), {**data, "imo_number": "9074729"})
    assert good.status_code == 302
    shipment = Shipment.objects.unscoped().get()
    detail = text(client.get(good["Location"]))
    assert (shipment.job_number in detail, "IMO 9074729" in detail, consignor.name_local in detail) == (
        True,
        True,
        True,
    )
    for tab in ("goods", "containers", "timeline"):
        assert client.get(good["Location"], {"tab": tab}).status_code == 200
    assert "Shipment opened" in text(client.get(good["Location"], {"tab": "timeline"}))
    # Opened by someone reading English, read in Chinese: the service's own note is in the reader's language.
    timeline_zh = text(client.get(good["Location"], {"tab": "timeline"}, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert ("已新建货运业务" in timeline_zh, "Shipment opened" in timeline_zh) == (True, False)


def test_edit_changes_only_what_was_edited(login, owner, enterprise, setting):
    shipment = ShipmentFactory.create(enterprise=enterprise, port_of_loading="DEHAM", voyage="A1", eta=ETA)
    client = login(owner)
    form = client.get(reverse("shipments:edit", args=[shipment.pk]))
    assert 'value="DEHAM"' in text(form)
    response = client.post(
        reverse("shipments:edit", args=[shipment.pk]),
        {"port_of_loading": "DEHAM", "voyage": "B2", "eta": "2026-03-20T08:00"},
    )
    assert response.status_code == 302
    shipment.refresh_from_db()
    assert (shipment.voyage, shipment.port_of_loading) == ("B2", "DEHAM")


def test_goods_lines_with_htmx(login, owner, enterprise, setting):
    shipment = ShipmentFactory.create(enterprise=enterprise, eta=ETA)
    client = login(owner)
    url = reverse("shipments:goods_add", args=[shipment.pk])
    fragment = client.get(url, **HTMX)
    assert fragment.status_code == 200
    assert "<html" not in text(fragment)
    assert 'hx-post="' + url + '"' in text(fragment)
    assert "classification/typeahead" in text(fragment)
    bad = client.post(url, {"description": "Pumps", "hs_code": PUMP, "quantity": "-1", "trade_unit": "007"}, **HTMX)
    assert (bad.status_code, "The value cannot be negative." in text(bad)) == (200, True)
    good = client.post(url, {"description": "Pumps", "hs_code": PUMP, "quantity": "4", "trade_unit": "007"}, **HTMX)
    assert (good.status_code, good["HX-Redirect"]) == (
        204,
        reverse("shipments:detail", args=[shipment.pk]) + "?tab=goods",
    )
    line = GoodsLine.objects.unscoped().get()
    assert (line.hs_code, line.legal_unit_1) == (PUMP, "007")
    page = client.post(url, {"description": "", "quantity": "x"})
    assert (page.status_code, "Describe the goods." in text(page), "<html" in text(page)) == (422, True, True)
    edit = client.post(
        reverse("shipments:goods_edit", args=[shipment.pk, line.pk]),
        {"description": "Gear pumps", "hs_code": PUMP, "quantity": "4", "trade_unit": "007"},
    )
    assert edit.status_code == 302
    tab = text(client.get(reverse("shipments:detail", args=[shipment.pk]), {"tab": "goods"}))
    assert "Gear pumps" in tab
    client.post(reverse("shipments:goods_delete", args=[shipment.pk, line.pk]))
    assert GoodsLine.objects.unscoped().count() == 0


def test_containers_with_htmx(login, owner, enterprise, setting):
    shipment = ShipmentFactory.create(enterprise=enterprise)
    line = GoodsLineFactory.create(enterprise=enterprise, shipment=shipment, line_number=1)
    client = login(owner)
    url = reverse("shipments:container_add", args=[shipment.pk])
    bad = client.post(url, {"number": "MSCU1234567", "size_type": "22G1"}, **HTMX)
    assert "its check digit should be 6" in text(bad)
    good = client.post(
        url, {"number": "MSCU1234566", "size_type": "22G1", "seals": "A1, B2", "goods_lines": [line.pk]}, **HTMX
    )
    assert good.status_code == 204
    container = Container.objects.unscoped().get()
    assert (container.seals, list(ContainerLoad.objects.unscoped().values_list("goods_line_id", flat=True))) == (
        ["A1", "B2"],
        [line.pk],
    )
    edit = client.get(reverse("shipments:container_edit", args=[shipment.pk, container.pk]))
    assert 'value="A1, B2"' in text(edit)
    client.post(reverse("shipments:container_delete", args=[shipment.pk, container.pk]))
    assert Container.objects.unscoped().count() == 0


def test_editing_keeps_a_deactivated_party_and_one_past_the_lists_limit(
    login, owner, enterprise, setting, consignor, consignee, monkeypatch
):
    monkeypatch.setattr(party_selectors, "CHOICE_LIMIT", 1)  # the list holds "Aachen Spedition" only
    PartyFactory.create(enterprise=enterprise, name_local="Aachen Spedition")
    shipment = ShipmentFactory.create(enterprise=enterprise, consignor=consignor, consignee=consignee)
    consignor.is_active = False
    consignor.save()
    client = login(owner)
    url = reverse("shipments:edit", args=[shipment.pk])
    page = text(client.get(url))
    assert (
        f'<option value="{consignor.pk}" selected>Hamburg Maschinenbau GmbH (inactive)</option>' in page,
        f'<option value="{consignee.pk}" selected>上海东方贸易有限公司</option>' in page,
    ) == (True, True)
    data = {**form_values(page, action=url), "customer_reference": ["PO-CHANGED"]}
    assert client.post(url, data).status_code == 302
    shipment.refresh_from_db()
    assert (shipment.customer_reference, shipment.consignor_id, shipment.consignee_id) == (
        "PO-CHANGED",
        consignor.pk,
        consignee.pk,
    )
    # Choosing the deactivated party for another field is still refused.
    refused = client.post(url, {**data, "notify_party_id": [str(consignor.pk)]})
    assert refused.status_code == 422
    assert Shipment.objects.unscoped().get(pk=shipment.pk).notify_party_id is None


def test_editing_a_goods_line_keeps_its_inactive_product(login, owner, enterprise, setting):
    product = ProductFactory.create(enterprise=enterprise, sku="PUMP-OLD", name_en="Old gear pump", active=False)
    line = GoodsLineFactory.create(enterprise=enterprise, shipment__eta=ETA, product=product, line_number=1)
    client = login(owner)
    url = reverse("shipments:goods_edit", args=[line.shipment_id, line.pk])
    page = text(client.get(url))
    assert "PUMP-OLD Old gear pump (inactive)</option>" in page
    data = {**form_values(page, action=url), "description": ["Gear pumps, spare"]}
    assert client.post(url, data).status_code == 302
    line.refresh_from_db()
    assert (line.description, line.product_id) == ("Gear pumps, spare", product.pk)


def test_editing_a_container_keeps_and_changes_the_quantities_it_holds(login, owner, enterprise, setting):
    shipment = ShipmentFactory.create(enterprise=enterprise)
    line = GoodsLineFactory.create(enterprise=enterprise, shipment=shipment, line_number=1, quantity=Decimal("10"))
    load = ContainerLoadFactory.create(
        enterprise=enterprise, container__shipment=shipment, goods_line=line, quantity=Decimal("4")
    )
    client = login(owner)
    url = reverse("shipments:container_edit", args=[shipment.pk, load.container_id])
    page = text(client.get(url))
    assert f'name="load_quantity_{line.pk}" value="4"' in page
    unchanged = form_values(page, action=url)
    assert client.post(url, {**unchanged, "seals": ["SL999"]}).status_code == 302
    assert list(ContainerLoad.objects.unscoped().values_list("goods_line_id", "quantity")) == [
        (line.pk, Decimal("4.0000"))
    ]
    assert client.post(url, {**unchanged, f"load_quantity_{line.pk}": ["6"]}).status_code == 302
    assert ContainerLoad.objects.unscoped().get().quantity == Decimal("6.0000")

    add = reverse("shipments:container_add", args=[shipment.pk])
    box = {"number": "CSQU3054383", "goods_lines": [line.pk], f"load_quantity_{line.pk}": "5"}
    refused = client.post(add, box, **HTMX)
    assert refused.status_code == 200
    field = text(refused).split(f'id="id_load_quantity_{line.pk}"')[1]
    assert "Goods line 1 has 10 in all and other containers hold 6 of it: at most 4 more fits." in field
    assert Container.objects.unscoped().count() == 1
    assert client.post(add, {**box, f"load_quantity_{line.pk}": ""}, **HTMX).status_code == 204
    assert sorted(ContainerLoad.objects.unscoped().values_list("container__number", "quantity")) == [
        ("CSQU3054383", None),
        ("MSCU1234566", Decimal("6.0000")),
    ]


def test_transitions_and_milestones(login, owner, enterprise, setting):
    shipment = ShipmentFactory.create(
        enterprise=enterprise, transport_mode="2", port_of_loading="DEHAM", port_of_discharge="CNSHA"
    )
    client = login(owner)
    moved = client.post(reverse("shipments:transition", args=[shipment.pk]), {"t-status": "booked"})
    assert moved.status_code == 302
    shipment.refresh_from_db()
    assert shipment.status == "booked"
    refused = client.post(reverse("shipments:transition", args=[shipment.pk]), {"t-status": "cancelled"})
    assert (refused.status_code, "Say why the shipment is cancelled." in text(refused)) == (422, True)
    added = client.post(
        reverse("shipments:milestone_add", args=[shipment.pk]),
        {"m-kind": "gate_in", "m-occurred_at": "2026-03-01T08:00", "m-location": "DEHAM", "m-note": "Gate 4"},
    )
    assert added.status_code == 302
    assert list(Milestone.objects.unscoped().values_list("kind", flat=True).order_by("pk")) == ["status", "gate_in"]
    timeline = text(client.get(reverse("shipments:detail", args=[shipment.pk]), {"tab": "timeline"}))
    assert "Gate in at terminal" in timeline


def test_viewers_read_but_cannot_change_and_partners_see_clients(login, enterprise, make_member, setting):
    shipment = ShipmentFactory.create(enterprise=enterprise)
    viewer = login(make_member(enterprise, "viewer").user)
    detail = text(viewer.get(reverse("shipments:detail", args=[shipment.pk])))
    assert reverse("shipments:edit", args=[shipment.pk]) not in detail
    assert viewer.get(reverse("shipments:edit", args=[shipment.pk])).status_code == 403
    assert viewer.get(reverse("shipments:create")).status_code == 403
    assert viewer.post(reverse("shipments:delete", args=[shipment.pk])).status_code == 403
    partner = EnterpriseFactory.create()
    PartnerGrantFactory.create(grantor=enterprise, grantee=partner, module="shipments", access="write")
    broker = login(make_member(partner, "operator").user)
    assert shipment.job_number in text(broker.get(reverse("shipments:list")))
    assert broker.post(reverse("shipments:delete", args=[shipment.pk])).status_code == 302
    assert Shipment.objects.unscoped().count() == 0
    stranger = login(make_member(EnterpriseFactory.create(), "owner").user)
    other = ShipmentFactory.create(enterprise=enterprise)
    assert stranger.get(reverse("shipments:detail", args=[other.pk])).status_code == 404
    assert ContainerFactory.create(enterprise=enterprise, shipment=other).number == "MSCU1234566"


def test_packages_on_the_form_and_the_detail_page(login, owner, enterprise, setting):
    shipment = ShipmentFactory.create(enterprise=enterprise)
    client = login(owner)
    form = text(client.get(reverse("shipments:edit", args=[shipment.pk])))
    assert ('name="package_type"' in form, '<option value="22">22 ' in form) == (True, True)
    bad = client.post(reverse("shipments:edit", args=[shipment.pk]), {"package_type": "22", "package_count": "0"})
    assert bad.status_code == 422
    assert "The number must be at least 1." in text(bad)
    zh = client.post(
        reverse("shipments:edit", args=[shipment.pk]),
        {"package_type": "22"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "请填写该包装种类的件数。" in text(zh)
    good = client.post(
        reverse("shipments:edit", args=[shipment.pk]),
        {"package_type": "22", "package_count": "36", "gross_weight_kg": "950.5"},
    )
    assert good.status_code == 302
    detail = text(client.get(reverse("shipments:detail", args=[shipment.pk])))
    assert '<dd data-testid="packages">36 × 22 Box or case of paper or fibreboard</dd>' in detail
    assert "950.5" in detail
    assert "950.5000" not in detail  # shown as typed, without trailing zeros


def test_save_use_and_delete_a_view(login, owner, enterprise, make_member, setting):
    ShipmentFactory.create(enterprise=enterprise, job_number="IM-2026-00001", port_of_loading="DEHAM")
    ShipmentFactory.create(enterprise=enterprise, job_number="EX-2026-00001", direction="export")
    client = login(owner)
    listed = text(client.get(reverse("shipments:list"), {"direction": "import", "page": "1"}))
    assert '<input type="hidden" name="query" value="direction=import"' in listed
    bad = client.post(reverse("shipments:view_create"), {"name": "", "query": "direction=import"})
    assert bad.status_code == 422
    assert ("This field is required." in text(bad), "EX-2026-00001" in text(bad)) == (True, False)
    zh = client.post(
        reverse("shipments:view_create"), {"name": "x", "query": "port=HAMBURG"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "请以 5 位 UN/LOCODE 填写港口，例如 CNSHA。" in text(zh)
    saved = client.post(
        reverse("shipments:view_create"), {"name": "My imports", "query": "direction=import&page=3&x=1"}
    )
    assert saved.status_code == 302
    assert saved["Location"] == reverse("shipments:list") + "?direction=import"
    view = SavedView.objects.unscoped().get()
    assert (view.name, view.filters, view.user) == ("My imports", {"direction": "import"}, owner)
    page = text(client.get(saved["Location"]))
    assert (
        f'<a href="{reverse("shipments:list")}?direction=import" class="active" aria-current="true">My imports</a>'
        in page
    )
    colleague = login(make_member(enterprise, "operator").user)
    assert "My imports</a>" not in text(colleague.get(reverse("shipments:list")))
    assert colleague.post(reverse("shipments:view_delete", args=[view.pk])).status_code == 404
    deleted = client.post(reverse("shipments:view_delete", args=[view.pk]))
    assert (deleted.status_code, SavedView.objects.unscoped().count()) == (302, 0)


def test_the_handling_partner_on_the_form_the_list_and_the_detail(login, owner, enterprise, make_member, setting):
    forwarder = EnterpriseFactory.create(name="Hengtong Logistics")
    PartnerGrantFactory.create(grantor=enterprise, grantee=forwarder, module="shipments", access="write")
    handled = ShipmentFactory.create(enterprise=enterprise, handling_partner=forwarder)
    alone = ShipmentFactory.create(enterprise=enterprise)
    client = login(owner)
    edit = reverse("shipments:edit", args=[alone.pk])
    page = text(client.get(edit))
    assert f'<option value="{forwarder.pk}">Hengtong Logistics</option>' in page
    assert (
        client.post(edit, {**form_values(page, action=edit), "handling_partner_id": [str(forwarder.pk)]}).status_code
        == 302
    )
    assert Shipment.objects.unscoped().get(pk=alone.pk).handling_partner == forwarder
    stranger = EnterpriseFactory.create()
    refused = client.post(edit, {**form_values(page, action=edit), "handling_partner_id": [str(stranger.pk)]})
    assert refused.status_code == 422
    detail = text(client.get(reverse("shipments:detail", args=[handled.pk])))
    assert 'data-testid="handling-partner">Hengtong Logistics</dd>' in detail
    assert "代理企业" not in detail
    listed = text(client.get(reverse("shipments:list"), {"handled_by": forwarder.pk}))
    assert (handled.job_number in listed, 'data-testid="handled-by">Hengtong Logistics' in listed) == (True, True)
    zh = text(client.get(reverse("shipments:list"), HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "代理企业" in zh
    broker = login(make_member(forwarder, "operator").user)
    created = broker.post(reverse("shipments:create"), {"enterprise_id": enterprise.pk, "direction": "import"})
    assert created.status_code == 302
    assert Shipment.objects.unscoped().latest("pk").handling_partner == forwarder
