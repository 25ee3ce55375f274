"""The first journey of a new customer, in a real browser: register, verify the e-mail, log in,
create the enterprise, invite a colleague who registers and accepts, and switch to Chinese."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from cpass.organizations.tests.factories import make_uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Harbour-Lights-2026"


def _link(pattern: str, to: str) -> str:
    """The path of the newest link matching `pattern` in the mail sent to `to`."""
    for message in reversed(mail.outbox):
        if to in message.to:
            match = re.search(r"https?://[^/\s]+(/" + pattern + r"[^\s\"<]*)", message.body)
            if match:
                return match.group(1)
    raise AssertionError(f"no mail to {to} with a link matching {pattern}: {[m.subject for m in mail.outbox]}")


def _register_and_verify(page: Page, base: str, *, name: str, email: str, next_path: str = "") -> None:
    page.goto(f"{base}/accounts/register/{next_path}")
    page.fill("#id_name", name)
    page.fill("#id_email", email)
    page.fill("#id_phone", "13800138000")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_confirm", PASSWORD)
    page.check("#id_accept_policy")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("main")).to_contain_text(email)
    page.goto(base + _link("accounts/verify/", email))
    expect(page.locator(".messages, main").first).to_contain_text(re.compile("verified", re.IGNORECASE))


def _log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    if page.locator("#id_email").count() == 0:
        return  # verification already signed this browser in
    page.fill("#id_email", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_new_customer_journey(live_server, page: Page, browser: Browser) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url

    _register_and_verify(page, base, name="Zhou Lan", email="zhou.lan@example.com")
    _log_in(page, base, "zhou.lan@example.com")
    page.goto(f"{base}/dashboard/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    page.goto(f"{base}/enterprise/new/")
    page.fill("#id_name", "上海兰舟贸易有限公司")
    page.fill("#id_name_en", "Shanghai Lanzhou Trading Co., Ltd.")
    page.select_option("#id_kind", "trader")
    page.fill("#id_uscc", make_uscc(4242))
    page.get_by_role("button", name="Create enterprise").click()
    expect(page.locator("main")).to_contain_text("上海兰舟贸易有限公司")
    expect(page.get_by_test_id("enterprise-switcher")).to_contain_text("上海兰舟贸易有限公司")

    page.goto(f"{base}/enterprise/invitations/")
    panel = page.locator("#invitations-panel")
    panel.locator("input[name=email]").fill("sun.hao@example.com")
    panel.locator("select[name=role]").select_option("operator")
    panel.get_by_role("button", name="Send invitation").click()
    expect(page.locator("#invitations-panel")).to_contain_text("sun.hao@example.com")
    invitation_path = _link("enterprise/invitation/", "sun.hao@example.com")

    colleague = browser.new_context(locale="en-US").new_page()
    _register_and_verify(colleague, base, name="Sun Hao", email="sun.hao@example.com")
    _log_in(colleague, base, "sun.hao@example.com")
    colleague.goto(base + invitation_path)
    colleague.get_by_role("button", name="Accept").click()
    expect(colleague.get_by_test_id("enterprise-switcher")).to_contain_text("上海兰舟贸易有限公司")

    page.goto(f"{base}/enterprise/members/")
    expect(page.locator("main")).to_contain_text("Sun Hao")

    page.get_by_test_id("language-switcher").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("nav.mainnav")).to_contain_text("工作台")
    page.goto(f"{base}/dashboard/")
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    colleague.context.close()
