"""Write one AccessLog row per request (not for static files, which WhiteNoise answers earlier)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from cpass.audit.services import access_log_record
from cpass.core import context
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
        # Reading the lazy session Actor here may set the audit context; keep that inside this request.
        with context.acting_as(*context.audit_actor.get()):
            self._record(request, response, user, actor, at, started)
        return response

    @staticmethod
    def _record(
        request: HttpRequest, response: HttpResponse, user: Any, actor: Any, at: datetime, started: float
    ) -> None:
        access_log_record(
            time=at,
            method=request.method or "",
            path=request.get_full_path()[:500],
            status=response.status_code,
            user_id=getattr(request, "access_log_user_id", None)
            or (user.pk if user is not None and user.is_authenticated else None),
            enterprise_id=getattr(request, "access_log_enterprise_id", None)
            or (actor.enterprise_id if actor is not None and user is not None and user.is_authenticated else None),
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:512],
            duration_ms=int((time.perf_counter() - started) * 1000),
            request_id=getattr(request, "request_id", ""),
        )
