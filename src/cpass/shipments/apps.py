from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShipmentsConfig(AppConfig):
    name = "cpass.shipments"
    label = "shipments"
    verbose_name = _("Shipments")

    def ready(self) -> None:
        from cpass.audit import registry
        from cpass.shipments.models import Container, ContainerLoad, GoodsLine, Milestone, Shipment

        for model in (Shipment, GoodsLine, Container, ContainerLoad, Milestone):
            registry.register(model)
