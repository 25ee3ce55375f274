from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "cpass.organizations"
    label = "organizations"
