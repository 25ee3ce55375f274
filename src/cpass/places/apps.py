from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "cpass.places"
    label = "places"
