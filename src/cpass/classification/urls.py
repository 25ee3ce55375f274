from django.urls import path

from cpass.classification import views

app_name = "classification"

urlpatterns = [
    path("", views.search, name="search"),
    path("typeahead/", views.typeahead, name="typeahead"),
    path("assistant/", views.assistant, name="assistant"),
]
