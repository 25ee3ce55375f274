"""/api/v1/shipments: an enterprise's shipments (jobs), their goods, containers and milestones."""

from datetime import datetime

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from cpass.core.actor import Actor
from cpass.core.api import Pagination, scoped_actor
from cpass.core.idempotency import idempotent
from cpass.documents.models import Document
from cpass.documents.schemas import DocumentCategoryValue, DocumentOut
from cpass.shipments import selectors, services
from cpass.shipments.excel import XLSX_CONTENT_TYPE, export_filename, export_workbook
from cpass.shipments.models import Container, GoodsLine, Milestone, SavedView, Shipment
from cpass.shipments.schemas import (
    ContainerCreateIn,
    ContainerOut,
    ContainerUpdateIn,
    DirectionValue,
    GoodsLineCreateIn,
    GoodsLineOut,
    GoodsLineUpdateIn,
    MilestoneCreateIn,
    MilestoneOut,
    SavedViewCreateIn,
    SavedViewOut,
    ShipmentCreateIn,
    ShipmentDocumentAttachIn,
    ShipmentOrdering,
    ShipmentOut,
    ShipmentSearch,
    ShipmentStatusValue,
    ShipmentTransitionIn,
    ShipmentUpdateIn,
)

router = Router()


def _scoped(request: HttpRequest, action: str) -> Actor:
    return scoped_actor(request, "shipments", action)


@router.get("", response=list[ShipmentOut], summary="Shipments I can read: my enterprise's and my clients' shared ones")
@paginate(Pagination)
def shipment_list(
    request: HttpRequest,
    direction: DirectionValue | None = None,
    status: ShipmentStatusValue | None = None,
    port: str | None = None,
    eta_from: datetime | None = None,
    eta_to: datetime | None = None,
    party: int | None = None,
    q: ShipmentSearch = None,
    enterprise: int | None = None,
    handled_by: int | None = None,
    ordering: ShipmentOrdering | None = None,
) -> QuerySet[Shipment]:
    """`port` is the port of loading or discharge (UN/LOCODE); `party` a consignor, consignee or notify party id;
    `handled_by` the id of the enterprise handling the job;
    `q` finds shipments by their numbers, party names, goods (description, HS code prefix, product) and
    declarations (entry number, reference), every word somewhere; `ordering` e.g. -eta."""
    return selectors.shipment_list(
        actor=_scoped(request, "read"),
        direction=direction,
        status=status,
        port=port,
        eta_from=eta_from,
        eta_to=eta_to,
        party_id=party,
        q=q,
        enterprise_id=enterprise,
        handling_partner_id=handled_by,
        ordering=ordering,
    )


@router.get(
    "/export.xlsx",
    summary="The filtered shipment list as an Excel file (bilingual header)",
    url_name="shipment_export",
)
def shipment_export(
    request: HttpRequest,
    direction: DirectionValue | None = None,
    status: ShipmentStatusValue | None = None,
    port: str | None = None,
    eta_from: datetime | None = None,
    eta_to: datetime | None = None,
    party: int | None = None,
    q: ShipmentSearch = None,
    enterprise: int | None = None,
    handled_by: int | None = None,
    ordering: ShipmentOrdering | None = None,
) -> FileResponse:
    """The same filters as the list; every matching shipment, one row each."""
    shipments = selectors.shipment_list(
        actor=_scoped(request, "read"),
        direction=direction,
        status=status,
        port=port,
        eta_from=eta_from,
        eta_to=eta_to,
        party_id=party,
        q=q,
        enterprise_id=enterprise,
        handling_partner_id=handled_by,
        ordering=ordering,
    )
    return FileResponse(
        export_workbook(shipments), as_attachment=True, filename=export_filename(), content_type=XLSX_CONTENT_TYPE
    )


# -- saved views (before /{shipment_id}, which they do not match anyway) ----------------------------------


@router.get("/views", response=list[SavedViewOut], summary="My saved list filters in my active enterprise")
@paginate(Pagination)
def saved_view_list(request: HttpRequest) -> QuerySet[SavedView]:
    return selectors.saved_views(actor=_scoped(request, "read"))


@router.post("/views", response={201: SavedViewOut}, summary="Save list filters under a name")
@idempotent
def saved_view_create(request: HttpRequest, payload: SavedViewCreateIn) -> Status[SavedView]:
    view = services.saved_view_create(actor=_scoped(request, "read"), name=payload.name, filters=payload.filters)
    return Status(201, view)


