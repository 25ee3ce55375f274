from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cpass.audit"
    label = "audit"
