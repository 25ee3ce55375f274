from django.apps import AppConfig


class FxConfig(AppConfig):
    name = "cpass.fx"
    label = "fx"
