from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "cpass.parties"
    label = "parties"
