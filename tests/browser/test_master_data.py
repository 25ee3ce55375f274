"""A trade operator's first day with master data, in a real browser, on the demo world: classify a product
with the HS typeahead and fill its declaration elements with the live 规格型号 preview, look up the tariff,
add a supplier that resembles a restricted party and see it held for review, then work in Chinese."""

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


def test_master_data_journey(live_server, page: Page) -> None:  # type: ignore[no-untyped-def]
    load_builtin_code_tables()  # an earlier transactional test emptied them
    load_demo()
    base = live_server.url
    operator_email = TRADER_PEOPLE[2][0]
    _log_in(page, base, operator_email)
    expect(page.get_by_test_id("dashboard-parties")).to_contain_text("under review or blocked")

    # A new product, classified with the typeahead; its elements appear for the code, the preview follows.
    page.goto(f"{base}/products/new/")
    page.fill("#id_sku", "NB-14-2026")
    page.fill("#id_name_zh", "笔记本电脑")
    page.fill("#id_name_en", "Laptop computer")
    page.locator("#id_hs_code").press_sequentially("8471", delay=40)
    expect(page.locator("#id_hs_code-hs-options option").first).to_be_attached()
    page.fill("#id_hs_code", "8471300000")
    page.locator("#id_hs_code").press("Tab")  # leaving the field fires "change": the elements load
    expect(page.get_by_test_id("tariff-line")).to_contain_text("Portable automatic data processing")
    page.select_option("#id_el_brand_type", "4")
    page.select_option("#id_el_export_preference", "0")
    page.fill("#id_el_use", "办公用")
    page.fill("#id_el_weight", "1.4kg")
    page.fill("#id_el_brand", "ThinkPad")
    page.fill("#id_el_model", "T14 Gen 5")
    expect(page.get_by_test_id("spec-preview")).to_contain_text("4|0|办公用|1.4kg|ThinkPad|T14 Gen 5")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("8471300000")
    expect(page.locator("main")).to_contain_text("NB-14-2026")

    # The reference hub leads to the tariff; the lookup explains the rate for an origin on a date.
    page.goto(f"{base}/reference/")
    page.get_by_test_id("reference-sections").get_by_role("link", name="Tariff").click()
    expect(page).to_have_url(re.compile(r"/tariff/"))
    page.goto(f"{base}/tariff/lookup/")
    page.locator("#id_code").press_sequentially("2204", delay=40)  # the typeahead asks the chosen jurisdiction
    expect(page.locator("#id_code-hs-options option[value^='2204']").first).to_be_attached()
    page.goto(f"{base}/tariff/lookup/?jurisdiction=CN&code=2204210000&date=2026-11-20&origin=CHL")
    expect(page.locator("#tariff-lookup")).to_contain_text("CN-CL")

    # A supplier that resembles a listed entity is screened at once and held for a person to decide.
    page.goto(f"{base}/parties/new/")
    page.check("input[name=roles][value=overseas_supplier]")
    page.fill("#id_name_local", "Red Falcon General Trading L.L.C.")
    page.select_option("#id_country", "ARE")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("screening-status")).to_have_text("Under review")

    # The same pages in Chinese.
    page.get_by_test_id("language-switcher").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("nav.mainnav")).to_contain_text("商品")
    page.goto(f"{base}/products/")
    expect(page.locator("main")).to_contain_text("笔记本电脑")