@router.delete("/views/{int:view_id}", response={204: None}, summary="Delete one of my saved views")
def saved_view_delete(request: HttpRequest, view_id: int) -> Status[None]:
    services.saved_view_delete(actor=_scoped(request, "read"), view_id=view_id)
    return Status(204, None)


@router.post("", response={201: ShipmentOut}, summary="Open a shipment (draft) with the next job number")
@idempotent
def shipment_create(request: HttpRequest, payload: ShipmentCreateIn) -> Status[Shipment]:
    data = payload.dict(exclude_unset=True)
    shipment = services.shipment_create(actor=_scoped(request, "write"), **data)
    return Status(201, shipment)


@router.get("/{int:shipment_id}", response=ShipmentOut)
def shipment_get(request: HttpRequest, shipment_id: int) -> Shipment:
    return selectors.shipment_get(actor=_scoped(request, "read"), shipment_id=shipment_id)


@router.patch("/{int:shipment_id}", response=ShipmentOut, summary="Change fields (not the direction or status)")
def shipment_update(request: HttpRequest, shipment_id: int, payload: ShipmentUpdateIn) -> Shipment:
    return services.shipment_update(
        actor=_scoped(request, "write"), shipment_id=shipment_id, **payload.dict(exclude_unset=True)
    )


@router.delete("/{int:shipment_id}", response={204: None}, summary="Delete a draft shipment")
def shipment_delete(request: HttpRequest, shipment_id: int) -> Status[None]:
    services.shipment_delete(actor=_scoped(request, "write"), shipment_id=shipment_id)
    return Status(204, None)


@router.post("/{int:shipment_id}/transitions", response=ShipmentOut, summary="Move the shipment to its next status")
@idempotent
def shipment_transition(request: HttpRequest, shipment_id: int, payload: ShipmentTransitionIn) -> Shipment:
    return services.shipment_transition(actor=_scoped(request, "write"), shipment_id=shipment_id, **payload.dict())


# -- goods lines --------------------------------------------------------------------------------------


@router.get("/{int:shipment_id}/goods", response=list[GoodsLineOut])
@paginate(Pagination)
def goods_line_list(request: HttpRequest, shipment_id: int) -> QuerySet[GoodsLine]:
    actor = _scoped(request, "read")
    return selectors.goods_lines(actor=actor, shipment=selectors.shipment_get(actor=actor, shipment_id=shipment_id))


@router.post("/{int:shipment_id}/goods", response={201: GoodsLineOut}, summary="Add a goods line")
@idempotent
def goods_line_add(request: HttpRequest, shipment_id: int, payload: GoodsLineCreateIn) -> Status[GoodsLine]:
    line = services.goods_line_add(
        actor=_scoped(request, "write"), shipment_id=shipment_id, **payload.dict(exclude_unset=True)
    )
    return Status(201, line)


@router.get("/{int:shipment_id}/goods/{int:line_id}", response=GoodsLineOut)
def goods_line_get(request: HttpRequest, shipment_id: int, line_id: int) -> GoodsLine:
    return selectors.goods_line_get(actor=_scoped(request, "read"), shipment_id=shipment_id, line_id=line_id)


@router.patch("/{int:shipment_id}/goods/{int:line_id}", response=GoodsLineOut)
def goods_line_update(request: HttpRequest, shipment_id: int, line_id: int, payload: GoodsLineUpdateIn) -> GoodsLine:
    return services.goods_line_update(
        actor=_scoped(request, "write"), shipment_id=shipment_id, line_id=line_id, **payload.dict(exclude_unset=True)
    )


@router.delete("/{int:shipment_id}/goods/{int:line_id}", response={204: None})
def goods_line_remove(request: HttpRequest, shipment_id: int, line_id: int) -> Status[None]:
    services.goods_line_remove(actor=_scoped(request, "write"), shipment_id=shipment_id, line_id=line_id)
    return Status(204, None)


# -- containers ---------------------------------------------------------------------------------------


@router.get("/{int:shipment_id}/containers", response=list[ContainerOut])
@paginate(Pagination)
def container_list(request: HttpRequest, shipment_id: int) -> QuerySet[Container]:
    actor = _scoped(request, "read")
    return selectors.containers(actor=actor, shipment=selectors.shipment_get(actor=actor, shipment_id=shipment_id))


