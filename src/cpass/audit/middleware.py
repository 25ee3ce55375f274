"""Write one AccessLog row per request (not for static files, which WhiteNoise answers earlier)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from cpass.audit.services import access_log_record
from cpass.core.http import client_ip


class AccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        at = timezone.now()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        actor = getattr(request, "actor", None)
        access_log_record(
            time=at,
            method=request.method or "",
            path=request.get_full_path()[:500],
            status=response.status_code,
            user_id=user.pk if user is not None and user.is_authenticated else None,
            enterprise_id=getattr(request, "access_log_enterprise_id", None)
            or (actor.enterprise_id if actor is not None and user is not None and user.is_authenticated else None),
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:512],
            duration_ms=int((time.perf_counter() - started) * 1000),
            request_id=getattr(request, "request_id", ""),
        )
        return response
