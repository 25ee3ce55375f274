"""Product pages: list with filters, create, detail with classification history, edit, classify,
images, the Excel template and export, and the HTMX partials of the declaration elements."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cpass.audit.selectors import object_history
from cpass.core.actor import Actor
from cpass.core.errors import ServiceError
from cpass.core.forms import add_service_error
from cpass.products import selectors, services
from cpass.products.elements import Element, join_specification
from cpass.products.excel import XLSX_CONTENT_TYPE, export_filename, export_workbook, template_workbook
from cpass.products.forms import (
    ClassificationForm,
    ImageUploadForm,
    ProductFilterForm,
    ProductForm,
    element_field_map,
    element_field_name,
    element_values,
)
from cpass.products.models import ClassificationSource, ProductImage
from cpass.products.validation import ProductRules
from cpass.reference.selectors import code_entry
from cpass.reference.tables import Table
from cpass.tariff.models import TariffLine

PAGE_SIZE = 25


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _elements_for(code: str) -> list[Element]:
    """The template's elements for what the person typed; none while the code is incomplete or unknown."""
    rules = ProductRules(on=timezone.localdate())
    try:
        code = rules.hs_code(code)
        return rules.elements(code) if code else []
    except ServiceError:
        return []


def _typed_values(data: Mapping[str, Any], elements: list[Element]) -> dict[str, str]:
    return {element.key: data.get(element_field_name(element.key), "") for element in elements}


def _list_filters(request: HttpRequest, actor: Actor) -> tuple[ProductFilterForm, dict[str, Any]]:
    form = ProductFilterForm(request.GET or None, enterprises=selectors.readable_enterprises(actor=actor))
    data = form.cleaned_data if form.is_valid() else {}
    classified = {"yes": True, "no": False}.get(data.get("classified") or "")
    return form, {
        "q": data.get("q") or None,
        "hs_prefix": data.get("hs_prefix") or None,
        "origin": data.get("origin") or None,
        "classified": classified,
        "enterprise_id": data.get("enterprise"),
        "ordering": data.get("ordering") or None,
    }


@login_required
@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form, filters = _list_filters(request, actor)
    try:
        products = selectors.product_list(actor=actor, **filters)
    except ServiceError as exc:
        add_service_error(form, exc)
        products = selectors.product_list(actor=actor)
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_create": selectors.writable_enterprises(actor=actor).exists(),
        "can_import": actor.can("products", "write"),
        "shows_clients": len(actor.enterprise_ids_for("products", "read")) > 1,
    }
    return render(request, "products/list.html", context)


