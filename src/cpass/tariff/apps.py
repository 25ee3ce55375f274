from django.apps import AppConfig


class TariffConfig(AppConfig):
    name = "cpass.tariff"
    label = "tariff"
