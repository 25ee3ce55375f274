from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from cpass.reference.models import CodeEntry

pytestmark = pytest.mark.django_db


def test_pages_for_a_signed_in_user(login, owner):
    client = login(owner)
    index = client.get("/reference/")
    assert index.status_code == 200
    assert "Units of quantity" in index.content.decode()
    table = client.get("/reference/country/", {"q": "german"})
    page = table.content.decode()
    assert "DEU" in page
    assert "Add entry" not in page
    dated = client.get("/reference/trade_mode/", {"q": "9710", "on": "2020-06-30"})
    assert "9710" not in dated.content.decode().split("code-entries")[1]
    entry = CodeEntry.objects.get(table__key="unit", code="035")
    detail = client.get(f"/reference/entries/{entry.pk}/")
    assert "千克" in detail.content.decode()
    assert "Edit" not in detail.content.decode()
    assert client.get(f"/reference/entries/{entry.pk}/edit/").status_code == 403
    assert client.post(f"/reference/entries/{entry.pk}/edit/", {"name_en": "X", "name_zh": "某"}).status_code == 403
    assert client.get("/reference/unit/new/").status_code == 403
    assert client.get("/reference/nope/").status_code == 404
    assert client.get("/reference/entries/999999/").status_code == 404


def test_chinese_page(login, owner):
    client = login(owner)
    client.cookies["cpass_language"] = "zh-hans"
    page = client.get("/reference/").content.decode()
    assert "代码表" in page
    assert "计量单位" in page
    # Each table's source in the reader's language too.
    assert ("海关统计计量单位" in page, "customs statistics units of quantity" in page) == (True, False)
    client.cookies["cpass_language"] = "en"
    english = client.get("/reference/unit/").content.decode()
    assert "customs statistics units of quantity" in english


def test_staff_add_and_edit(login, staff):
    client = login(staff)
    assert "Add entry" in client.get("/reference/unit/").content.decode()
    bad = client.post(
        "/reference/unit/new/", {"code": "035", "name_en": "Kg", "name_zh": "千克", "valid_from": "2027-01-01"}
    )
    assert bad.status_code == 422
    assert "overlaps" in bad.content.decode()
    made = client.post(
        "/reference/unit/new/",
        {
            "code": "035",
            "name_en": "Kg",
            "name_zh": "千克",
            "valid_from": "2027-01-01",
            "close_previous": "on",
            "attributes": '{"rec20": "KGM"}',
        },
    )
    assert made.status_code == 302
    new = CodeEntry.objects.get(table__key="unit", code="035", valid_from="2027-01-01")
    assert made["Location"] == f"/reference/entries/{new.pk}/"
    detail = client.get(made["Location"]).content.decode()
    assert "2026-12-31" in detail
    assert "change-history" in detail
    edited = client.post(
        f"/reference/entries/{new.pk}/edit/",
        {"name_en": "Kilogram", "name_zh": "千克", "valid_from": "2027-01-01", "attributes": "[1]"},
    )
    assert edited.status_code == 422
    edited = client.post(
        f"/reference/entries/{new.pk}/edit/",
        {"name_en": "Kilogram", "name_zh": "千克", "valid_from": "2027-01-01", "attributes": ""},
    )
    assert edited.status_code == 302
    new.refresh_from_db()
    assert (new.name_en, new.attributes) == ("Kilogram", {})


def test_code_name_filter():
    template = Template(
        '{% load reference %}{{ c|code_name:"country" }}|{{ x|code_name:"country" }}|{{ n|code_name:"unit" }}'
    )
    with translation.override("zh-hans"):
        assert template.render(Context({"c": "CHN", "x": "QQQ", "n": None})) == "中国|QQQ|"
    with translation.override("en"):
        assert template.render(Context({"c": "CHN", "x": "QQQ", "n": None})) == "China|QQQ|"
