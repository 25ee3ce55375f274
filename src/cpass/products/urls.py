from django.urls import path

from cpass.products import views

app_name = "products"

urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_create, name="create"),
    path("export.xlsx", views.product_export, name="export"),
    path("template.xlsx", views.product_template, name="template"),
    path("elements/", views.product_elements, name="elements"),
    path("specification-preview/", views.product_spec_preview, name="spec_preview"),
    path("<int:product_id>/", views.product_detail, name="detail"),
    path("<int:product_id>/edit/", views.product_edit, name="edit"),
    path("<int:product_id>/classification/", views.product_classify, name="classify"),
    path("<int:product_id>/delete/", views.product_delete, name="delete"),
    path("<int:product_id>/images/", views.product_image_add, name="image_add"),
    path("<int:product_id>/images/<int:image_id>/", views.product_image, name="image"),
    path("<int:product_id>/images/<int:image_id>/delete/", views.product_image_delete, name="image_delete"),
]
