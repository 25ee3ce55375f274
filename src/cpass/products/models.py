"""Products (商品) an enterprise imports or exports: master data with HS classification and the
declaration elements (申报要素) customs asks for, so a declaration line can be filled from it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cpass.core.models import TenantOwned, created_by_field
from cpass.reference.models import localized

#: The jurisdiction whose tariff a product's `hs_code` belongs to (China's 10-digit code).
HS_JURISDICTION = "CN"


class Product(TenantOwned):
    """One SKU of an enterprise: names, specification, weights, price, origin and its HS code.

    `element_values` holds the declaration elements filled against the template of the code's
    heading (key → value); the declared specification (规格型号) joins them in template order.
    """

    tenant_module = "products"

    sku = models.CharField(_("SKU"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    specification = models.CharField(_("specification / model"), max_length=200, blank=True)
    brand = models.CharField(_("brand"), max_length=100, blank=True)
    #: GTIN-8/12/13/14, stored as 14 digits with leading zeros as GS1 recommends.
    gtin = models.CharField(_("GTIN"), max_length=14, blank=True)
    #: ISO 3166-1 alpha-3, as customs uses it.
    origin_country = models.CharField(_("country of origin"), max_length=3, blank=True)
    #: Customs 3-digit unit of quantity the product is traded in (成交计量单位).
    trade_unit = models.CharField(_("trade unit"), max_length=3, blank=True)
    net_weight_kg = models.DecimalField(_("net weight (kg)"), max_digits=14, decimal_places=4, null=True, blank=True)
    gross_weight_kg = models.DecimalField(
        _("gross weight (kg)"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    unit_price = models.DecimalField(_("unit price"), max_digits=18, decimal_places=4, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    #: China's 10-digit commodity code (empty while unclassified) and its 3-digit CIQ sub-code.
    hs_code = models.CharField(_("HS code"), max_length=10, blank=True)
    ciq_code = models.CharField(_("CIQ code"), max_length=3, blank=True)
    element_values = models.JSONField(_("declaration elements"), default=dict, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = created_by_field()

    class Meta:
        ordering = ["sku"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "sku"], name="products_unique_sku"),
            models.CheckConstraint(
                condition=Q(net_weight_kg__isnull=True)
                | Q(gross_weight_kg__isnull=True)
                | Q(net_weight_kg__lte=F("gross_weight_kg")),
                name="products_net_not_above_gross",
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "hs_code"], name="products_hs_code_idx")]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    @property
    def name(self) -> str:
        return localized(self.name_en, self.name_zh)

    @property
    def description(self) -> str:
        """What the classification assistant reads: both names, brand and specification."""
        return " ".join(part for part in (self.name_zh, self.name_en, self.brand, self.specification) if part)


def product_image_upload_to(instance: ProductImage, filename: str) -> str:
    """A random stored name under the owner's folder; the person's file name is kept in `original_name`."""
    suffix = ".jpg" if instance.content_type == "image/jpeg" else ".png"
    return f"products/{instance.enterprise_id}/{uuid.uuid4().hex}{suffix}"


class ProductImage(TenantOwned):
    """A photo of a product, checked and re-encoded with Pillow; served only through a tenancy-checked view."""

    tenant_module = "products"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images", verbose_name=_("product"))
    image = models.FileField(_("image"), upload_to=product_image_upload_to)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=20, verbose_name=_("file type"))
    width = models.PositiveIntegerField(verbose_name=_("width"))
    height = models.PositiveIntegerField(verbose_name=_("height"))
    size = models.PositiveIntegerField(verbose_name=_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        ordering = ["product", "created_at", "pk"]
        verbose_name = _("product image")
        verbose_name_plural = _("product images")

    def __str__(self) -> str:
        return self.original_name


class ClassificationSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    ASSISTANT = "assistant", _("Confirmed from the classification assistant")
    IMPORT = "import", _("Imported from a file")


class ClassificationChange(TenantOwned):
    """One step of a product's classification history (归类记录): who changed the code, when, why, from what."""

    tenant_module = "products"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="classification_changes")
    previous_code = models.CharField(_("previous code"), max_length=10, blank=True)
    previous_ciq_code = models.CharField(_("previous CIQ code"), max_length=3, blank=True)
    new_code = models.CharField(_("new code"), max_length=10)
    new_ciq_code = models.CharField(_("new CIQ code"), max_length=3, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    source = models.CharField(_("source"), max_length=12, choices=ClassificationSource.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("classification change")
        verbose_name_plural = _("classification changes")

    def __str__(self) -> str:
        return f"{self.previous_code or '—'} → {self.new_code}"
