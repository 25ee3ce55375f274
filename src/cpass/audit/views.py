"""Pages: the enterprise change log (admins and owners) and the signed-in user's own access log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cpass.audit.forms import ChangeFilterForm
from cpass.audit.models import ObjectChange
from cpass.audit.selectors import (
    can_read_enterprise_changes,
    enterprise_change_users,
    enterprise_changes,
    my_access_log,
    user_timezone,
)
from cpass.core.actor import Actor

PAGE_SIZE = 50


@login_required
@require_GET
def changes(request: HttpRequest) -> HttpResponse:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    if not can_read_enterprise_changes(actor=actor):
        raise Http404
    form = ChangeFilterForm(request.GET or None, users=enterprise_change_users(actor=actor))
    # An invalid filter shows its errors inline and no rows, rather than everything.
    rows = ObjectChange.objects.none()
    with timezone.override(user_timezone(request.user)):
        if not form.is_bound or form.is_valid():
            since, until = form.time_range() if form.is_bound else (None, None)
            cleaned = form.cleaned_data if form.is_bound else {}
            user = cleaned.get("user")
            rows = enterprise_changes(
                actor=actor,
                object_type=cleaned.get("object_type") or None,
                user_id=user.pk if user else None,
                since=since,
                until=until,
            )
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {"form": form, "page": page, "changes": page.object_list, "query": query.urlencode()}
        template = "audit/_changes_results.html" if request.htmx else "audit/changes.html"  # type: ignore[attr-defined]
        return render(request, template, context)


@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    page = Paginator(my_access_log(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    with timezone.override(user_timezone(request.user)):
        return render(
            request,
            "audit/access_log.html",
            {"page": page, "retention_days": settings.CPASS_ACCESS_LOG_RETENTION_DAYS},
        )
