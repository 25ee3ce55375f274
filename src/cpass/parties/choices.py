"""Choices of the parties app: what a party does in a trade, and where its screening stands."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PartyRole(models.TextChoices):
    CONSIGNOR = "consignor", _("Consignor")
    CONSIGNEE = "consignee", _("Consignee")
    NOTIFY_PARTY = "notify_party", _("Notify party")
    OVERSEAS_BUYER = "overseas_buyer", _("Overseas buyer")
    OVERSEAS_SUPPLIER = "overseas_supplier", _("Overseas supplier")
    MANUFACTURER = "manufacturer", _("Manufacturer")
    CARRIER = "carrier", _("Carrier")
    CUSTOMS_BROKER = "customs_broker", _("Customs broker")
    FREIGHT_FORWARDER = "freight_forwarder", _("Freight forwarder")
    WAREHOUSE = "warehouse", _("Warehouse")


class ScreeningStatus(models.TextChoices):
    """A party's standing against the restricted-party lists (derived from its matches)."""

    CLEAR = "clear", pgettext_lazy("screening", "Clear")
    REVIEW = "review", _("Under review")
    BLOCKED = "blocked", _("Blocked")


class MatchStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed (party blocked)")
    CLEARED = "cleared", _("Cleared (false positive)")
    #: Closed by the system: after a list reload or a name change the hit is no longer above the threshold.
    WITHDRAWN = "withdrawn", _("Withdrawn (no longer matches)")


class MatchDecision(models.TextChoices):
    CONFIRM = "confirm", _("Confirm: the party is the listed one (block it)")
    CLEAR = "clear", _("Clear: a false positive")
