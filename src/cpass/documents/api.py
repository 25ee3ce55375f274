"""/api/v1/documents: list (own and granted clients'), upload, read, change, delete, download."""

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from cpass.core.actor import Actor
from cpass.core.api import Pagination, scoped_actor
from cpass.core.idempotency import idempotent
from cpass.documents import selectors, services
from cpass.documents.models import Document
from cpass.documents.schemas import DocumentCategoryValue, DocumentOrdering, DocumentOut, DocumentUpdateIn
from cpass.documents.views import download_response

router = Router()


def _scoped(request: HttpRequest, action: str) -> Actor:
    return scoped_actor(request, "documents", action)


@router.get("", response=list[DocumentOut], summary="Documents I can read: my enterprise's and my clients' shared ones")
@paginate(Pagination)
def document_list(
    request: HttpRequest,
    enterprise: int | None = None,
    category: DocumentCategoryValue | None = None,
    q: str | None = None,
    ordering: DocumentOrdering | None = None,
) -> QuerySet[Document]:
    """Filter by owner `enterprise` id, `category`, text `q` in title/description; `ordering` e.g. -created_at,title."""
    return selectors.document_list(
        actor=_scoped(request, "read"), enterprise_id=enterprise, category=category, q=q, ordering=ordering
    )


@router.post("", response={201: DocumentOut}, summary="Upload a document (multipart)")
@idempotent
def document_create(
    request: HttpRequest,
    title: Form[str],
    category: Form[DocumentCategoryValue],
    file: UploadedFile = File(...),  # noqa: B008
    enterprise_id: Form[int | None] = None,
    description: Form[str] = "",
) -> Status[Document]:
    actor = _scoped(request, "write")
    document = services.document_create(
        actor=actor,
        enterprise_id=enterprise_id if enterprise_id is not None else actor.enterprise_id or 0,
        title=title,
        category=category,
        file=file,
        description=description,
    )
    return Status(201, document)


@router.get("/{int:document_id}", response=DocumentOut)
def document_get(request: HttpRequest, document_id: int) -> Document:
    return selectors.document_get(actor=_scoped(request, "read"), document_id=document_id)


@router.patch("/{int:document_id}", response=DocumentOut, summary="Change title, category or description")
def document_update(request: HttpRequest, document_id: int, payload: DocumentUpdateIn) -> Document:
    return services.document_update(
        actor=_scoped(request, "write"), document_id=document_id, **payload.dict(exclude_unset=True)
    )


@router.delete("/{int:document_id}", response={204: None})
def document_delete(request: HttpRequest, document_id: int) -> Status[None]:
    services.document_delete(actor=_scoped(request, "write"), document_id=document_id)
    return Status(204, None)


@router.get("/{int:document_id}/download", summary="The file, as an attachment", url_name="document_download")
def document_download(request: HttpRequest, document_id: int) -> FileResponse:
    return download_response(selectors.document_get(actor=_scoped(request, "read"), document_id=document_id))
