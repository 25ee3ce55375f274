"""A declarant's import declaration in a real browser, on the demo world: prepare it from the shipment, see the
fields the rules flag and fix them inline, complete the items, validate and submit; the sandbox customs (Huey in
immediate mode, no delays) accepts and releases it, the timeline shows the receipts; then the page in Chinese."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from cpass.core.demo import DEMO_PASSWORD, TRADER_PEOPLE, load_demo
from cpass.shipments.models import Shipment
from tests.support import load_builtin_code_tables

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_email", email)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def test_prepare_check_file_and_follow_a_declaration(live_server, page: Page, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CPASS_SANDBOX_GATEWAY_DELAYS = [0]
    settings.CPASS_SANDBOX_INSPECTION_RATE = 0
    load_builtin_code_tables()  # an earlier transactional test emptied them
    load_demo()
    base = live_server.url
    shipment = Shipment.objects.unscoped().get(customer_reference="DEMO-PO-2026-0412")
    _log_in(page, base, TRADER_PEOPLE[2][0])

    page.goto(f"{base}/shipments/{shipment.pk}/")
    section = page.get_by_test_id("shipment-declarations")
    section.get_by_role("button", name="Prepare declaration").click()
    expect(page.locator("h1")).to_contain_text(re.compile(r"DC-\d{4}-\d{5}"))
    expect(page.get_by_test_id("status")).to_have_text("Draft")
    expect(page.get_by_test_id("sandbox")).to_be_visible()

    page.get_by_role("link", name="Validation").click()
    errors = page.get_by_test_id("validation-errors")
    expect(errors).to_contain_text("Enter the trade mode")
    errors.get_by_role("link", name=re.compile("Enter the trade mode")).click()

    # The header form: the flagged field says why, and the check clears as soon as it is fixed (HTMX).
    expect(page.get_by_test_id("check-trade_mode")).to_contain_text("Enter the trade mode")
    page.select_option("#id_trade_mode", "0110")
    expect(page.get_by_test_id("check-trade_mode")).not_to_contain_text("Enter the trade mode")
    page.fill("#id_imo_number", "9703292")
    page.locator("#id_imo_number").blur()
    expect(page.get_by_test_id("check-imo_number")).to_contain_text("IMO")
    page.fill("#id_imo_number", "9703291")
    page.select_option("#id_levy_nature", "101")
    page.select_option("#id_declarant_id", label="上海恒通国际物流有限公司")
    page.fill("#id_entry_exit_port", "310301")
    page.fill("#id_goods_location", "上海外高桥保税物流园区")
    page.fill("#id_net_weight_kg", "519.6")
    page.select_option("#id_freight_mode", "total")
    page.fill("#id_freight_value", "1200")
    page.select_option("#id_freight_currency", "EUR")
    page.select_option("#id_insurance_mode", "rate")
    page.fill("#id_insurance_value", "0.3")
    page.check("#id_self_assessment")
    page.locator("#id_self_assessment").blur()
    expect(page.get_by_test_id("check-freight_value")).not_to_contain_text("freight")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="The declaration has been saved.")).to_be_visible()

    # Each item needs its domestic destination (境内目的地): fixed in the item's form, whose fields are checked
    # inline as they change.
    page.get_by_role("link", name=re.compile(r"Items \(2\)")).click()
    for number in (1, 2):
        page.locator(f"#item-{number}").get_by_role("link", name="Edit").click()
        expect(page.get_by_test_id("item-form")).to_be_visible()
        expect(page.get_by_test_id("check-domestic_area")).to_contain_text("domestic destination")
        if number == 1:
            quantity = page.locator("#id_quantity").input_value()
            page.fill("#id_quantity", "-3")
            page.locator("#id_quantity").blur()
            expect(page.get_by_test_id("check-quantity")).to_contain_text("The value cannot be negative.")
            page.fill("#id_quantity", quantity)
        page.fill("#id_domestic_area", "31222")
        page.locator("#id_domestic_area").blur()
        expect(page.get_by_test_id("check-domestic_area")).not_to_contain_text("domestic destination")
        page.get_by_test_id("item-form").get_by_role("button", name="Save").click()
        expect(page.locator(f"#item-{number}")).to_contain_text("31222")

    page.get_by_role("link", name="Validation").click()
    expect(page.get_by_test_id("validation-errors")).to_have_count(0)
    page.get_by_test_id("step-validate").click()
    expect(page.get_by_test_id("status")).to_have_text("Validated")
    page.get_by_test_id("step-submit").click()

    # The sandbox customs answers at once here: accepted with an entry number, then released (self-assessed).
    expect(page.get_by_test_id("status")).to_have_text("Released")
    expect(page.get_by_test_id("entry-number")).to_have_text(re.compile(r"^\d{18}$"))
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Accepted")
    expect(timeline).to_contain_text("Released")
    page.get_by_role("link", name="Gateway").click()
    expect(page.get_by_test_id("receipts")).to_contain_text("P")
    expect(page.get_by_test_id("submissions")).to_contain_text("Single Window XML")

    page.select_option("#language", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("nav.tabs")).to_contain_text("时间线")
    expect(page.locator(".mainnav")).to_contain_text("货运业务")


def test_an_administrator_chooses_the_customs_connection(live_server, page: Page) -> None:  # type: ignore[no-untyped-def]
    load_builtin_code_tables()
    load_demo()
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_email", TRADER_PEOPLE[1][0])  # Chen Jing, administrator, reads Chinese
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    page.goto(f"{base}/customs/declarations/")
    page.get_by_test_id("connection-link").click()
    expect(page.locator("h1")).to_have_text("海关申报通道")
    expect(page.get_by_test_id("connection-in-effect")).to_contain_text("平台默认")
    page.select_option("#id_gateway", "sandbox-edifact")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status").filter(has_text="海关申报通道已保存。")).to_be_visible()
    expect(page.get_by_test_id("connection-in-effect")).to_contain_text("沙箱海关（UN/EDIFACT）")

    page.select_option("#language", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    in_effect = page.get_by_test_id("connection-in-effect")
    expect(in_effect).to_contain_text("Sandbox customs (UN/EDIFACT)")
    expect(in_effect).to_contain_text("Chosen by your enterprise.")
    expect(page.get_by_test_id("sandbox")).to_be_visible()
