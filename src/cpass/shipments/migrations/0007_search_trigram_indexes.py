"""Trigram indexes for the shipment search's substring matches, on PostgreSQL only (docs/decisions/0006)."""

from django.db import migrations

from cpass.core.trigram import PG_TRGM, trigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("shipments", "0006_shipment_handling_partner"),
        PG_TRGM,
    ]

    operations = [
        trigram_indexes(
            "shipments",
            "shipment",
            {
                "job_number": "icontains",
                "customer_reference": "icontains",
                "contract_number": "icontains",
                "house_bill": "icontains",
                "master_bill": "icontains",
                "vessel_name": "icontains",
            },
        ),
        trigram_indexes("shipments", "goodsline", {"description": "icontains", "hs_code": "startswith"}),
        trigram_indexes("shipments", "container", {"number": "contains"}),
    ]
