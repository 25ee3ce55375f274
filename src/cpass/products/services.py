"""Writes of products: create, change, classify (with history), delete, and their images.

Every write checks the fields with `ProductRules`, runs in one transaction and re-reads the
product through tenancy before returning, so nobody writes what they could not see.
"""

from __future__ import annotations

import io
import warnings
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from cpass.classification.services import (
    ConfirmedItem,
    confirmed_classification_forget,
    learn_confirmed,
    learn_confirmed_many,
)
from cpass.core.actor import Actor
from cpass.core.errors import Conflict, NotFound, ValidationFailed
from cpass.products.elements import clean_element_values, join_specification
from cpass.products.models import HS_JURISDICTION, ClassificationChange, ClassificationSource, Product, ProductImage
from cpass.products.selectors import product_get
from cpass.products.validation import DECIMAL_FIELDS, ProductRules
from cpass.reference.tables import Table

#: Fields a person sets directly; the HS code goes through the classification rules.
PRODUCT_FIELDS = (
    "sku",
    "name_en",
    "name_zh",
    "specification",
    "brand",
    "gtin",
    "origin_country",
    "trade_unit",
    "net_weight_kg",
    "gross_weight_kg",
    "unit_price",
    "currency",
    "active",
)
IMAGE_MAX_BYTES = 10 * 1024 * 1024
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
#: Larger images are refused before decoding: a small file can expand to gigabytes of pixels.
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_BOX = (2048, 2048)
IMAGES_PER_PRODUCT = 12


