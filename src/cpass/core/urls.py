from django.urls import path, re_path

from cpass.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    # Enterprise logos are public (random names); documents are never served from /media/, only through
    # the tenancy-checked download view.
    re_path(r"^media/(?P<path>logos/[A-Za-z0-9_-]+\.png)$", views.enterprise_logo, name="enterprise_logo"),
]
