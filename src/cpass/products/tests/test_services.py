from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cpass.classification import embeddings
from cpass.classification import services as classification_services
from cpass.classification.models import ConfirmedClassification
from cpass.core.errors import NotFound, PermissionDenied, ValidationFailed
from cpass.organizations.tests.factories import EnterpriseFactory, PartnerGrantFactory
from cpass.products import services
from cpass.products.models import ClassificationChange, ClassificationSource, Product, ProductImage
from cpass.products.tasks import product_learn_classifications_task
from cpass.products.tests.conftest import COFFEE, EXPIRED, PUMP, PUMP_2, PUMP_VALUES, TSHIRT
from cpass.products.tests.factories import ProductFactory, png_bytes

pytestmark = pytest.mark.django_db


def _errors(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in exc.value.errors.items()}


def _create(actor, **fields):  # type: ignore[no-untyped-def]
    return services.product_create(actor=actor, **{"sku": "HGP-40", "name_zh": "齿轮泵", **fields})


def test_create_full_product(cn_tariff, owner_actor, enterprise):  # type: ignore[no-untyped-def]
    product = _create(
        owner_actor,
        name_en="Hydraulic gear pump",
        specification="HGP-40, 40 cm³/rev",
        brand="Bosch Rexroth",
        gtin="4006381333931",
        origin_country="deu",
        trade_unit="007",
        net_weight_kg="12.5",
        gross_weight_kg=Decimal("14"),
        unit_price="850.00",
        currency="eur",
        hs_code="8413.60.21 00",
        element_values=PUMP_VALUES,
    )
    assert (product.enterprise_id, product.origin_country, product.currency, product.hs_code) == (
        enterprise.pk,
        "DEU",
        "EUR",
        PUMP,
    )
    assert (product.net_weight_kg, product.gross_weight_kg, product.unit_price) == (
        Decimal("12.5"),
        Decimal("14"),
        Decimal("850"),
    )
    assert services.declaration_specification(product) == "4|3|液压系统用|Bosch Rexroth|HGP-40"
    change = ClassificationChange.objects.for_actor(owner_actor).get(product=product)
    assert (change.previous_code, change.new_code, change.source, change.changed_by) == (
        "",
        PUMP,
        ClassificationSource.MANUAL,
        owner_actor.user,
    )
    learned = ConfirmedClassification.objects.for_actor(owner_actor).get(product_id=product.pk)
    assert learned.code == PUMP
    assert "齿轮泵" in learned.description


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"sku": "  "}, "sku", "Enter the SKU"),
        ({"sku": "A" * 65}, "sku", "At most 64"),
        ({"sku": "A\x01B"}, "sku", "control characters"),
        ({"name_zh": "", "name_en": ""}, "name_zh", "name in Chinese or English"),
        ({"name_en": "x" * 201}, "name_en", "At most 200"),
        ({"brand": "b" * 101}, "brand", "At most 100"),
        ({"gtin": "4006381333932"}, "gtin", "check digit"),
        ({"gtin": "12345"}, "gtin", "8, 12, 13 or 14 digits"),
        ({"gtin": "40063813339AB"}, "gtin", "8, 12, 13 or 14 digits"),
        ({"origin_country": "XXX"}, "origin_country", "country"),
        ({"origin_country": "DE"}, "origin_country", "country"),
        ({"trade_unit": "999"}, "trade_unit", "unit"),
        ({"currency": "ABC", "unit_price": "1"}, "currency", "currency"),
        ({"unit_price": "10"}, "currency", "currency of the unit price"),
        ({"unit_price": "abc", "currency": "USD"}, "unit_price", "not a number"),
        ({"unit_price": "-1", "currency": "USD"}, "unit_price", "negative"),
        ({"unit_price": "1.23456", "currency": "USD"}, "unit_price", "4 decimal places"),
        ({"unit_price": "NaN", "currency": "USD"}, "unit_price", "finite"),
        ({"net_weight_kg": "1e12"}, "net_weight_kg", "too large"),
        (
            {"net_weight_kg": "15", "gross_weight_kg": "14.5"},
            "net_weight_kg",
            "cannot exceed the gross weight (14.5 kg)",
        ),
        ({"hs_code": "84136021"}, "hs_code", "10 digits"),
        ({"hs_code": "8413602199"}, "hs_code", "no tariff line"),
        ({"hs_code": EXPIRED}, "hs_code", "not valid on"),
        ({"hs_code": PUMP, "ciq_code": "12"}, "ciq_code", "3 digits"),
        ({"hs_code": COFFEE}, "ciq_code", "CIQ sub-codes 101"),
        ({"ciq_code": "101"}, "ciq_code", "needs a commodity code"),
        ({"element_values": {"use": "x"}}, "elements", "need a commodity code"),
        ({"active": "maybe"}, "active", "1 (yes) or 0 (no)"),
        ({"name_en": "Pump\x00"}, "name_en", "control characters"),
        ({"specification": "A\x1bB"}, "specification", "control characters"),
        ({"origin_country": "D E"}, "origin_country", "not a code"),
        ({"unit_price": "1e400", "currency": "USD"}, "unit_price", "too large"),
        ({"hs_code": PUMP, "element_values": {**PUMP_VALUES, "use": "a\nb"}}, "elements.use", "line breaks"),
    ],
)
def test_every_field_is_checked(cn_tariff, owner_actor, fields, field, message):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as exc:
        _create(owner_actor, **fields)
    errors = _errors(exc)
    assert field in errors, errors
    assert message.lower() in " ".join(errors[field]).lower()
    assert not Product.objects.for_actor(owner_actor).exists()


