from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from cpass.classification.widgets import HsCodeInput
from cpass.products.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_search_page(nomenclature, login, owner):
    client = login(owner)
    page = client.get(reverse("classification:search"))
    assert page.status_code == 200
    response = client.get(reverse("classification:search"), {"q": "centrifugal pumps"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "841370" in html
    assert "Pumps; centrifugal pumps" in html
    assert "8413 Pumps for liquids" in html  # the path


def test_search_page_in_chinese(nomenclature, login, owner):
    response = login(owner).get(reverse("classification:search"), {"q": "冰箱"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "家用压缩式冰箱" in response.content.decode()
    assert "HS 编码查询" in response.content.decode()


def test_search_page_errors_inline(nomenclature, login, owner):
    client = login(owner)
    response = client.get(reverse("classification:search"), {"q": "x" * 300})
    assert response.status_code == 422
    assert "at most 200" in response.content.decode()
    partial = client.get(reverse("classification:search"), {"q": "x" * 300}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "at most 200" in partial.content.decode()
    assert "<html" not in partial.content.decode()


def test_typeahead_options(nomenclature, login, owner):
    client = login(owner)
    url = reverse("classification:typeahead")
    html = client.get(url, {"field": "hs_code", "hs_code": "8211", "jurisdiction": "CN"}).content.decode()
    assert '<option value="821191">821191 — Knives; table knives having fixed blades</option>' in html
    assert client.get(url, {"q": "x" * 10_000}).content.decode().strip() == ""
    assert client.get(url, {"q": '"; DROP'}).status_code == 200


def test_pages_need_login(client):
    response = client.get(reverse("classification:search"))
    assert response.status_code == 302


def test_assistant_page(nomenclature, login, owner):
    client = login(owner)
    assert client.get(reverse("classification:assistant")).status_code == 200
    html = client.get(reverse("classification:assistant"), {"text": "household refrigerator"}).content.decode()
    assert 'data-testid="suggestion"' in html
    assert "841821" in html
    assert "8418211000" in html
    bad = client.get(reverse("classification:assistant"), {"text": "x" * 2000})
    assert bad.status_code == 422


def test_assistant_for_a_product_links_each_code_to_its_classify_page(nomenclature, login, owner, enterprise):
    product = ProductFactory.create(enterprise=enterprise, name_en="Household refrigerator")
    url = reverse("classification:assistant")
    response = login(owner).get(url, {"text": "household refrigerator", "product": str(product.pk)})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="assistant-product"' in html
    assert f'<input type="hidden" name="product" value="{product.pk}">' in html
    classify = reverse("products:classify", args=[product.pk])
    assert f'href="{classify}?code=841821&amp;source=assistant"' in html
    assert f'href="{classify}?code=8418211000&amp;source=assistant"' in html
    # Without a product, no links to any classify page.
    plain = login(owner).get(url, {"text": "household refrigerator"}).content.decode()
    assert "source=assistant" not in plain


def test_assistant_for_a_product_one_cannot_change_is_404(
    nomenclature, login, owner, enterprise, other_enterprise, make_member
):
    url = reverse("classification:assistant")
    foreign = ProductFactory.create(enterprise=other_enterprise)
    for product in (str(foreign.pk), "999999", "abc", "1" * 30):
        assert login(owner).get(url, {"text": "pump", "product": product}).status_code == 404
    own = ProductFactory.create(enterprise=enterprise)
    viewer = make_member(enterprise, "viewer").user
    assert login(viewer).get(url, {"text": "pump", "product": str(own.pk)}).status_code == 404
    assert login(viewer).get(url, {"text": "pump"}).status_code == 200


def test_assistant_page_shows_how_chinese_was_read(nomenclature, login, owner):
    html = login(owner).get(reverse("classification:assistant"), {"text": "家用冰箱"}).content.decode()
    assert 'data-testid="translations"' in html
    assert "冰箱 → refrigerators" in html


def test_widget_renders_an_htmx_typeahead():
    class ProductForm(forms.Form):
        hs_code = forms.CharField(widget=HsCodeInput(jurisdiction="US"))

    html = str(ProductForm()["hs_code"])
    assert 'list="id_hs_code-hs-options"' in html
    assert 'hx-get="/classification/typeahead/?field=hs_code&amp;jurisdiction=US"' in html
    assert 'hx-trigger="input changed delay:200ms"' in html
    assert 'hx-target="#id_hs_code-hs-options"' in html
    assert '<datalist id="id_hs_code-hs-options"></datalist>' in html
    assert "hx-include" not in html


def test_typeahead_reads_the_jurisdiction_the_form_chose() -> None:
    class LookupForm(forms.Form):
        code = forms.CharField(widget=HsCodeInput(jurisdiction_from="#id_jurisdiction"))

    html = str(LookupForm()["code"])
    assert 'hx-get="/classification/typeahead/?field=code"' in html
    assert 'hx-include="#id_jurisdiction"' in html
    assert 'hx-select="unset"' in html  # an enclosing form's hx-select would drop the options
