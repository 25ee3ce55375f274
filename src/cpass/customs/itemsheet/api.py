"""/api/v1/customs (item sheets): a declaration's item template, the upload of an item file (queued as an import
run: follow it at /api/v1/imports/{id}), the export of its items, and the export of the filtered declaration list.

Mounted by the lead next to the customs router: `api.add_router("/customs", itemsheet_router, tags=["customs"])`.
"""

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from cpass.core.api import scoped_actor
from cpass.core.errors import PermissionDenied
from cpass.core.idempotency import idempotent
from cpass.customs import selectors
from cpass.customs.itemsheet.excel import (
    XLSX_CONTENT_TYPE,
    declarations_filename,
    declarations_workbook,
    items_filename,
    items_workbook,
    template_filename,
    template_workbook,
)
from cpass.customs.itemsheet.importers import KIND
from cpass.customs.itemsheet.views import declaration_items
from cpass.customs.schemas import DeclarationOrdering, DeclarationStatusValue
from cpass.imports.models import ImportJob
from cpass.imports.schemas import ImportJobOut
from cpass.imports.selectors import import_job_progress
from cpass.imports.services import import_job_create
from cpass.shipments.schemas import DirectionValue

router = Router()


@router.get(
    "/declarations/export.xlsx",
    summary="The filtered declarations as an XLSX (the list's filters)",
    url_name="declaration_export_xlsx",
)
def declaration_export(
    request: HttpRequest,
    status: DeclarationStatusValue | None = None,
    direction: DirectionValue | None = None,
    shipment: int | None = None,
    q: str | None = None,
    ordering: DeclarationOrdering | None = None,
) -> FileResponse:
    declarations = selectors.declaration_list(
        actor=scoped_actor(request, "customs", "read"),
        status=status,
        direction=direction,
        shipment_id=shipment,
        q=q,
        ordering=ordering,
    )
    return FileResponse(
        declarations_workbook(declarations),
        as_attachment=True,
        filename=declarations_filename(),
        content_type=XLSX_CONTENT_TYPE,
    )


@router.get(
    "/declarations/{int:declaration_id}/items/template.xlsx",
    summary="The XLSX item template of a declaration (bilingual header, code lists, instructions)",
    url_name="declaration_item_template",
)
def item_template(request: HttpRequest, declaration_id: int) -> FileResponse:
    declaration = selectors.declaration_get(
        actor=scoped_actor(request, "customs", "read"), declaration_id=declaration_id
    )
    return FileResponse(
        template_workbook(declaration),
        as_attachment=True,
        filename=template_filename(declaration),
        content_type=XLSX_CONTENT_TYPE,
    )


@router.get(
    "/declarations/{int:declaration_id}/items/export.xlsx",
    summary="The items of a declaration as an XLSX in the template's layout",
    url_name="declaration_item_export",
)
def item_export(request: HttpRequest, declaration_id: int) -> FileResponse:
    actor = scoped_actor(request, "customs", "read")
    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id)
    return FileResponse(
        items_workbook(declaration_items(actor, declaration)),
        as_attachment=True,
        filename=items_filename(declaration),
        content_type=XLSX_CONTENT_TYPE,
    )


@router.post(
    "/declarations/{int:declaration_id}/items/import",
    response={202: ImportJobOut},
    summary="Upload an item file (multipart); the run is queued: follow it at /imports/{id}",
    url_name="declaration_item_import",
)
@idempotent
def item_import(request: HttpRequest, declaration_id: int, file: UploadedFile = File(...)) -> Status[ImportJob]:  # noqa: B008
    """All-or-nothing: one bad row and nothing is saved; the run's `issues` name the line and the column. Items go
    after the declaration's own; past 50, into continuation declarations (`split_from` this one)."""
    actor = scoped_actor(request, "customs", "write")
    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id)
    if declaration.enterprise_id not in actor.enterprise_ids_for("customs", "write"):
        raise PermissionDenied(_("Your role does not allow changing this declaration."))
    job = import_job_create(actor=actor, kind=KIND, file=file, options={"declaration": str(declaration.pk)})
    job.progress = import_job_progress(job)  # type: ignore[attr-defined]
    return Status(202, job)
