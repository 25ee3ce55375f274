"""A broker's import job in a real browser, on the demo world: open a shipment with the port typeahead, add a
goods line with its HS code, add a container (a wrong check digit is explained inline), book it and see the
timeline; then ask the duty calculator what a car from Germany costs and read how each figure was made."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from cpass.core.demo import DEMO_PASSWORD, TRADER_PEOPLE, load_demo
from tests.support import load_builtin_code_tables

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_email", email)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def test_import_job_and_duty_journey(live_server, page: Page) -> None:  # type: ignore[no-untyped-def]
    load_builtin_code_tables()  # an earlier transactional test emptied them
    load_demo()
    base = live_server.url
    _log_in(page, base, TRADER_PEOPLE[2][0])

    page.goto(f"{base}/shipments/new/")
    page.select_option("#id_direction", "import")
    page.fill("#id_customer_reference", "PO-2026-7781")
    page.select_option("#id_transport_mode", "2")
    page.locator("#id_port_of_loading").press_sequentially("Hamb", delay=40)
    expect(page.locator("#id_port_of_loading-locodes option[value=DEHAM]")).to_be_attached()
    page.fill("#id_port_of_loading", "DEHAM")
    page.fill("#id_port_of_discharge", "CNSHA")
    page.fill("#id_vessel_name", "MSC ALINA")
    page.fill("#id_imo_number", "9074729")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_contain_text(re.compile(r"IM-\d{4}-\d{5}"))
    expect(page.get_by_test_id("status")).to_have_text("Draft")

    page.get_by_role("link", name="Goods").click()
    page.get_by_role("link", name="Add goods line").click()
    page.fill("#id_description", "Hydraulic gear pumps HGP-40")
    page.fill("#id_hs_code", "8413602100")
    page.fill("#id_quantity", "240")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#shipment-panel .errorlist")).to_contain_text("Give the unit of the quantity.")
    page.select_option("#id_trade_unit", "007")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("goods")).to_contain_text("8413602100")

    page.get_by_role("link", name="Containers").click()
    page.get_by_role("link", name="Add container").click()
    page.fill("#id_number", "MSCU1234567")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#shipment-panel .errorlist")).to_contain_text("6")
    page.fill("#id_number", "MSCU1234566")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("containers")).to_contain_text("MSCU1234566")

    page.get_by_role("link", name="Overview").click()
    page.select_option("#id_t-status", "booked")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_test_id("status")).to_have_text("Booked")
    page.get_by_role("link", name="Timeline").click()
    expect(page.get_by_test_id("timeline")).to_contain_text("Booked")

    page.goto(f"{base}/customs/calculator/")
    page.select_option("#id_terms", index=4)  # CIF: nothing to add
    page.fill("#id_items-0-code", "8703234100")
    page.fill("#id_items-0-origin", "DEU")
    page.fill("#id_items-0-price", "30000")
    page.fill("#id_items-0-currency", "EUR")
    page.fill("#id_items-0-quantity_1", "1")
    page.get_by_role("button", name="Calculate").click()
    expect(page.get_by_test_id("total-payable")).to_contain_text("CNY")
    trace = page.get_by_test_id("trace").first
    trace.locator("summary", has_text="Import duty").click()
    expect(trace).to_contain_text("15")
