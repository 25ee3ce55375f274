"""The enterprise's customs connection and the staff pages of the receipt quarantine, under /customs/gateway/."""

from django.urls import path

from cpass.customs.gateway import views

app_name = "customs-gateway"

urlpatterns = [
    path("connection/", views.connection, name="connection"),
    path("declarations/<int:declaration_id>/resend/", views.declaration_resend, name="resend"),
    path("receipts/quarantine/", views.quarantine_list, name="quarantine"),
    path("receipts/quarantine/<int:receipt_id>/", views.quarantine_detail, name="quarantine-detail"),
    path("receipts/quarantine/<int:receipt_id>/apply/", views.quarantine_reapply, name="quarantine-reapply"),
    path("receipts/quarantine/<int:receipt_id>/dismiss/", views.quarantine_dismiss, name="quarantine-dismiss"),
]
