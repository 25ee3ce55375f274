"""API shapes of products."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from django.urls import reverse
from ninja import Schema

from cpass.core.api import InputSchema, one_of, ordering_of
from cpass.products.models import ClassificationSource, ProductImage
from cpass.products.selectors import PRODUCT_ORDERING

ProductOrdering = Annotated[str, ordering_of(PRODUCT_ORDERING)]
ClassificationSourceValue = Annotated[str, one_of(ClassificationSource)]


class ProductEnterpriseOut(Schema):
    id: int
    name: str


class ProductOut(Schema):
    id: int
    enterprise: ProductEnterpriseOut
    sku: str
    name_en: str
    name_zh: str
    specification: str
    brand: str
    gtin: str
    origin_country: str
    trade_unit: str
    net_weight_kg: Decimal | None
    gross_weight_kg: Decimal | None
    unit_price: Decimal | None
    currency: str
    hs_code: str
    ciq_code: str
    element_values: dict[str, str]
    active: bool
    created_at: datetime
    updated_at: datetime


class ProductCreateIn(InputSchema):
    enterprise_id: int | None = None
    sku: str
    name_en: str = ""
    name_zh: str = ""
    specification: str = ""
    brand: str = ""
    gtin: str = ""
    origin_country: str = ""
    trade_unit: str = ""
    net_weight_kg: Decimal | None = None
    gross_weight_kg: Decimal | None = None
    unit_price: Decimal | None = None
    currency: str = ""
    hs_code: str = ""
    ciq_code: str = ""
    element_values: dict[str, str] = {}
    active: bool = True


class ProductUpdateIn(InputSchema):
    """Only the fields sent change; a new `hs_code` replacing another needs `classification_reason`."""

    sku: str | None = None
    name_en: str | None = None
    name_zh: str | None = None
    specification: str | None = None
    brand: str | None = None
    gtin: str | None = None
    origin_country: str | None = None
    trade_unit: str | None = None
    net_weight_kg: Decimal | None = None
    gross_weight_kg: Decimal | None = None
    unit_price: Decimal | None = None
    currency: str | None = None
    hs_code: str | None = None
    ciq_code: str | None = None
    element_values: dict[str, str] | None = None
    classification_reason: str = ""
    active: bool | None = None


class ClassificationIn(InputSchema):
    code: str
    ciq_code: str = ""
    reason: str = ""
    #: assistant: a code confirmed from the classification assistant's suggestions.
    source: ClassificationSourceValue = "manual"
    #: New element values; without them the values whose keys the new template has carry over.
    element_values: dict[str, str] | None = None


class ClassificationChangeUserOut(Schema):
    id: int
    name: str


class ClassificationChangeOut(Schema):
    id: int
    previous_code: str
    previous_ciq_code: str
    new_code: str
    new_ciq_code: str
    reason: str
    source: ClassificationSourceValue
    changed_by: ClassificationChangeUserOut | None
    created_at: datetime


class DeclarationElementOut(Schema):
    key: str
    name: str
    required: bool
    choices: list[str]
    value: str


class SpecificationOut(Schema):
    hs_code: str
    #: The declared specification (规格型号): values joined with "|" in template order.
    specification: str
    complete: bool
    elements: list[DeclarationElementOut]


class ProductImageOut(Schema):
    id: int
    original_name: str
    content_type: str
    width: int
    height: int
    size: int
    created_at: datetime
    url: str

    @staticmethod
    def resolve_url(obj: ProductImage) -> str:
        return reverse("api-1:product_image_file", kwargs={"product_id": obj.product_id, "image_id": obj.pk})
