from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cpass.accounts"
    label = "accounts"
