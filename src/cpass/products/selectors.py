"""Reads of products: always through Product.objects.for_actor, so a broker sees only its clients' grants."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpass.core.actor import Actor
from cpass.core.api import apply_ordering
from cpass.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from cpass.organizations.models import Enterprise
from cpass.products.models import HS_JURISDICTION, ClassificationChange, Product, ProductImage
from cpass.tariff.models import TariffLine
from cpass.tariff.selectors import tariff_line

QUERY_MAX_LENGTH = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ALPHA_3 = re.compile(r"[A-Z]{3}")

#: Fields a list may be ordered by (`?ordering=-updated_at,sku`).
PRODUCT_ORDERING = (
    "sku",
    "name_en",
    "name_zh",
    "hs_code",
    "origin_country",
    "created_at",
    "updated_at",
    "enterprise__name",
)


def product_list(
    *,
    actor: Actor,
    q: str | None = None,
    hs_prefix: str | None = None,
    origin: str | None = None,
    classified: bool | None = None,
    active: bool | None = None,
    enterprise_id: int | None = None,
    ordering: str | None = None,
) -> QuerySet[Product]:
    """Every product the actor may read (its own enterprise's and its clients' granted ones), filtered.

    `q` matches SKU, both names, brand and specification; `hs_prefix` the start of the HS code.
    """
    products = Product.objects.for_actor(actor, "read").select_related("enterprise")
    if enterprise_id is not None:
        products = products.filter(enterprise_id=enterprise_id)
    if q:
        if len(q) > QUERY_MAX_LENGTH:
            raise ValidationFailed.on("q", _("Search for at most %(max)d characters.") % {"max": QUERY_MAX_LENGTH})
        if _CONTROL.search(q):
            raise ValidationFailed.on("q", _("The search may not contain control characters."))
        for word in q.split()[:8]:
            products = products.filter(
                Q(sku__icontains=word)
                | Q(name_en__icontains=word)
                | Q(name_zh__icontains=word)
                | Q(brand__icontains=word)
                | Q(specification__icontains=word)
            )
    digits = re.sub(r"[\s.]", "", hs_prefix or "")
    if digits:
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 10:
            raise ValidationFailed.on("hs_prefix", _("An HS code prefix is 1 to 10 digits."))
        products = products.filter(hs_code__startswith=digits)
    if origin:
        country = origin.strip().upper()
        if not _ALPHA_3.fullmatch(country):
            raise ValidationFailed.on("origin", _("Give the country of origin as its 3-letter code, e.g. DEU."))
        products = products.filter(origin_country=country)
    if classified is True:
        products = products.exclude(hs_code="")
    elif classified is False:
        products = products.filter(hs_code="")
    if active is not None:
        products = products.filter(active=active)
    return apply_ordering(products, ordering, PRODUCT_ORDERING, "sku")


def product_get(*, actor: Actor, product_id: int, action: str = "read") -> Product:
    """One product, or NotFound when the actor cannot see it (another tenant's looks absent).

    Asking to change a product one can only read is PermissionDenied: its existence is no secret then.
    """
    product = Product.objects.for_actor(actor, action).select_related("enterprise").filter(pk=product_id).first()
    if product is not None:
        return product
    if action != "read" and Product.objects.for_actor(actor, "read").filter(pk=product_id).exists():
        raise PermissionDenied(_("You may read this product but not change it."))
    raise NotFound(_("No such product, or you have no access to it."))


def product_by_sku(*, actor: Actor, enterprise_id: int, skus: list[str]) -> dict[str, Product]:
    """The enterprise's products with these SKUs, by SKU (for the importer's upsert)."""
    products = Product.objects.for_actor(actor, "write").filter(enterprise_id=enterprise_id, sku__in=skus)
    return {product.sku: product for product in products}


def product_choices(
    *, actor: Actor, enterprise_id: int, current: Product | None = None, limit: int | None = None
) -> list[Product]:
    """The products a form's select offers, by SKU: the active ones of the enterprise the actor may read (the
    first `limit`, all without one), and the one the record names now (`current`, read with the record) even when
    it is inactive, past the limit or not readable on its own, so saving the form without touching it keeps it."""
    products = Product.objects.for_actor(actor, "read").filter(enterprise_id=enterprise_id, active=True)
    offered = list(products.order_by("sku", "pk")[:limit])
    if current is None or any(product.pk == current.pk for product in offered):
        return offered
    return sorted([*offered, current], key=lambda product: (product.sku, product.pk))


def classification_history(*, actor: Actor, product_id: int) -> QuerySet[ClassificationChange]:
    """The product's classification changes, newest first."""
    product = product_get(actor=actor, product_id=product_id)
    return (
        ClassificationChange.objects.for_actor(actor, "read")
        .filter(product=product)
        .select_related("changed_by")
        .order_by("-created_at", "-pk")
    )


def product_images(*, actor: Actor, product: Product) -> QuerySet[ProductImage]:
    return ProductImage.objects.for_actor(actor, "read").filter(product=product).order_by("created_at", "pk")


def product_image_get(*, actor: Actor, product_id: int, image_id: int) -> ProductImage:
    image = ProductImage.objects.for_actor(actor, "read").filter(product_id=product_id, pk=image_id).first()
    if image is None:
        raise NotFound(_("No such image, or you have no access to it."))
    return image


def product_tariff_line(product: Product) -> TariffLine | None:
    """The tariff line of the product's code valid today (for its legal units), None if unclassified or gone."""
    if not product.hs_code:
        return None
    try:
        return tariff_line(
            jurisdiction=HS_JURISDICTION, code=product.hs_code, on=timezone.localdate(), ciq_code=product.ciq_code
        )
    except ServiceError:
        return None


def readable_enterprises(*, actor: Actor) -> QuerySet[Enterprise]:
    """Enterprises whose products the actor sees: for the list's owner filter."""
    return Enterprise.objects.filter(pk__in=actor.enterprise_ids_for("products", "read")).order_by("name")


def writable_enterprises(*, actor: Actor) -> QuerySet[Enterprise]:
    """Enterprises the actor may add products for: its own (operator and up) and write grants."""
    return Enterprise.objects.filter(pk__in=actor.enterprise_ids_for("products", "write")).order_by("name")
