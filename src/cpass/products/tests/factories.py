from __future__ import annotations

import io

import factory
from django.core.files.base import ContentFile
from PIL import Image

from cpass.organizations.tests.factories import EnterpriseFactory
from cpass.products.models import ClassificationChange, ClassificationSource, Product, ProductImage


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#0b5cab").save(buffer, format="PNG")
    return buffer.getvalue()


class ProductFactory(factory.django.DjangoModelFactory[Product]):
    class Meta:
        model = Product

    enterprise = factory.SubFactory(EnterpriseFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name_en = factory.Sequence(lambda n: f"Gear pump {n}")
    name_zh = "齿轮泵"
    brand = "Bosch"
    origin_country = "DEU"


class ProductImageFactory(factory.django.DjangoModelFactory[ProductImage]):
    class Meta:
        model = ProductImage

    enterprise = factory.SubFactory(EnterpriseFactory)
    product = factory.SubFactory(ProductFactory, enterprise=factory.SelfAttribute("..enterprise"))
    image = factory.LazyFunction(lambda: ContentFile(png_bytes(), name="photo.png"))
    original_name = "photo.png"
    content_type = "image/png"
    width = 40
    height = 30
    size = factory.LazyFunction(lambda: len(png_bytes()))


class ClassificationChangeFactory(factory.django.DjangoModelFactory[ClassificationChange]):
    class Meta:
        model = ClassificationChange

    enterprise = factory.SubFactory(EnterpriseFactory)
    product = factory.SubFactory(ProductFactory, enterprise=factory.SelfAttribute("..enterprise"))
    new_code = "8413602100"
    reason = "First classification"
    source = ClassificationSource.MANUAL
