from django.apps import AppConfig


class ClassificationConfig(AppConfig):
    name = "cpass.classification"
    label = "classification"
