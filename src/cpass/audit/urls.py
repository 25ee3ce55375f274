from django.urls import path

from cpass.audit import views

app_name = "audit"

urlpatterns = [
    path("changes/", views.changes, name="changes"),
    path("access-log/", views.access_log, name="access_log"),
]
