from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "cpass.reference"
    label = "reference"
