from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "cpass.products"
    label = "products"
    verbose_name = _("Products")

    def ready(self) -> None:
        from cpass.audit import registry
        from cpass.products import importers  # noqa: F401 - registers the "products" importer
        from cpass.products.models import Product, ProductImage

        registry.register(Product)
        registry.register(ProductImage)
