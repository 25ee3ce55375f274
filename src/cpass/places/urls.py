from django.urls import path

from cpass.places import views

app_name = "places"

urlpatterns = [
    path("", views.location_list, name="list"),
    path("typeahead/", views.location_typeahead, name="typeahead"),
    path("<str:unlocode>/", views.location_detail, name="detail"),
]
