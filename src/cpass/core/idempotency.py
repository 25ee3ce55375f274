"""Idempotency-Key for POST operations: a retried request gets the first answer, not a second effect.

A router author adds one decorator under the route decorator:

    @router.post("/things", response={201: ThingOut})
    @idempotent
    def thing_create(request, payload: ThingCreateIn): ...

The first request with a key stores its 2xx answer (status, content type, body) per (user, key)
in core.IdempotencyRecord; the same key with the same request replays it with
`Idempotent-Replayed: true`; the same key with another request, or while the first is still
running, is a 409 problem. Non-2xx answers are not stored, so the client may retry after fixing
the cause. Records are purged after a day (cpass.audit.tasks.idempotency_record_purge_task).
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, get_type_hints

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.decorators import decorate_view

from cpass.core.errors import Conflict, ServiceError
from cpass.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
#: How long a stored answer is replayed (and how long a key stays taken).
RETENTION = timedelta(hours=24)
#: `status` of a record whose first request has not finished yet.
_IN_PROGRESS = 0
_REQUEST_ATTR = "_cpass_idempotency_record_id"

F = TypeVar("F", bound=Callable[..., Any])


class IdempotencyKeyInvalid(ServiceError):
    status = 400
    title = _("Bad request")


def _request_fingerprint(request: HttpRequest) -> str:
    """SHA-256 over method, path with query and body (for multipart: fields and file contents)."""
    digest = hashlib.sha256()
    digest.update(f"{request.method}\n{request.get_full_path()}\n".encode())
    try:
        digest.update(request.body)
    except RawPostDataException:
        # multipart was streamed into request.POST / request.FILES; hash what was parsed instead.
        for name in sorted(request.POST):
            digest.update(f"{name}={request.POST.getlist(name)!r}\n".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"{name}:{upload.name}:{upload.size}\n".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    return digest.hexdigest()


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status, content_type=record.content_type)
    response[REPLAYED_HEADER] = "true"
    return response


def _claim(request: HttpRequest, key: str) -> HttpResponse | None:
    """Replay a finished answer, refuse a conflicting reuse, or take the key for this request."""
    if not key or len(key) > MAX_KEY_LENGTH:
        message = _("The Idempotency-Key header must be 1 to %(max)d characters long.") % {"max": MAX_KEY_LENGTH}
        raise IdempotencyKeyInvalid(message, errors={HEADER: [message]})
    user_id = request.auth.user.pk  # type: ignore[attr-defined]
    fingerprint = _request_fingerprint(request)
    existing = IdempotencyRecord.objects.filter(
        user_id=user_id, key=key, created_at__gte=timezone.now() - RETENTION
    ).first()
    if existing is None:
        # A stale record older than RETENTION may still hold the key until the purge runs.
        IdempotencyRecord.objects.filter(user_id=user_id, key=key).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user_id=user_id,
                    key=key,
                    method=request.method or "",
                    path=request.path[:500],
                    request_hash=fingerprint,
                    status=_IN_PROGRESS,
                    content_type="",
                    body=b"",
                )
        except IntegrityError:
            raise Conflict(_("Another request with this Idempotency-Key is in progress.")) from None
        setattr(request, _REQUEST_ATTR, record.pk)
        return None
    if existing.status == _IN_PROGRESS:
        raise Conflict(_("Another request with this Idempotency-Key is in progress."))
    if existing.request_hash != fingerprint:
        raise Conflict(
            _("This Idempotency-Key was already used for a different request."),
            errors={HEADER: [_("Use a new key for a new request.")]},
        )
    return _replay(existing)


def _settle(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wraps the ninja operation: store the final 2xx answer, or free the key for a retry."""

    @wraps(run)
    def settled(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = run(request, *args, **kwargs)
        except BaseException:
            _release(request)
            raise
        record_id = getattr(request, _REQUEST_ATTR, None)
        if record_id is not None:
            if 200 <= response.status_code < 300 and isinstance(response, HttpResponse):
                IdempotencyRecord.objects.filter(pk=record_id).update(
                    status=response.status_code,
                    content_type=response.get("Content-Type", ""),
                    body=response.content,
                )
            else:
                _release(request)
        return response

    return settled


def _release(request: HttpRequest) -> None:
    record_id = getattr(request, _REQUEST_ATTR, None)
    if record_id is not None:
        IdempotencyRecord.objects.filter(pk=record_id, status=_IN_PROGRESS).delete()


def idempotent(view: F) -> F:
    """Honour the Idempotency-Key header on this ninja operation (place it under @router.post)."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is not None:
            replay = _claim(request, key.strip())
            if replay is not None:
                return replay
        return view(request, *args, **kwargs)

    guarded.cpass_idempotent = True  # type: ignore[attr-defined]  # checked by tests/test_project.py
    # ninja resolves string annotations in the wrapper's module; hand it the resolved signature.
    hints = get_type_hints(view, include_extras=True)
    signature = inspect.signature(view)
    guarded.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[p.replace(annotation=hints.get(p.name, p.annotation)) for p in signature.parameters.values()]
    )
    return decorate_view(_settle)(guarded)  # type: ignore[return-value]


def idempotency_records_purge(*, older_than: timedelta = RETENTION, batch_size: int = 5000) -> int:
    """Delete stored answers older than `older_than` in batches; returns how many were deleted."""
    cutoff = timezone.now() - older_than
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(
                IdempotencyRecord.objects.filter(created_at__lt=cutoff)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return deleted
            deleted += IdempotencyRecord.objects.filter(pk__in=ids).delete()[0]
