from django.urls import path

from cpass.fx import views

app_name = "fx"

urlpatterns = [
    path("", views.rate_list, name="list"),
    path("customs/", views.customs_rate, name="customs"),
]