def test_all_field_errors_come_at_once(cn_tariff, owner_actor):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as exc:
        _create(owner_actor, gtin="1", origin_country="ZZZ", net_weight_kg="x")
    assert set(_errors(exc)) == {"gtin", "origin_country", "net_weight_kg"}


def test_gtin_lengths_accepted(cn_tariff, owner_actor):  # type: ignore[no-untyped-def]
    for sku, gtin in [("A", "96385074"), ("B", "036000291452"), ("C", "4006381333931"), ("D", "14006381333938")]:
        assert _create(owner_actor, sku=sku, gtin=gtin).gtin == gtin


def test_elements_required_and_choices(cn_tariff, owner_actor):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as exc:
        _create(owner_actor, hs_code=PUMP, element_values={"brand_type": "9", "use": "a|b", "colour": "red"})
    errors = _errors(exc)
    assert "not a choice" in errors["elements.brand_type"][0]
    assert "required" in errors["elements.export_preference"][0]
    assert "“|”" in errors["elements.use"][0]
    assert "not a declaration element" in errors["elements.colour"][0]
    assert "required" in errors["elements.model"][0]
    assert "elements.brand" not in errors  # optional


def test_sku_unique_per_enterprise(cn_tariff, owner_actor, other_enterprise):  # type: ignore[no-untyped-def]
    _create(owner_actor)
    with pytest.raises(ValidationFailed) as exc:
        _create(owner_actor)
    assert "already has SKU" in _errors(exc)["sku"][0]
    ProductFactory.create(enterprise=other_enterprise, sku="HGP-40")  # another tenant may use the same SKU


def test_change_code_needs_reason_and_keeps_history(cn_tariff, owner_actor):  # type: ignore[no-untyped-def]
    product = _create(owner_actor, hs_code=PUMP, element_values=PUMP_VALUES)
    with pytest.raises(ValidationFailed) as exc:
        services.product_classify(actor=owner_actor, product_id=product.pk, code=PUMP_2)
    assert "previous code was 8413602100" in _errors(exc)["reason"][0]
    product = services.product_classify(
        actor=owner_actor, product_id=product.pk, code=PUMP_2, reason="Not a gear pump: vane type", source="assistant"
    )
    assert product.hs_code == PUMP_2
    # Same heading's template: the values carried over.
    assert product.element_values == PUMP_VALUES
    history = list(ClassificationChange.objects.for_actor(owner_actor).filter(product=product))
    assert [(c.previous_code, c.new_code, c.reason, c.source) for c in history] == [
        (PUMP, PUMP_2, "Not a gear pump: vane type", "assistant"),
        ("", PUMP, "", "manual"),
    ]
    assert ConfirmedClassification.objects.for_actor(owner_actor).get(product_id=product.pk).code == PUMP_2


def test_new_heading_revalidates_elements(cn_tariff, owner_actor):  # type: ignore[no-untyped-def]
    product = _create(owner_actor, hs_code=PUMP, element_values=PUMP_VALUES)
    with pytest.raises(ValidationFailed) as exc:
        services.product_classify(actor=owner_actor, product_id=product.pk, code=TSHIRT, reason="It is a shirt")
    assert set(_errors(exc)) == {"elements.fabric", "elements.material"}
    product = services.product_classify(
        actor=owner_actor,
        product_id=product.pk,
        code=TSHIRT,
        reason="It is a shirt",
        element_values={"brand_type": "0", "export_preference": "3", "fabric": "针织", "material": "100%棉"},
    )
    assert services.declaration_specification(product) == "0|3|针织|100%棉"


def test_update_without_code_change_writes_no_history(cn_tariff, owner_actor):  # type: ignore[no-untyped-def]
    product = _create(owner_actor, hs_code=PUMP, element_values=PUMP_VALUES)
    product = services.product_update(actor=owner_actor, product_id=product.pk, brand="Rexroth", active=False)
    assert (product.brand, product.active) == ("Rexroth", False)
    assert ClassificationChange.objects.for_actor(owner_actor).filter(product=product).count() == 1
    with pytest.raises(ValidationFailed):
        services.product_update(actor=owner_actor, product_id=product.pk, gross_weight_kg="1", net_weight_kg="2")


