from django.urls import path

from cpass.shipments import views

app_name = "shipments"

urlpatterns = [
    path("", views.shipment_list, name="list"),
    path("new/", views.shipment_create, name="create"),
    path("export.xlsx", views.shipment_export, name="export"),
    path("views/new/", views.saved_view_create, name="view_create"),
    path("views/<int:view_id>/delete/", views.saved_view_delete, name="view_delete"),
    path("<int:shipment_id>/", views.shipment_detail, name="detail"),
    path("<int:shipment_id>/edit/", views.shipment_edit, name="edit"),
    path("<int:shipment_id>/delete/", views.shipment_delete, name="delete"),
    path("<int:shipment_id>/transition/", views.shipment_transition, name="transition"),
    path("<int:shipment_id>/milestones/new/", views.milestone_add, name="milestone_add"),
    path("<int:shipment_id>/documents/upload/", views.shipment_document_upload, name="document_upload"),
    path("<int:shipment_id>/documents/attach/", views.shipment_document_attach, name="document_attach"),
    path(
        "<int:shipment_id>/documents/<int:document_id>/detach/",
        views.shipment_document_detach,
        name="document_detach",
    ),
    path("<int:shipment_id>/goods/new/", views.goods_line_add, name="goods_add"),
    path("<int:shipment_id>/goods/<int:line_id>/edit/", views.goods_line_edit, name="goods_edit"),
    path("<int:shipment_id>/goods/<int:line_id>/delete/", views.goods_line_delete, name="goods_delete"),
    path("<int:shipment_id>/containers/new/", views.container_add, name="container_add"),
    path("<int:shipment_id>/containers/<int:container_id>/edit/", views.container_edit, name="container_edit"),
    path("<int:shipment_id>/containers/<int:container_id>/delete/", views.container_delete, name="container_delete"),
]
