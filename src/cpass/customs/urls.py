from django.urls import path

from cpass.customs import views

app_name = "customs"

urlpatterns = [
    path("calculator/", views.calculator, name="calculator"),
]
