"""Errors raised by services and selectors, mapped in one place to problem+json (API) and form errors (UI)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.functional import Promise

Message = str | Promise


class ServiceError(Exception):
    """Base of every expected business error. `status` is the HTTP status it maps to."""

    status = 400
    title: Message = "Bad request"

    def __init__(self, detail: Message, *, errors: Mapping[str, Sequence[Message]] | None = None) -> None:
        super().__init__(str(detail))
        self.detail = detail
        #: field name -> messages; "" for errors not tied to one field.
        self.errors: dict[str, list[Message]] = {k: list(v) for k, v in (errors or {}).items()}


class ValidationFailed(ServiceError):
    status = 422
    title = "Validation failed"

    @classmethod
    def on(cls, field: str, message: Message) -> ValidationFailed:
        return cls(message, errors={field: [message]})


class NotFound(ServiceError, Http404):
    """Also what another tenant's object looks like: absent, never forbidden.

    Being an Http404 too, a page view lets it through and Django answers 404; the API maps it to problem+json.
    """

    status = 404
    title = "Not found"


class PermissionDenied(ServiceError, DjangoPermissionDenied):
    """Being Django's PermissionDenied too, a page view lets it through and Django answers 403."""

    status = 403
    title = "Forbidden"


class Conflict(ServiceError):
    status = 409
    title = "Conflict"


class RateLimited(ServiceError):
    status = 429
    title = "Too many requests"

    def __init__(self, detail: Message, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
