"""What the dashboard shows: a selector over the modules the actor can see."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from cpass.core.actor import Actor
from cpass.customs.selectors import declaration_counts
from cpass.documents.models import Document
from cpass.organizations.selectors import active_grants_given_by, enterprises_granting
from cpass.parties.choices import ScreeningStatus
from cpass.parties.models import Party
from cpass.products.models import Product
from cpass.shipments.choices import ShipmentStatus
from cpass.shipments.models import Shipment


def dashboard_summary(*, actor: Actor) -> dict[str, Any]:
    if actor.enterprise is None:
        return {"has_enterprise": False}
    return {
        "has_enterprise": True,
        "document_count": Document.objects.for_actor(actor, "read").count(),
        "party_count": Party.objects.for_actor(actor, "read").filter(is_active=True).count(),
        "parties_under_review": Party.objects.for_actor(actor, "read")
        .filter(is_active=True, screening_status__in=[ScreeningStatus.REVIEW, ScreeningStatus.BLOCKED])
        .count(),
        "open_shipment_count": Shipment.objects.for_actor(actor, "read")
        .exclude(status__in=[ShipmentStatus.CLOSED, ShipmentStatus.CANCELLED, ShipmentStatus.DELIVERED])
        .count(),
        "product_count": Product.objects.for_actor(actor, "read").count(),
        "products_unclassified": Product.objects.for_actor(actor, "read").filter(hs_code="").count(),
        "declarations": declaration_counts(actor=actor),
        "clients": list(enterprises_granting(actor=actor)),
        "partners": [
            (grantee, list(grants))
            for grantee, grants in groupby(
                active_grants_given_by(enterprise_id=actor.enterprise.pk)
                .select_related("grantee")
                .order_by("grantee__name", "grantee_id", "module"),
                key=lambda grant: grant.grantee,
            )
        ],
    }