def test_tenancy_and_partner_write(cn_tariff, enterprise, owner_actor, make_member, make_actor):  # type: ignore[no-untyped-def]
    broker = EnterpriseFactory.create(name="Broker")
    broker_actor = make_actor(make_member(broker, "operator").user, broker)
    product = _create(owner_actor)
    with pytest.raises(NotFound):
        services.product_update(actor=broker_actor, product_id=product.pk, brand="x")
    with pytest.raises(ValidationFailed):
        services.product_create(actor=broker_actor, enterprise_id=enterprise.pk, sku="X", name_zh="x")
    grant = PartnerGrantFactory.create(grantor=enterprise, grantee=broker, module="products", access="read")
    broker_actor = make_actor(broker_actor.user, broker)
    with pytest.raises(PermissionDenied):
        services.product_update(actor=broker_actor, product_id=product.pk, brand="x")
    grant.access = "write"
    grant.save()
    broker_actor = make_actor(broker_actor.user, broker)
    product = services.product_classify(
        actor=broker_actor, product_id=product.pk, code=PUMP, element_values=PUMP_VALUES
    )
    assert product.hs_code == PUMP
    created = services.product_create(actor=broker_actor, enterprise_id=enterprise.pk, sku="X", name_zh="x")
    assert created.enterprise_id == enterprise.pk


def test_viewer_cannot_create(cn_tariff, enterprise, make_member, make_actor):  # type: ignore[no-untyped-def]
    viewer = make_actor(make_member(enterprise, "viewer").user, enterprise)
    with pytest.raises(ValidationFailed):
        _create(viewer)


def _upload(data: bytes, name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_image_add_reencodes_and_delete(
    cn_tariff, owner_actor, enterprise, settings, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    product = _create(owner_actor)
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 1500), "red").save(buffer, format="JPEG")
    image = services.product_image_add(
        actor=owner_actor, product_id=product.pk, upload=_upload(buffer.getvalue(), "big.jpg")
    )
    assert (image.width, image.height, image.content_type) == (2048, 1024, "image/jpeg")
    assert image.image.name.startswith(f"products/{enterprise.pk}/")
    path = settings.MEDIA_ROOT / image.image.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.product_image_delete(actor=owner_actor, product_id=product.pk, image_id=image.pk)
    assert not path.exists()
    assert not ProductImage.objects.for_actor(owner_actor).exists()


def test_image_refuses_fake_and_bombs(cn_tariff, owner_actor, monkeypatch):  # type: ignore[no-untyped-def]
    product = _create(owner_actor)
    for data, message in [
        (b"<?php echo 'hi'; ?>", "not an image"),
        (png_bytes()[:60], "not an image"),
        (b"", "Choose an image"),
    ]:
        with pytest.raises(ValidationFailed) as exc:
            services.product_image_add(actor=owner_actor, product_id=product.pk, upload=_upload(data))
        assert message in _errors(exc)["image"][0]
    bomb = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(bomb, format="PNG")  # 100 megapixels, a few KB
    with pytest.raises(ValidationFailed) as exc:
        services.product_image_add(actor=owner_actor, product_id=product.pk, upload=_upload(bomb.getvalue()))
    assert "too large to process" in _errors(exc)["image"][0]
    bmp = io.BytesIO()
    Image.new("RGB", (4, 4)).save(bmp, format="BMP")
    with pytest.raises(ValidationFailed) as exc:
        services.product_image_add(actor=owner_actor, product_id=product.pk, upload=_upload(bmp.getvalue()))
    assert "Only JPEG, PNG" in _errors(exc)["image"][0]
    monkeypatch.setattr(services, "IMAGE_MAX_BYTES", 10)
    with pytest.raises(ValidationFailed):
        services.product_image_add(actor=owner_actor, product_id=product.pk, upload=_upload(png_bytes()))
    assert not ProductImage.objects.for_actor(owner_actor).exists()


def test_delete_removes_history_and_images(cn_tariff, owner_actor):  # type: ignore[no-untyped-def]
    product = _create(owner_actor, hs_code=PUMP, element_values=PUMP_VALUES)
    services.product_image_add(actor=owner_actor, product_id=product.pk, upload=_upload(png_bytes()))
    other = _create(owner_actor, sku="HGP-41", hs_code=PUMP, element_values=PUMP_VALUES)
    assert ConfirmedClassification.objects.for_actor(owner_actor).count() == 2
    services.product_delete(actor=owner_actor, product_id=product.pk)
    assert list(Product.objects.for_actor(owner_actor).values_list("pk", flat=True)) == [other.pk]
    assert list(ClassificationChange.objects.for_actor(owner_actor).values_list("product_id", flat=True)) == [other.pk]
    # The assistant forgot the deleted product's description, and only that one.
    assert list(ConfirmedClassification.objects.for_actor(owner_actor).values_list("product_id", flat=True)) == [
        other.pk
    ]


