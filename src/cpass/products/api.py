"""/api/v1/products: CRUD, classification with history, declaration specification, images, Excel export."""

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from cpass.core.actor import Actor
from cpass.core.api import Pagination, scoped_actor
from cpass.core.idempotency import idempotent
from cpass.products import selectors, services
from cpass.products.elements import join_specification
from cpass.products.excel import XLSX_CONTENT_TYPE, export_filename, export_workbook, template_workbook
from cpass.products.models import ClassificationChange, Product, ProductImage
from cpass.products.schemas import (
    ClassificationChangeOut,
    ClassificationIn,
    DeclarationElementOut,
    ProductCreateIn,
    ProductImageOut,
    ProductOrdering,
    ProductOut,
    ProductUpdateIn,
    SpecificationOut,
)
from cpass.products.validation import ProductRules
from cpass.products.views import image_response

router = Router()


def _scoped(request: HttpRequest, action: str) -> Actor:
    return scoped_actor(request, "products", action)


@router.get("", response=list[ProductOut], summary="Products I can read: my enterprise's and my clients' shared ones")
@paginate(Pagination)
def product_list(
    request: HttpRequest,
    q: str | None = None,
    hs_prefix: str | None = None,
    origin: str | None = None,
    classified: bool | None = None,
    active: bool | None = None,
    enterprise: int | None = None,
    ordering: ProductOrdering | None = None,
) -> QuerySet[Product]:
    """`q` over SKU, names, brand and specification; `hs_prefix` digits; `origin` alpha-3.

    `ordering` e.g. -updated_at.
    """
    return selectors.product_list(
        actor=_scoped(request, "read"),
        q=q,
        hs_prefix=hs_prefix,
        origin=origin,
        classified=classified,
        active=active,
        enterprise_id=enterprise,
        ordering=ordering,
    )


@router.post("", response={201: ProductOut}, summary="Create a product (classified or not)")
@idempotent
def product_create(request: HttpRequest, payload: ProductCreateIn) -> Status[Product]:
    data = payload.dict()
    product = services.product_create(actor=_scoped(request, "write"), **data)
    return Status(201, product)


@router.get(
    "/export", summary="The filtered products as an XLSX in the import template's layout", url_name="product_export"
)
def product_export(
    request: HttpRequest,
    q: str | None = None,
    hs_prefix: str | None = None,
    origin: str | None = None,
    classified: bool | None = None,
    active: bool | None = None,
    enterprise: int | None = None,
    ordering: ProductOrdering | None = None,
) -> FileResponse:
    products = selectors.product_list(
        actor=_scoped(request, "read"),
        q=q,
        hs_prefix=hs_prefix,
        origin=origin,
        classified=classified,
        active=active,
        enterprise_id=enterprise,
        ordering=ordering,
    )
    return FileResponse(
        export_workbook(products), as_attachment=True, filename=export_filename(), content_type=XLSX_CONTENT_TYPE
    )


@router.get("/template", summary="The blank XLSX import template (bilingual header, code lists, instructions)")
def product_template(request: HttpRequest) -> FileResponse:
    _scoped(request, "read")
    return FileResponse(
        template_workbook(), as_attachment=True, filename="products-template.xlsx", content_type=XLSX_CONTENT_TYPE
    )


@router.get("/{int:product_id}", response=ProductOut)
def product_get(request: HttpRequest, product_id: int) -> Product:
    return selectors.product_get(actor=_scoped(request, "read"), product_id=product_id)


@router.patch("/{int:product_id}", response=ProductOut, summary="Change fields; a new HS code needs a reason")
def product_update(request: HttpRequest, product_id: int, payload: ProductUpdateIn) -> Product:
    return services.product_update(
        actor=_scoped(request, "write"), product_id=product_id, **payload.dict(exclude_unset=True)
    )


@router.delete("/{int:product_id}", response={204: None})
def product_delete(request: HttpRequest, product_id: int) -> Status[None]:
    services.product_delete(actor=_scoped(request, "write"), product_id=product_id)
    return Status(204, None)


@router.post("/{int:product_id}/classification", response=ProductOut, summary="Set or change the HS code")
@idempotent
def product_classify(request: HttpRequest, product_id: int, payload: ClassificationIn) -> Product:
    return services.product_classify(actor=_scoped(request, "write"), product_id=product_id, **payload.dict())


@router.get("/{int:product_id}/classification-history", response=list[ClassificationChangeOut])
@paginate(Pagination)
def product_classification_history(request: HttpRequest, product_id: int) -> QuerySet[ClassificationChange]:
    return selectors.classification_history(actor=_scoped(request, "read"), product_id=product_id)


@router.get(
    "/{int:product_id}/specification", response=SpecificationOut, summary="The declared specification (规格型号)"
)
def product_specification(request: HttpRequest, product_id: int) -> SpecificationOut:
    product = selectors.product_get(actor=_scoped(request, "read"), product_id=product_id)
    elements = ProductRules(on=timezone.localdate()).elements(product.hs_code)
    values = product.element_values
    return SpecificationOut(
        hs_code=product.hs_code,
        specification=join_specification(elements, values),
        complete=all(values.get(e.key) for e in elements if e.required),
        elements=[
            DeclarationElementOut(
                key=e.key,
                name=e.name,
                required=e.required,
                choices=[choice.value for choice in e.choices],
                value=values.get(e.key, ""),
            )
            for e in elements
        ],
    )


@router.get("/{int:product_id}/images", response=list[ProductImageOut])
def product_image_list(request: HttpRequest, product_id: int) -> QuerySet[ProductImage]:
    actor = _scoped(request, "read")
    return selectors.product_images(actor=actor, product=selectors.product_get(actor=actor, product_id=product_id))


@router.post("/{int:product_id}/images", response={201: ProductImageOut}, summary="Add an image (multipart)")
@idempotent
def product_image_add(
    request: HttpRequest,
    product_id: int,
    image: UploadedFile = File(...),  # noqa: B008
) -> Status[ProductImage]:
    return Status(201, services.product_image_add(actor=_scoped(request, "write"), product_id=product_id, upload=image))


@router.get("/{int:product_id}/images/{int:image_id}", summary="The image file", url_name="product_image_file")
def product_image_file(request: HttpRequest, product_id: int, image_id: int) -> FileResponse:
    return image_response(
        selectors.product_image_get(actor=_scoped(request, "read"), product_id=product_id, image_id=image_id)
    )


@router.delete("/{int:product_id}/images/{int:image_id}", response={204: None})
def product_image_delete(request: HttpRequest, product_id: int, image_id: int) -> Status[None]:
    services.product_image_delete(actor=_scoped(request, "write"), product_id=product_id, image_id=image_id)
    return Status(204, None)
