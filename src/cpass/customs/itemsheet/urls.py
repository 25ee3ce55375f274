"""Item sheet URLs, included by the customs URLs under /customs/ (namespace "itemsheet")."""

from django.urls import path

from cpass.customs.itemsheet import views

app_name = "itemsheet"

urlpatterns = [
    path("declarations/export.xlsx", views.declaration_export, name="declaration_export"),
    path("declarations/<int:declaration_id>/items/template.xlsx", views.item_template, name="item_template"),
    path("declarations/<int:declaration_id>/items/import", views.item_import, name="item_import"),
    path("declarations/<int:declaration_id>/items/export.xlsx", views.item_export, name="item_export"),
]
