from django.apps import AppConfig


class CustomsConfig(AppConfig):
    name = "cpass.customs"
    label = "customs"
    verbose_name = "Customs declarations and duties"
