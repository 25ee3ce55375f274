"""The PDF pages, from the site root: include with `path("", include("cpass.customs.printing.urls"))`."""

from django.urls import path

from cpass.customs.printing import views

app_name = "printing"

urlpatterns = [
    path(
        "customs/declarations/<int:declaration_id>/draft.pdf",
        views.declaration_draft,
        name="declaration_draft",
    ),
    path("shipments/<int:shipment_id>/invoice.pdf", views.commercial_invoice, name="commercial_invoice"),
    path("shipments/<int:shipment_id>/packing-list.pdf", views.packing_list, name="packing_list"),
]
