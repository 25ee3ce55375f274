"""Pages of the customs gateway: the enterprise's connection (what its declarations are sent through), and for
platform staff the receipt quarantine: the list, one receipt with its message, "apply again" and "dismiss"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cpass.core.actor import Actor
from cpass.core.errors import ServiceError
from cpass.core.forms import add_service_error
from cpass.customs.gateway import selectors, services

PAGE_SIZE = 25


class DismissForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why it will not be applied"), max_length=400)


class ConnectionForm(forms.Form):
    def __init__(self, *args: Any, setting: selectors.ConnectionSetting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default = _("Platform default: %(label)s") % {"label": setting.default.label}
        choices = [("", default)] + [(gateway.name, str(gateway.label)) for gateway in setting.available]
        if setting.chosen and not setting.usable:
            choices.append((setting.chosen, _("%(name)s (no longer available)") % {"name": setting.chosen}))
        self.fields["gateway"] = forms.ChoiceField(
            label=gettext_lazy("Send declarations through"), required=False, choices=choices, initial=setting.chosen
        )


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


@login_required
@require_http_methods(["GET", "POST"])
def connection(request: HttpRequest) -> HttpResponse:
    """The active enterprise's customs connection: everyone with access to declarations sees it, a manager
    changes it."""
    actor = _actor(request)
    setting = selectors.customs_connection(actor=actor)
    form = ConnectionForm(request.POST or None, setting=setting)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.customs_connection_set(actor=actor, gateway=form.cleaned_data["gateway"])
            except ServiceError as exc:
                if exc.status == 403:
                    raise
                add_service_error(form, exc)
            else:
                messages.success(request, _("Customs connection saved."))
                return redirect("customs-gateway:connection")
        status = 422
    context = {"setting": setting, "form": form}
    return render(request, "customs/gateway/connection.html", context, status=status)


@login_required
@require_POST
def declaration_resend(request: HttpRequest, declaration_id: int) -> HttpResponse:
    """“Send again” on a declaration's gateway tab: the same message, in the background."""
    url = reverse("customs:declaration_detail", args=[declaration_id]) + "?tab=gateway"
    try:
        services.declaration_resend(actor=_actor(request), declaration_id=declaration_id)
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("The declaration is being sent again."))
    return redirect(url)


@login_required
@require_GET
def quarantine_list(request: HttpRequest) -> HttpResponse:
    receipts = selectors.quarantined_receipts(actor=_actor(request))
    page = Paginator(receipts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "customs/gateway/quarantine.html", {"page": page})


def _detail(
    request: HttpRequest, receipt_id: int, form: DismissForm, *, status: int = 200, error: str = ""
) -> HttpResponse:
    receipt = selectors.receipt_get_for_staff(actor=_actor(request), receipt_id=receipt_id)
    context = {"receipt": receipt, "form": form, "error": error}
    return render(request, "customs/gateway/quarantine_detail.html", context, status=status)


@login_required
@require_GET
def quarantine_detail(request: HttpRequest, receipt_id: int) -> HttpResponse:
    return _detail(request, receipt_id, DismissForm())


@login_required
@require_POST
def quarantine_reapply(request: HttpRequest, receipt_id: int) -> HttpResponse:
    try:
        receipt = services.receipt_reapply(actor=_actor(request), receipt_id=receipt_id)
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        error = _("Not applied: %(reason)s") % {"reason": exc.detail}
        return _detail(request, receipt_id, DismissForm(), status=409, error=error)
    messages.success(request, _("Receipt applied: %(state)s.") % {"state": receipt.get_state_display()})
    return redirect("customs-gateway:quarantine")


@login_required
@require_POST
def quarantine_dismiss(request: HttpRequest, receipt_id: int) -> HttpResponse:
    form = DismissForm(request.POST)
    if form.is_valid():
        try:
            services.receipt_dismiss(actor=_actor(request), receipt_id=receipt_id, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            if exc.status in (403, 404):
                raise
            add_service_error(form, exc)
        else:
            messages.success(request, _("Receipt dismissed."))
            return redirect("customs-gateway:quarantine")
    return _detail(request, receipt_id, form, status=422)
