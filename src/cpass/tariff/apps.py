from django.apps import AppConfig


class TariffConfig(AppConfig):
    name = "cpass.tariff"
    label = "tariff"
    verbose_name = "Tariff and HS nomenclature"

    def ready(self) -> None:
        from cpass.audit import registry
        from cpass.tariff import importers  # noqa: F401  (registers tariff, hs-nomenclature, us-hts, declaration-elements)
        from cpass.tariff.models import DeclarationElements, HsNode, Jurisdiction, TariffLine

        for model in (Jurisdiction, HsNode, TariffLine, DeclarationElements):
            registry.register(model, tenant=None)
