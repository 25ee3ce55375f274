from django.apps import AppConfig


class FxConfig(AppConfig):
    name = "cpass.fx"
    label = "fx"

    def ready(self) -> None:
        from cpass.audit import registry
        from cpass.fx import importers  # noqa: F401  (registers "fx-rates" and "fred-monthly")
        from cpass.fx.models import ExchangeRate

        registry.register(ExchangeRate, tenant=None)
