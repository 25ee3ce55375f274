"""The duty calculator page: form, add-a-row, result with traces, inline errors, English and Chinese."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

URL = "/customs/calculator/"


def rows(*items: dict[str, str]) -> dict[str, str]:
    data = {"items-TOTAL_FORMS": str(len(items)), "items-INITIAL_FORMS": "0"}
    for index, item in enumerate(items):
        data.update({f"items-{index}-{key}": value for key, value in item.items()})
    return data


CAR = {"code": "8703233100", "origin": "DEU", "price": "30000", "currency": "EUR", "quantity_1": "1"}
FORM = {"date": "2026-03-10", "direction": "import", "terms": "CIF", "calculate": "1"}


def test_empty_form_and_add_a_row(login: Any, owner: Any) -> None:
    client = login(owner)
    page = client.get(URL).content.decode()
    assert page.count('data-testid="item-row"') == 2
    assert 'data-testid="calculation"' not in page
    added = client.get(URL, {**rows(CAR), "date": "2026-03-10", "terms": "FOB", "add": "1"}).content.decode()
    assert added.count('data-testid="item-row"') == 2
    assert 'value="8703233100"' in added
    assert Client().get(URL).status_code == 302


def test_calculation_shows_results_and_traces(login: Any, owner: Any, demo: None) -> None:
    client = login(owner)
    page = client.get(URL, {**FORM, **rows(CAR, {"currency": "USD"})}).content.decode()
    assert 'data-testid="calculation"' in page
    assert page.count('data-testid="trace"') == 1
    assert "Import duty" in page
    assert "The MFN rate 15% applies." in page
    chinese = client.get(URL, {**FORM, **rows(CAR)}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "进口关税" in chinese
    assert "关税计税价格" in chinese
    assert "税费计算器" in chinese
    assert "法律依据" in chinese


def test_landed_cost_per_trade_unit_and_a_bad_trade_unit_inline(login: Any, owner: Any, demo: None) -> None:
    client = login(owner)
    beer = {"code": "2203000000", "price": "1000", "currency": "CNY", "quantity_1": "988"}
    cans = client.get(URL, {**FORM, **rows({**beer, "trade_quantity": "2000", "trade_unit": "142"})})
    page = cans.content.decode()
    assert 'data-testid="per-trade-unit"' in page
    assert "Landed cost per trade unit" in page
    assert (
        "单位（成交计量单位）到岸完税成本"
        in client.get(
            URL,
            {**FORM, **rows({**beer, "trade_quantity": "2000", "trade_unit": "142"})},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        ).content.decode()
    )
    unknown = client.get(URL, {**FORM, **rows({**beer, "trade_quantity": "2000", "trade_unit": "ZZZ"})})
    assert "is not a code of the" in unknown.content.decode().split('name="items-0-trade_unit"')[1]


def test_a_certificate_of_origin_opens_the_agreement_rate(login: Any, owner: Any, demo: None) -> None:
    client = login(owner)
    pump = {"code": "8413602100", "origin": "KOR", "price": "10000", "currency": "CNY", "quantity_1": "10"}
    unclaimed = client.get(URL, {**FORM, **rows(pump)}).content.decode()
    assert "none is claimed, so it is not used" in unclaimed
    claimed = client.get(URL, {**FORM, **rows({**pump, "proof_of_origin": "on"})}).content.decode()
    assert "is lower than the MFN rate 8%, so it applies (with proof of origin)" in claimed
    kept = client.get(URL, {**FORM, **rows({**pump, "proof_of_origin": "on"}), "add": "1"}).content.decode()
    assert 'name="items-0-proof_of_origin" value="on" id="id_items-0-proof_of_origin" checked' in kept


def test_errors_are_inline(login: Any, owner: Any, demo: None) -> None:
    client = login(owner)
    page = client.get(URL, {**FORM, **rows({**CAR, "currency": "CHF"})}).content.decode()
    assert 'class="errorlist"><li>No CHF→CNY rate for 2026-03-10' in page
    freight = client.get(URL, {**FORM, "terms": "FOB", **rows(CAR)}).content.decode()
    assert "FOB prices exclude freight" in freight
    half = client.get(URL, {**FORM, "freight_mode": "total", **rows(CAR)}).content.decode()
    assert "Enter the amount or rate." in half
