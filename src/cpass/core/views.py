"""The landing page, the dashboard and the health check."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.static import serve

from cpass.core.dashboard import dashboard_summary


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    return render(request, "core/home.html")


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    return render(request, "core/dashboard.html", {"summary": dashboard_summary(actor=actor)})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def enterprise_logo(request: HttpRequest, path: str) -> HttpResponseBase:
    """Enterprise logos are public images with random names; the URL pattern admits only logos/*.png."""
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))
