from django.urls import path

from cpass.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.policy, name="policy"),
]