@router.post("/{int:shipment_id}/containers", response={201: ContainerOut}, summary="Add a container")
@idempotent
def container_add(request: HttpRequest, shipment_id: int, payload: ContainerCreateIn) -> Status[Container]:
    container = services.container_add(actor=_scoped(request, "write"), shipment_id=shipment_id, **payload.dict())
    return Status(201, container)


@router.get("/{int:shipment_id}/containers/{int:container_id}", response=ContainerOut)
def container_get(request: HttpRequest, shipment_id: int, container_id: int) -> Container:
    return selectors.container_get(actor=_scoped(request, "read"), shipment_id=shipment_id, container_id=container_id)


@router.patch("/{int:shipment_id}/containers/{int:container_id}", response=ContainerOut)
def container_update(
    request: HttpRequest, shipment_id: int, container_id: int, payload: ContainerUpdateIn
) -> Container:
    return services.container_update(
        actor=_scoped(request, "write"),
        shipment_id=shipment_id,
        container_id=container_id,
        **payload.dict(exclude_unset=True),
    )


@router.delete("/{int:shipment_id}/containers/{int:container_id}", response={204: None})
def container_remove(request: HttpRequest, shipment_id: int, container_id: int) -> Status[None]:
    services.container_remove(actor=_scoped(request, "write"), shipment_id=shipment_id, container_id=container_id)
    return Status(204, None)


# -- milestones ---------------------------------------------------------------------------------------


@router.get("/{int:shipment_id}/milestones", response=list[MilestoneOut], summary="The timeline, newest first")
@paginate(Pagination)
def milestone_list(request: HttpRequest, shipment_id: int) -> QuerySet[Milestone]:
    actor = _scoped(request, "read")
    return selectors.milestones(actor=actor, shipment=selectors.shipment_get(actor=actor, shipment_id=shipment_id))


@router.post("/{int:shipment_id}/milestones", response={201: MilestoneOut}, summary="Add an event to the timeline")
@idempotent
def milestone_add(request: HttpRequest, shipment_id: int, payload: MilestoneCreateIn) -> Status[Milestone]:
    milestone = services.milestone_add(actor=_scoped(request, "write"), shipment_id=shipment_id, **payload.dict())
    return Status(201, milestone)


# -- attached documents -------------------------------------------------------------------------------


@router.get(
    "/{int:shipment_id}/documents",
    response=list[DocumentOut],
    summary="Documents attached to the shipment (those the caller may read under its documents grants)",
)
def shipment_document_list(request: HttpRequest, shipment_id: int) -> QuerySet[Document]:
    actor = _scoped(request, "read")
    shipment = selectors.shipment_get(actor=actor, shipment_id=shipment_id)
    return selectors.shipment_documents(actor=actor, shipment=shipment)


@router.post(
    "/{int:shipment_id}/documents",
    response={201: DocumentOut},
    summary="Upload a file into the shipment's enterprise's documents and attach it (multipart)",
)
@idempotent
def shipment_document_upload(
    request: HttpRequest,
    shipment_id: int,
    title: Form[str],
    category: Form[DocumentCategoryValue],
    file: UploadedFile = File(...),  # noqa: B008
    description: Form[str] = "",
) -> Status[Document]:
    link = services.shipment_document_upload(
        actor=_scoped(request, "write"),
        shipment_id=shipment_id,
        title=title,
        category=category,
        file=file,
        description=description,
    )
    return Status(201, link.document)


@router.post(
    "/{int:shipment_id}/documents/attach",
    response={201: DocumentOut},
    summary="Attach one of the enterprise's documents to the shipment",
)
@idempotent
def shipment_document_attach(
    request: HttpRequest, shipment_id: int, payload: ShipmentDocumentAttachIn
) -> Status[Document]:
    link = services.shipment_document_attach(
        actor=_scoped(request, "write"), shipment_id=shipment_id, document_id=payload.document_id
    )
    return Status(201, link.document)


@router.delete("/{int:shipment_id}/documents/{int:document_id}", response={204: None})
def shipment_document_detach(request: HttpRequest, shipment_id: int, document_id: int) -> Status[None]:
    """Remove the document from the shipment; the file stays in the enterprise's documents."""
    services.shipment_document_detach(actor=_scoped(request, "write"), shipment_id=shipment_id, document_id=document_id)
    return Status(204, None)
