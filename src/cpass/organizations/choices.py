from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseKind(models.TextChoices):
    TRADER = "trader", _("Trader / manufacturer")
    LOGISTICS_PROVIDER = "logistics_provider", _("Logistics provider (3PL)")
    CUSTOMS_BROKER = "customs_broker", _("Customs broker")
    WAREHOUSE_OPERATOR = "warehouse_operator", _("Warehouse operator")
    CARRIER = "carrier", _("Carrier")


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Administrator")
    OPERATOR = "operator", _("Operator")
    VIEWER = "viewer", _("Viewer")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")


class Access(models.TextChoices):
    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")