@login_required
@require_GET
def product_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered list as an Excel file in the import template's layout.

    With a filter the list would refuse, back to the list, which shows why.
    """
    actor = _actor(request)
    form, filters = _list_filters(request, actor)
    try:
        if form.is_bound and form.errors:
            raise ServiceError(_("Some filters are invalid."))
        products = selectors.product_list(actor=actor, **filters)
    except ServiceError:
        return redirect(f"{reverse('products:list')}?{request.GET.urlencode()}")
    return FileResponse(
        export_workbook(products), as_attachment=True, filename=export_filename(), content_type=XLSX_CONTENT_TYPE
    )


@login_required
@require_GET
def product_template(request: HttpRequest) -> FileResponse:
    """The blank import template (the import page /imports/new/?kind=products loads it)."""
    return FileResponse(
        template_workbook(), as_attachment=True, filename="products-template.xlsx", content_type=XLSX_CONTENT_TYPE
    )


def _product_form_values(form: ProductForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in services.PRODUCT_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def product_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    enterprises = selectors.writable_enterprises(actor=actor)
    if not enterprises.exists():
        raise DjangoPermissionDenied(_("Your role does not allow adding products."))
    code = request.POST.get("hs_code", "") if request.method == "POST" else request.GET.get("hs_code", "")
    elements = _elements_for(code)
    form = ProductForm(
        request.POST or None,
        enterprises=enterprises,
        elements=elements,
        element_initial={},
        is_classified=False,
        initial={"enterprise_id": actor.enterprise_id, "hs_code": code, "active": True},
    )
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(
                actor=actor,
                enterprise_id=form.cleaned_data["enterprise_id"],
                hs_code=form.cleaned_data["hs_code"],
                ciq_code=form.cleaned_data["ciq_code"],
                element_values=element_values(form, elements),
                **_product_form_values(form),
            )
        except ServiceError as exc:
            add_service_error(form, exc, element_field_map(elements))
        else:
            messages.success(request, _("The product has been added."))
            return redirect("products:detail", product_id=product.pk)
    status = 422 if form.errors else 200
    return render(request, "products/form.html", {"form": form, "preview": _preview(form, elements)}, status=status)


def _preview(form: ProductForm | ClassificationForm, elements: list[Element]) -> str:
    if form.is_bound:
        return join_specification(elements, _typed_values(form.data, elements))
    return join_specification(elements, {e.key: str(form[element_field_name(e.key)].initial or "") for e in elements})


@login_required
@require_GET
def product_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    actor = _actor(request)
    product = selectors.product_get(actor=actor, product_id=product_id)
    elements = _elements_for(product.hs_code)
    line = selectors.product_tariff_line(product)
    context = {
        "product": product,
        "can_write": product.enterprise_id in actor.enterprise_ids_for("products", "write"),
        "images": selectors.product_images(actor=actor, product=product),
        "history": selectors.classification_history(actor=actor, product_id=product.pk),
        "element_rows": [(element, product.element_values.get(element.key, "")) for element in elements],
        "specification": join_specification(elements, product.element_values),
        "line": line,
        "legal_units": _legal_units(line),
        "origin": code_entry(Table.COUNTRY, product.origin_country) if product.origin_country else None,
        "unit": code_entry(Table.UNIT, product.trade_unit) if product.trade_unit else None,
        "changes": object_history(obj=product),
        "image_form": ImageUploadForm(),
    }
    return render(request, "products/detail.html", context)


def _legal_units(line: TariffLine | None) -> list[str]:
    """The line's first and second legal units as "code name"."""
    units = []
    for code in (line.unit_1, line.unit_2) if line else ():
        if code:
            entry = code_entry(Table.UNIT, code)
            units.append(f"{code} {entry.name}" if entry else code)
    return units


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    actor = _actor(request)
    product = selectors.product_get(actor=actor, product_id=product_id, action="write")
    code = request.POST.get("hs_code", "") if request.method == "POST" else product.hs_code
    elements = _elements_for(code)
    initial = {name: getattr(product, name) for name in (*services.PRODUCT_FIELDS, "hs_code", "ciq_code")}
    form = ProductForm(
        request.POST or None,
        enterprises=None,
        elements=elements,
        element_initial=product.element_values,
        is_classified=bool(product.hs_code),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.product_update(
                actor=actor,
                product_id=product.pk,
                hs_code=form.cleaned_data["hs_code"],
                ciq_code=form.cleaned_data["ciq_code"],
                element_values=element_values(form, elements),
                classification_reason=form.cleaned_data.get("classification_reason", ""),
                **_product_form_values(form),
            )
        except ServiceError as exc:
            add_service_error(form, exc, {**element_field_map(elements), "reason": "classification_reason"})
        else:
            messages.success(request, _("The product has been saved."))
            return redirect("products:detail", product_id=product.pk)
    status = 422 if form.errors else 200
    context = {"form": form, "product": product, "preview": _preview(form, elements)}
    return render(request, "products/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def product_classify(request: HttpRequest, product_id: int) -> HttpResponse:
    """Set or change the HS code with a reason; `?code=…&source=assistant` comes back from the assistant."""
    actor = _actor(request)
    product = selectors.product_get(actor=actor, product_id=product_id, action="write")
    suggested = request.GET.get("code", "")
    code = request.POST.get("hs_code", "") if request.method == "POST" else (suggested or product.hs_code)
    elements = _elements_for(code)
    source = ClassificationSource.ASSISTANT if request.GET.get("source") == "assistant" else ClassificationSource.MANUAL
    form = ClassificationForm(
        request.POST or None,
        elements=elements,
        element_initial=product.element_values,
        initial={"hs_code": code, "ciq_code": product.ciq_code if code == product.hs_code else "", "source": source},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.product_classify(
                actor=actor,
                product_id=product.pk,
                code=form.cleaned_data["hs_code"],
                ciq_code=form.cleaned_data["ciq_code"],
                reason=form.cleaned_data["reason"],
                source=form.cleaned_data["source"],
                element_values=element_values(form, elements),
            )
        except ServiceError as exc:
            add_service_error(form, exc, element_field_map(elements))
        else:
            messages.success(request, _("The classification has been saved."))
            return redirect("products:detail", product_id=product.pk)
    status = 422 if form.errors else 200
    context = {"form": form, "product": product, "preview": _preview(form, elements)}
    return render(request, "products/classify.html", context, status=status)


@login_required
@require_GET
def product_elements(request: HttpRequest) -> HttpResponse:
    """HTMX: the element inputs for the code typed so far, keeping values already typed for the same keys."""
    code = request.GET.get("hs_code", "")
    elements = _elements_for(code)
    form = ClassificationForm(elements=elements, element_initial=_typed_values(request.GET, elements))
    line: TariffLine | None = None
    problem = ""
    digits = "".join(ch for ch in code if ch.isdigit())
    if len(digits) == 10:
        rules = ProductRules(on=timezone.localdate())
        try:
            line = rules.line(rules.hs_code(code), rules.ciq_code(request.GET.get("ciq_code", "")))
        except ServiceError as exc:
            problem = str(exc.detail)
    context = {
        "form": form,
        "preview": _preview(form, elements),
        "line": line,
        "legal_units": _legal_units(line),
        "problem": problem,
    }
    return render(request, "products/_elements.html", context)


@login_required
@require_GET
def product_spec_preview(request: HttpRequest) -> HttpResponse:
    """HTMX: the joined 规格型号 for the values typed so far."""
    elements = _elements_for(request.GET.get("hs_code", ""))
    preview = join_specification(elements, _typed_values(request.GET, elements))
    return render(request, "products/_spec_preview.html", {"preview": preview})


@login_required
@require_POST
def product_delete(request: HttpRequest, product_id: int) -> HttpResponse:
    actor = _actor(request)
    product = selectors.product_get(actor=actor, product_id=product_id, action="write")
    services.product_delete(actor=actor, product_id=product.pk)
    messages.success(request, _("Product “%(sku)s” has been deleted.") % {"sku": product.sku})
    return redirect("products:list")


@login_required
@require_POST
def product_image_add(request: HttpRequest, product_id: int) -> HttpResponse:
    actor = _actor(request)
    product = selectors.product_get(actor=actor, product_id=product_id, action="write")
    form = ImageUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.product_image_add(actor=actor, product_id=product.pk, upload=form.cleaned_data["image"])
        except ServiceError as exc:
            messages.error(request, str(next(iter(exc.errors.values()), [exc.detail])[0]))
        else:
            messages.success(request, _("The image has been added."))
    else:
        messages.error(request, _("Choose an image file."))
    return redirect("products:detail", product_id=product.pk)


@login_required
@require_POST
def product_image_delete(request: HttpRequest, product_id: int, image_id: int) -> HttpResponse:
    actor = _actor(request)
    services.product_image_delete(actor=actor, product_id=product_id, image_id=image_id)
    messages.success(request, _("The image has been removed."))
    return redirect("products:detail", product_id=product_id)


@login_required
@require_GET
def product_image(request: HttpRequest, product_id: int, image_id: int) -> FileResponse:
    return image_response(selectors.product_image_get(actor=_actor(request), product_id=product_id, image_id=image_id))


def image_response(image: ProductImage) -> FileResponse:
    """The stored (re-encoded) image inline, private to those who may read the product."""
    try:
        handle = image.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The image file is missing from storage.")) from exc
    response = FileResponse(handle, content_type=image.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
