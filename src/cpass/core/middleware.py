"""Request id: one identifier per request, echoed in X-Request-ID and written to the audit logs; and the page for
a business error a view left unhandled."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string

from cpass.core import context
from cpass.core.errors import RateLimited, ServiceError

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = context.request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            context.request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class ServiceErrorPageMiddleware:
    """A business error a page's view did not handle (a form error it did not expect, a conflict, a rate limit)
    becomes a page with its message and status instead of a 500. Not found and forbidden are Django's own 404
    and 403 already (their classes derive from Http404 and PermissionDenied); the API maps every error itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ServiceError) or isinstance(exception, Http404 | DjangoPermissionDenied):
            return None
        page = render_to_string("400.html", {"message": exception.detail, "status": exception.status}, request=request)
        response = HttpResponse(page, status=exception.status, content_type="text/html")
        if isinstance(exception, RateLimited):
            response["Retry-After"] = str(exception.retry_after)
        return response
