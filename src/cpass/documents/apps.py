from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "cpass.documents"
    label = "documents"
