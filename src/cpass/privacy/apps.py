from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "cpass.privacy"
    label = "privacy"
