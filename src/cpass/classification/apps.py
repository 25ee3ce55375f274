from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassificationConfig(AppConfig):
    name = "cpass.classification"
    label = "classification"
    verbose_name = _("HS search and classification")

    def ready(self) -> None:
        from cpass.audit import registry
        from cpass.classification.models import ConfirmedClassification
        from cpass.classification.tasks import on_tariff_import
        from cpass.imports.framework import on_committed

        registry.register(ConfirmedClassification, exclude=["embedding"])
        on_committed({"tariff", "hs-nomenclature", "us-hts"}, on_tariff_import)
