from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "cpass.products"
    label = "products"