def test_assistant_memory_follows_the_product(cn_tariff, owner_actor):  # type: ignore[no-untyped-def]
    product = _create(owner_actor, hs_code=PUMP, element_values=PUMP_VALUES, name_en="Gear pump")
    memory = ConfirmedClassification.objects.for_actor(owner_actor)
    assert list(memory.values_list("product_id", "code", "description")) == [(product.pk, PUMP, "齿轮泵 Gear pump")]
    # New wording, same code: the assistant keeps the current description only.
    services.product_update(actor=owner_actor, product_id=product.pk, name_en="Hydraulic gear pump")
    assert list(memory.values_list("product_id", "code", "description")) == [
        (product.pk, PUMP, "齿轮泵 Hydraulic gear pump")
    ]
    # The code removed: nothing left to suggest from this product.
    services.product_update(
        actor=owner_actor, product_id=product.pk, hs_code="", element_values={}, classification_reason="Not a pump"
    )
    assert not memory.exists()


def test_learning_after_an_import_embeds_in_batches(  # type: ignore[no-untyped-def]
    cn_tariff, owner_actor, enterprise, monkeypatch
):
    calls: list[int] = []
    fake = embeddings.embed_passages

    def counting(texts):  # type: ignore[no-untyped-def]
        calls.append(len(texts))
        return fake(texts)

    monkeypatch.setattr(embeddings, "embed_passages", counting)
    monkeypatch.setattr(classification_services, "_EMBED_BATCH", 2)
    ids = [ProductFactory.create(enterprise=enterprise, hs_code=PUMP, name_en=f"Pump {n}").pk for n in range(3)]
    assert services.product_learn_classifications(actor=owner_actor, product_ids=ids) == 3
    assert calls == [2, 1]
    assert sorted(ConfirmedClassification.objects.for_actor(owner_actor).values_list("product_id", flat=True)) == ids


def test_reason_is_checked(cn_tariff, owner_actor):  # type: ignore[no-untyped-def]
    product = _create(owner_actor, hs_code=PUMP, element_values=PUMP_VALUES)
    for reason, message in [("x" * 1001, "At most 1000"), ("vane\x00pump", "control characters")]:
        with pytest.raises(ValidationFailed) as exc:
            services.product_classify(actor=owner_actor, product_id=product.pk, code=PUMP_2, reason=reason)
        assert message in _errors(exc)["reason"][0]
    product.refresh_from_db()
    assert product.hs_code == PUMP
    changed = services.product_classify(
        actor=owner_actor, product_id=product.pk, code=PUMP_2, reason="  Vane pump:\nnot gear  "
    )
    change = ClassificationChange.objects.for_actor(owner_actor).filter(product=changed).first()
    assert change is not None
    assert change.reason == "Vane pump:\nnot gear"


def test_line_breaks_in_text_become_spaces(cn_tariff, owner_actor):  # type: ignore[no-untyped-def]
    product = _create(owner_actor, name_en="Hydraulic\r\ngear\tpump ", specification="HGP-40\n40 cm³")
    assert (product.name_en, product.specification) == ("Hydraulic gear pump", "HGP-40 40 cm³")


def test_learn_classifications_skips_unclassified_and_foreign(  # type: ignore[no-untyped-def]
    cn_tariff, owner_actor, enterprise, other_enterprise, make_member
):
    classified = ProductFactory.create(enterprise=enterprise, hs_code=PUMP, name_en="Gear pump", brand="")
    unclassified = ProductFactory.create(enterprise=enterprise)
    foreign = ProductFactory.create(enterprise=other_enterprise, hs_code=PUMP)
    ids = [classified.pk, unclassified.pk, foreign.pk, 999_999]
    assert services.product_learn_classifications(actor=owner_actor, product_ids=ids) == 1
    assert services.product_learn_classifications(actor=owner_actor, product_ids=ids) == 1  # idempotent
    [learnt] = ConfirmedClassification.objects.unscoped().all()
    assert (learnt.enterprise_id, learnt.product_id, learnt.code, learnt.description) == (
        enterprise.pk,
        classified.pk,
        PUMP,
        "齿轮泵 Gear pump",
    )
    # The task: a disabled user learns nothing.
    user = make_member(enterprise, "operator").user
    assert product_learn_classifications_task.call_local(user.pk, enterprise.pk, ids) == 1
    user.is_active = False
    user.save()
    assert product_learn_classifications_task.call_local(user.pk, enterprise.pk, ids) == 0
