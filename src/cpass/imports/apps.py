from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "cpass.imports"
    label = "imports"
