from django.urls import path

from cpass.tariff import views

app_name = "tariff"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("lines/<int:line_id>/", views.line_detail, name="line"),
    path("lookup/", views.lookup, name="lookup"),
]
