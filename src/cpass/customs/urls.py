from django.urls import path

from cpass.customs import views

app_name = "customs"

urlpatterns = [
    path("calculator/", views.calculator, name="calculator"),
    path("declarations/", views.declaration_list, name="declaration_list"),
    path("declarations/<int:declaration_id>/", views.declaration_detail, name="declaration_detail"),
    path("declarations/<int:declaration_id>/edit/", views.declaration_edit, name="declaration_edit"),
    path("declarations/<int:declaration_id>/check/", views.declaration_check, name="declaration_check"),
    path("declarations/<int:declaration_id>/transition/", views.declaration_transition, name="declaration_transition"),
    path("declarations/<int:declaration_id>/delete/", views.declaration_delete, name="declaration_delete"),
    path("declarations/<int:declaration_id>/containers/", views.declaration_containers, name="declaration_containers"),
    path(
        "declarations/<int:declaration_id>/revision-requests/",
        views.revision_request_create,
        name="revision_request_create",
    ),
    path("declarations/<int:declaration_id>/items/new/", views.item_add, name="item_add"),
    path("declarations/<int:declaration_id>/items/new/check/", views.item_check, name="item_add_check"),
    path("declarations/<int:declaration_id>/items/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("declarations/<int:declaration_id>/items/<int:item_id>/check/", views.item_check, name="item_edit_check"),
    path("declarations/<int:declaration_id>/items/<int:item_id>/delete/", views.item_delete, name="item_delete"),
    path("declarations/<int:declaration_id>/documents/new/", views.document_add, name="document_add"),
    path(
        "declarations/<int:declaration_id>/documents/<int:document_id>/delete/",
        views.document_remove,
        name="document_remove",
    ),
    path("shipments/<int:shipment_id>/declarations/new/", views.declaration_prepare, name="declaration_prepare"),
]