def clean_fields(rules: ProductRules, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check every given field, collecting all errors (not just the first) into one ValidationFailed."""
    cleaners = {
        "sku": rules.sku,
        "gtin": rules.gtin,
        "origin_country": lambda v: rules.code(Table.COUNTRY, "origin_country", v),
        "trade_unit": lambda v: rules.code(Table.UNIT, "trade_unit", v),
        "currency": lambda v: rules.code(Table.CURRENCY, "currency", v),
        "active": lambda v: rules.boolean("active", v),
        "hs_code": rules.hs_code,
        "ciq_code": rules.ciq_code,
    }
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[Any]] = {}
    for field, value in raw.items():
        try:
            if field in cleaners:
                cleaned[field] = cleaners[field](value)
            elif field in DECIMAL_FIELDS:
                cleaned[field] = rules.decimal(field, value)
            else:
                cleaned[field] = rules.text(field, value)
        except ValidationFailed as exc:
            for name, messages in exc.errors.items():
                errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationFailed(_("Some fields are invalid."), errors=errors)
    return cleaned


def classify_values(
    rules: ProductRules,
    *,
    code: str,
    ciq_code: str,
    element_values: Mapping[str, Any] | None,
    previous: Mapping[str, Any],
) -> dict[str, str]:
    """Check the code on the date and clean the element values against its template.

    Without new `element_values`, the previous values whose keys the (new) template has carry over.
    """
    if code:
        rules.line(code, ciq_code)
    elif ciq_code:
        raise ValidationFailed.on("ciq_code", _("A CIQ code needs a commodity code."))
    elements = rules.elements(code)
    if element_values is None:
        keys = {element.key for element in elements}
        element_values = {key: value for key, value in previous.items() if key in keys}
    if not elements:
        if any(str(v).strip() for v in element_values.values()):
            raise ValidationFailed.on(
                "elements",
                _("Declaration elements need a commodity code with an element template.")
                if not code
                else _("There is no declaration element template for %(code)s.") % {"code": code},
            )
        return {}
    return clean_element_values(elements, element_values)


def _record_classification(
    *, actor: Actor, product: Product, previous: tuple[str, str], reason: str, source: str
) -> None:
    """History row and the assistant's learning, when the code (or CIQ code) really changed."""
    current = (product.hs_code, product.ciq_code)
    if current == previous:
        return
    reason = ProductRules.reason(reason)
    if previous[0] and not reason:
        raise ValidationFailed.on(
            "reason", _("Say why the classification changes: the previous code was %(code)s.") % {"code": previous[0]}
        )
    if source not in ClassificationSource.values:
        raise ValidationFailed.on("source", _("Choose where the code comes from: manual, assistant or import."))
    ClassificationChange.objects.create(
        enterprise_id=product.enterprise_id,
        product=product,
        previous_code=previous[0],
        previous_ciq_code=previous[1],
        new_code=product.hs_code,
        new_ciq_code=product.ciq_code,
        reason=reason,
        source=source,
        changed_by=actor.user if actor.user.is_authenticated else None,
    )
    if product.hs_code:
        learn_confirmed(
            actor=actor,
            enterprise_id=product.enterprise_id,
            description=product.description,
            code=product.hs_code,
            jurisdiction=HS_JURISDICTION,
            product_id=product.pk,
        )
    else:  # the code was removed: the assistant no longer suggests it for this product's description
        confirmed_classification_forget(actor=actor, product_id=product.pk)


def _sku_taken(enterprise_id: int, sku: str, exclude_pk: int | None) -> bool:
    others = Product.objects.unscoped().filter(enterprise_id=enterprise_id, sku=sku)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


def _save(product: Product) -> None:
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError:
        raise Conflict(
            _("Another product already has SKU “%(sku)s”.") % {"sku": product.sku},
            errors={"sku": [_("This SKU is taken.")]},
        ) from None


def product_create(
    *,
    actor: Actor,
    enterprise_id: int | None = None,
    hs_code: str = "",
    ciq_code: str = "",
    element_values: Mapping[str, Any] | None = None,
    classification_reason: str = "",
    classification_source: str = ClassificationSource.MANUAL,
    **fields: Any,
) -> Product:
    """Create a product for `enterprise_id` (the actor's own by default, or a client that granted write)."""
    owner_id = enterprise_id if enterprise_id is not None else actor.enterprise_id
    if owner_id is None or owner_id not in actor.enterprise_ids_for("products", "write"):
        raise ValidationFailed.on("enterprise_id", _("You may not add products for this enterprise."))
    unknown = set(fields) - set(PRODUCT_FIELDS)
    if unknown:
        raise ValidationFailed.on(sorted(unknown)[0], _("Unknown field."))
    rules = ProductRules(on=timezone.localdate())
    raw = {field: fields.get(field, "") for field in PRODUCT_FIELDS if field != "active"}
    raw["active"] = fields.get("active", True)
    values = _checked(rules, raw, hs_code=hs_code, ciq_code=ciq_code, element_values=element_values or {}, previous={})
    with transaction.atomic():
        if _sku_taken(owner_id, values["sku"], None):
            raise ValidationFailed.on("sku", _("Another product already has SKU “%(sku)s”.") % {"sku": values["sku"]})
        product = Product(enterprise_id=owner_id, created_by=actor.user, **values)
        _save(product)
        _record_classification(
            actor=actor, product=product, previous=("", ""), reason=classification_reason, source=classification_source
        )
        return product_get(actor=actor, product_id=product.pk, action="write")


def _checked(
    rules: ProductRules,
    raw: Mapping[str, Any],
    *,
    hs_code: Any,
    ciq_code: Any,
    element_values: Mapping[str, Any] | None,
    previous: Mapping[str, Any],
) -> dict[str, Any]:
    """All fields checked together: every field error at once, then the classification and elements."""
    errors: dict[str, list[Any]] = {}
    values: dict[str, Any] = {}
    try:
        values = clean_fields(rules, {**raw, "hs_code": hs_code, "ciq_code": ciq_code})
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if not errors:
        try:
            rules.check_together(values)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if "hs_code" not in errors and "ciq_code" not in errors:
        try:
            values["element_values"] = classify_values(
                rules,
                code=values.get("hs_code", ""),
                ciq_code=values.get("ciq_code", ""),
                element_values=element_values,
                previous=previous,
            )
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(_("Some fields are invalid."), errors=errors)
    return values


@transaction.atomic
def product_update(
    *,
    actor: Actor,
    product_id: int,
    element_values: Mapping[str, Any] | None = None,
    classification_reason: str = "",
    classification_source: str = ClassificationSource.MANUAL,
    **changes: Any,
) -> Product:
    """Change any of the product's fields; a new HS code needs a reason when it replaces another."""
    unknown = set(changes) - {*PRODUCT_FIELDS, "hs_code", "ciq_code"}
    if unknown:
        raise ValidationFailed.on(sorted(unknown)[0], _("Unknown field."))
    product_get(actor=actor, product_id=product_id, action="write")
    product = Product.objects.for_actor(actor, "write").select_for_update().get(pk=product_id)
    current = {field: getattr(product, field) for field in PRODUCT_FIELDS}
    merged = {**current, **changes}
    code = changes.get("hs_code", product.hs_code)
    ciq = changes.get("ciq_code", product.ciq_code)
    values = _checked(
        ProductRules(on=timezone.localdate()),
        {field: merged[field] for field in PRODUCT_FIELDS},
        hs_code=code,
        ciq_code=ciq,
        element_values=element_values,
        previous=product.element_values,
    )
    if values["sku"] != product.sku and _sku_taken(product.enterprise_id, values["sku"], product.pk):
        raise ValidationFailed.on("sku", _("Another product already has SKU “%(sku)s”.") % {"sku": values["sku"]})
    previous = (product.hs_code, product.ciq_code)
    description_before = product.description
    for field, value in values.items():
        setattr(product, field, value)
    _save(product)
    _record_classification(
        actor=actor,
        product=product,
        previous=previous,
        reason=classification_reason,
        source=classification_source,
    )
    unchanged_code = (product.hs_code, product.ciq_code) == previous
    if product.hs_code and unchanged_code and product.description != description_before:
        # Same code, new wording: the assistant keeps the current description, not an edited-away one.
        learn_confirmed(
            actor=actor,
            enterprise_id=product.enterprise_id,
            description=product.description,
            code=product.hs_code,
            jurisdiction=HS_JURISDICTION,
            product_id=product.pk,
        )
    return product_get(actor=actor, product_id=product.pk, action="write")


def product_classify(
    *,
    actor: Actor,
    product_id: int,
    code: str,
    ciq_code: str = "",
    reason: str = "",
    source: str = ClassificationSource.MANUAL,
    element_values: Mapping[str, Any] | None = None,
) -> Product:
    """Set or change the product's HS code (归类), re-checking the element values against the new template."""
    if not str(code or "").strip():
        raise ValidationFailed.on("hs_code", _("Enter the 10-digit commodity code."))
    return product_update(
        actor=actor,
        product_id=product_id,
        hs_code=code,
        ciq_code=ciq_code,
        element_values=element_values,
        classification_reason=reason,
        classification_source=source,
    )


@transaction.atomic
def product_delete(*, actor: Actor, product_id: int) -> None:
    """Delete the product with its history and images; the image files go once the transaction commits."""
    product = product_get(actor=actor, product_id=product_id, action="write")
    images = list(ProductImage.objects.for_actor(actor, "write").filter(product=product))
    ClassificationChange.objects.for_actor(actor, "write").filter(product=product).delete()
    for image in images:
        _delete_file_on_commit(image)
        image.delete()
    # What the classification assistant learnt from it goes too: data people delete is gone.
    confirmed_classification_forget(actor=actor, product_id=product.pk)
    product.delete()


def product_learn_classifications(*, actor: Actor, product_ids: Sequence[int]) -> int:
    """Teach the classification assistant the current codes of these products, e.g. after an import.

    learn_confirmed_many embeds the descriptions in batches, one short transaction each, so a large
    import does not hold the database while the model runs. Products gone, unclassified or no longer
    writable by the actor are skipped. Returns how many were learnt.
    """
    products = Product.objects.for_actor(actor, "write").filter(pk__in=list(product_ids)).exclude(hs_code="")
    by_enterprise: dict[int, list[ConfirmedItem]] = defaultdict(list)
    for product in products.order_by("pk").iterator(chunk_size=500):
        by_enterprise[product.enterprise_id].append(
            ConfirmedItem(description=product.description, code=product.hs_code, product_id=product.pk)
        )
    return sum(
        learn_confirmed_many(actor=actor, enterprise_id=enterprise_id, items=items, jurisdiction=HS_JURISDICTION)
        for enterprise_id, items in by_enterprise.items()
    )


def declaration_specification(product: Product) -> str:
    """The declared specification (规格型号): the element values joined with "|" in template order."""
    elements = ProductRules(on=timezone.localdate()).elements(product.hs_code)
    return join_specification(elements, product.element_values)


# -- images ----------------------------------------------------------------------------------


def _encoded_image(upload: UploadedFile) -> tuple[bytes, str, int, int]:
    """Check an upload really is an image of bounded size; return it re-encoded (JPEG or PNG, metadata gone)."""
    if upload is None or not upload.size:
        raise ValidationFailed.on("image", _("Choose an image file."))
    if upload.size > IMAGE_MAX_BYTES:
        raise ValidationFailed.on("image", _("The image file is larger than 10 MB."))
    data = upload.read()
    not_image = _("This file is not an image. Upload a JPEG, PNG, WebP or GIF file.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in IMAGE_FORMATS:
                    raise ValidationFailed.on("image", _("Only JPEG, PNG, WebP and GIF images are accepted."))
                source_format = probe.format
                width, height = probe.size
                if width * height > IMAGE_MAX_PIXELS:
                    raise ValidationFailed.on(
                        "image",
                        _("The image is %(width)d × %(height)d pixels, too large to process; use a smaller image.")
                        % {"width": width, "height": height},
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.seek(0)
                image.load()
                jpeg = source_format == "JPEG"
                converted = image.convert("RGB" if jpeg else "RGBA")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationFailed.on("image", _("The image is too large to process; use a smaller image.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationFailed.on("image", not_image) from None
    converted.thumbnail(IMAGE_BOX, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if jpeg:
        converted.save(out, format="JPEG", quality=88, optimize=True)
    else:
        converted.save(out, format="PNG", optimize=True)
    return out.getvalue(), "image/jpeg" if jpeg else "image/png", converted.width, converted.height


def product_image_add(*, actor: Actor, product_id: int, upload: UploadedFile) -> ProductImage:
    """Add a photo to the product: checked with Pillow, shrunk to fit 2048×2048, stored under media/products/."""
    product = product_get(actor=actor, product_id=product_id, action="write")
    data, content_type, width, height = _encoded_image(upload)
    name = PurePath((upload.name or "").replace("\\", "/")).name.strip()[:255] or "image"
    image = ProductImage(
        enterprise_id=product.enterprise_id,
        product=product,
        original_name=name,
        content_type=content_type,
        width=width,
        height=height,
        size=len(data),
        uploaded_by=actor.user,
    )
    image.image.save(name, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            Product.objects.for_actor(actor, "write").select_for_update().get(pk=product.pk)
            if ProductImage.objects.for_actor(actor, "write").filter(product=product).count() >= IMAGES_PER_PRODUCT:
                raise ValidationFailed.on(
                    "image", _("A product can have at most %(max)d images.") % {"max": IMAGES_PER_PRODUCT}
                )
            image.save()
    except BaseException:
        image.image.storage.delete(image.image.name)
        raise
    return image


def _delete_file_on_commit(image: ProductImage) -> None:
    name, storage = image.image.name, image.image.storage
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def product_image_delete(*, actor: Actor, product_id: int, image_id: int) -> None:
    product = product_get(actor=actor, product_id=product_id, action="write")
    image = ProductImage.objects.for_actor(actor, "write").filter(product=product, pk=image_id).first()
    if image is None:
        raise NotFound(_("No such image of this product."))
    _delete_file_on_commit(image)
    image.delete()
