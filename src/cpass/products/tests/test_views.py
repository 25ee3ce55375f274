from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cpass.organizations.tests.factories import EnterpriseFactory, MembershipFactory, PartnerGrantFactory
from cpass.products.models import ClassificationChange, Product, ProductImage
from cpass.products.tests.conftest import PUMP, PUMP_2, PUMP_VALUES
from cpass.products.tests.factories import ProductFactory, ProductImageFactory, png_bytes

pytestmark = pytest.mark.django_db


def _element_data(values: dict[str, str]) -> dict[str, str]:
    return {f"el_{key}": value for key, value in values.items()}


def test_list_filters_and_pagination(cn_tariff, login, owner, enterprise):  # type: ignore[no-untyped-def]
    for n in range(27):
        ProductFactory.create(enterprise=enterprise, sku=f"P-{n:02d}", hs_code=PUMP if n % 2 else "")
    ProductFactory.create(sku="HIDDEN-SKU")
    client = login(owner)
    page = client.get(reverse("products:list"))
    assert page.status_code == 200
    assert b"P-00" in page.content
    assert b"HIDDEN-SKU" not in page.content
    assert b"Page 1 of 2" in page.content
    filtered = client.get(reverse("products:list"), {"classified": "no", "q": "P-0"})
    assert b"P-02" in filtered.content
    assert b"P-01" not in filtered.content
    zh = client.get(reverse("products:list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "商品".encode() in zh.content


def test_create_with_elements_and_inline_errors(cn_tariff, login, owner, enterprise):  # type: ignore[no-untyped-def]
    client = login(owner)
    form = client.get(reverse("products:create"))
    assert form.status_code == 200
    data = {"enterprise_id": enterprise.pk, "sku": "HGP-40", "name_zh": "齿轮泵", "hs_code": PUMP, "active": "on"}
    bad = client.post(
        reverse("products:create"), {**data, "net_weight_kg": "5", "gross_weight_kg": "4", "el_brand_type": "4"}
    )
    assert bad.status_code == 422
    content = bad.content.decode()
    assert "cannot exceed the gross weight" in content
    assert "is a required declaration element" in content  # inline on the element inputs
    good = client.post(reverse("products:create"), {**data, **_element_data(PUMP_VALUES)})
    assert good.status_code == 302
    product = Product.objects.unscoped().get(sku="HGP-40")
    detail = client.get(good["Location"]).content.decode()
    assert "4|3|液压系统用|Bosch Rexroth|HGP-40" in detail
    assert "007" in detail  # legal unit from the tariff line
    assert reverse("classification:assistant") + "?text=" in detail
    assert product.element_values == PUMP_VALUES


def test_classify_page_requires_reason(cn_tariff, login, owner, enterprise):  # type: ignore[no-untyped-def]
    product = ProductFactory.create(enterprise=enterprise, hs_code=PUMP, element_values=PUMP_VALUES)
    client = login(owner)
    url = reverse("products:classify", args=[product.pk])
    assert client.get(url, {"code": PUMP_2, "source": "assistant"}).status_code == 200
    data = {"hs_code": PUMP_2, "source": "manual", **_element_data(PUMP_VALUES)}
    refused = client.post(url, data)
    assert refused.status_code == 422
    assert "Say why the classification changes" in refused.content.decode()
    assert client.post(url, {**data, "reason": "Vane pump"}).status_code == 302
    change = ClassificationChange.objects.unscoped().filter(product=product).get()
    assert (change.previous_code, change.new_code, change.reason) == (PUMP, PUMP_2, "Vane pump")


def test_htmx_partials(cn_tariff, login, owner):  # type: ignore[no-untyped-def]
    client = login(owner)
    elements = client.get(reverse("products:elements"), {"hs_code": PUMP, "el_model": "HGP-40"}).content.decode()
    assert 'name="el_brand_type"' in elements
    assert 'value="HGP-40"' in elements
    assert "Gear pumps for hydraulic systems" in elements
    unknown = client.get(reverse("products:elements"), {"hs_code": "8413602199"}).content.decode()
    assert "no tariff line" in unknown
    preview = client.get(reverse("products:spec_preview"), {"hs_code": PUMP, **_element_data(PUMP_VALUES)})
    assert "4|3|液压系统用|Bosch Rexroth|HGP-40" in preview.content.decode()


def test_images_page_flow_and_tenancy(cn_tariff, login, owner, enterprise):  # type: ignore[no-untyped-def]
    product = ProductFactory.create(enterprise=enterprise)
    client = login(owner)
    fake = client.post(
        reverse("products:image_add", args=[product.pk]), {"image": SimpleUploadedFile("x.png", b"nope")}, follow=True
    )
    assert "not an image" in fake.content.decode()
    client.post(reverse("products:image_add", args=[product.pk]), {"image": SimpleUploadedFile("p.png", png_bytes())})
    image = ProductImage.objects.unscoped().get(product=product)
    assert client.get(reverse("products:image", args=[product.pk, image.pk]))["Content-Type"] == "image/png"
    stranger = login(MembershipFactory.create(enterprise=EnterpriseFactory.create(), role="owner").user)
    assert stranger.get(reverse("products:image", args=[product.pk, image.pk])).status_code == 404
    assert stranger.get(reverse("products:detail", args=[product.pk])).status_code == 404


def test_viewer_sees_no_write_actions(cn_tariff, login, enterprise, make_member):  # type: ignore[no-untyped-def]
    product = ProductFactory.create(enterprise=enterprise)
    client = login(make_member(enterprise, "viewer").user)
    detail = client.get(reverse("products:detail", args=[product.pk])).content.decode()
    assert reverse("products:edit", args=[product.pk]) not in detail
    assert client.get(reverse("products:edit", args=[product.pk])).status_code == 403
    assert client.get(reverse("products:create")).status_code == 403
    suggest = re.search(r'href="([^"]+)" data-testid="suggest"', detail)
    assert suggest is not None
    assert "product=" not in suggest[1]  # the assistant, without classifying the product
    assert client.get(html.unescape(suggest[1])).status_code == 200


def test_excel_downloads(cn_tariff, login, owner, enterprise):  # type: ignore[no-untyped-def]
    ProductFactory.create(enterprise=enterprise)
    client = login(owner)
    for name in ("products:export", "products:template"):
        response = client.get(reverse(name))
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert b"".join(response.streaming_content)[:2] == b"PK"


def test_image_permissions(cn_tariff, login, enterprise, make_member):  # type: ignore[no-untyped-def]
    """Readers (a viewer, a partner with read access) see the images; only writers add or remove them."""
    image = ProductImageFactory.create(enterprise=enterprise)
    product = image.product
    serve = reverse("products:image", args=[product.pk, image.pk])
    add = reverse("products:image_add", args=[product.pk])
    remove = reverse("products:image_delete", args=[product.pk, image.pk])
    anonymous = Client()
    assert anonymous.get(serve).status_code == 302
    assert anonymous.post(add, {"image": SimpleUploadedFile("p.png", png_bytes())}).status_code == 302
    broker = EnterpriseFactory.create(name="Broker")
    PartnerGrantFactory.create(grantor=enterprise, grantee=broker, module="products", access="read")
    for reader in (make_member(enterprise, "viewer").user, make_member(broker, "owner").user):
        client = login(reader)
        served = client.get(serve)
        assert served.status_code == 200
        assert served["Cache-Control"] == "private, max-age=3600"
        assert b"".join(served.streaming_content).startswith(b"\x89PNG")
        detail = client.get(reverse("products:detail", args=[product.pk])).content.decode()
        assert serve in detail
        assert f'action="{add}"' not in detail
        assert client.post(add, {"image": SimpleUploadedFile("p.png", png_bytes())}).status_code == 403
        assert client.post(remove).status_code == 403
    assert ProductImage.objects.unscoped().count() == 1
    # Another product's id with this image's id: not found, even for the owner enterprise.
    other = ProductFactory.create(enterprise=enterprise)
    owner_client = login(make_member(enterprise, "owner").user)
    assert f'action="{add}"' in owner_client.get(reverse("products:detail", args=[product.pk])).content.decode()
    assert owner_client.get(reverse("products:image", args=[other.pk, image.pk])).status_code == 404
    assert owner_client.post(remove).status_code == 302
    assert not ProductImage.objects.unscoped().exists()


def test_missing_image_file_is_404(cn_tariff, login, owner, enterprise):  # type: ignore[no-untyped-def]
    image = ProductImageFactory.create(enterprise=enterprise)
    image.image.storage.delete(image.image.name)
    assert login(owner).get(reverse("products:image", args=[image.product_id, image.pk])).status_code == 404


def test_edit_and_delete(cn_tariff, login, owner, enterprise):  # type: ignore[no-untyped-def]
    product = ProductFactory.create(enterprise=enterprise, sku="OLD", hs_code=PUMP, element_values=PUMP_VALUES)
    client = login(owner)
    url = reverse("products:edit", args=[product.pk])
    page = client.get(url).content.decode()
    assert 'value="OLD"' in page
    assert "4|3|液压系统用|Bosch Rexroth|HGP-40" in page  # the preview of the stored values
    data = {"sku": "NEW", "name_zh": "齿轮泵", "hs_code": PUMP, "active": "on", **_element_data(PUMP_VALUES)}
    assert client.post(url, {**data, "gtin": "123"}).status_code == 422
    assert client.post(url, data).status_code == 302
    product.refresh_from_db()
    assert (product.sku, product.active) == ("NEW", True)
    assert client.post(reverse("products:delete", args=[product.pk])).status_code == 302
    assert not Product.objects.unscoped().exists()


def test_export_with_a_bad_filter_goes_back_to_the_list(cn_tariff, login, owner):  # type: ignore[no-untyped-def]
    client = login(owner)
    response = client.get(reverse("products:export"), {"hs_prefix": "84x"})
    assert response.status_code == 302
    assert response["Location"] == reverse("products:list") + "?hs_prefix=84x"
    listed = client.get(response["Location"]).content.decode()
    assert "An HS code prefix is 1 to 10 digits." in listed


def test_elements_partial_with_bad_ciq_code(cn_tariff, login, owner):  # type: ignore[no-untyped-def]
    client = login(owner)
    response = client.get(reverse("products:elements"), {"hs_code": PUMP, "ciq_code": "1\x00"})
    assert response.status_code == 200
    assert "The CIQ code has 3 digits." in response.content.decode()


def test_classify_page_prefills_the_assistants_code(cn_tariff, login, owner, enterprise):  # type: ignore[no-untyped-def]
    product = ProductFactory.create(enterprise=enterprise)
    page = login(owner).get(reverse("products:classify", args=[product.pk]), {"code": PUMP, "source": "assistant"})
    content = page.content.decode()
    assert f'value="{PUMP}"' in content
    assert '<option value="assistant" selected>' in content
    assert 'name="el_model"' in content


def test_detail_in_chinese(cn_tariff, login, owner, enterprise):  # type: ignore[no-untyped-def]
    product = ProductFactory.create(enterprise=enterprise, hs_code=PUMP, element_values=PUMP_VALUES)
    page = login(owner).get(reverse("products:detail", args=[product.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    content = page.content.decode()
    assert "申报要素" in content
    assert "归类历史" in content
    assert "品牌类型" in content  # the element's Chinese name from the template
