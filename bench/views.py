"""The floor: the least Django can do to answer the same question as the documents list.

Two raw SQL statements (the enterprise's document count and its 50 newest documents, as the
paginated list runs them), no authentication, no ORM, no middleware (see bench.wsgi), JSON out.
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

from cpass.documents.models import Document

PAGE_SIZE = 50
_COLUMNS = (
    "id",
    "title",
    "category",
    "description",
    "original_name",
    "content_type",
    "size",
    "sha256",
    "created_at",
    "updated_at",
)
_TABLE = Document._meta.db_table
_COUNT_SQL = f"SELECT COUNT(*) FROM {_TABLE} WHERE enterprise_id = %s"
_PAGE_SQL = (
    f"SELECT {', '.join(_COLUMNS)} FROM {_TABLE} WHERE enterprise_id = %s ORDER BY created_at DESC LIMIT {PAGE_SIZE}"
)


def floor(request: HttpRequest) -> HttpResponse:
    enterprise_id = request.GET.get("enterprise", "")
    if not enterprise_id.isdigit():
        return HttpResponseBadRequest("enterprise=<id> is required")
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_SQL, [int(enterprise_id)])
        (count,) = cursor.fetchone()
        cursor.execute(_PAGE_SQL, [int(enterprise_id)])
        items = [dict(zip(_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    return JsonResponse({"count": count, "items": items, "limit": PAGE_SIZE, "offset": 0})
