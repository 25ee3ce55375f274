from django.urls import path

from cpass.reference import views

app_name = "reference"

urlpatterns = [
    path("", views.table_list, name="index"),
    path("entries/<int:entry_id>/", views.entry_detail, name="entry"),
    path("entries/<int:entry_id>/edit/", views.entry_edit, name="entry_edit"),
    path("<slug:key>/", views.table_detail, name="table"),
    path("<slug:key>/new/", views.entry_create, name="entry_create"),
]
