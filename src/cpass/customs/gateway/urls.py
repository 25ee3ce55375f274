"""Staff pages of the receipt quarantine; the lead includes these under the customs URLs."""

from django.urls import path

from cpass.customs.gateway import views

app_name = "customs-gateway"

urlpatterns = [
    path("receipts/quarantine/", views.quarantine_list, name="quarantine"),
    path("receipts/quarantine/<int:receipt_id>/", views.quarantine_detail, name="quarantine-detail"),
    path("receipts/quarantine/<int:receipt_id>/apply/", views.quarantine_reapply, name="quarantine-reapply"),
    path("receipts/quarantine/<int:receipt_id>/dismiss/", views.quarantine_dismiss, name="quarantine-dismiss"),
]
