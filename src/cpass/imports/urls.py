from django.urls import path

from cpass.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_list, name="list"),
    path("new/", views.import_create, name="create"),
    path("<int:job_id>/", views.import_detail, name="detail"),
    path("<int:job_id>/progress/", views.import_progress, name="progress"),
    path("<int:job_id>/file/", views.import_file, name="file"),
]
