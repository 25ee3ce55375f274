"""Trigram indexes for the shipment search by product SKU or name, on PostgreSQL only (docs/decisions/0006)."""

from django.db import migrations

from cpass.core.trigram import PG_TRGM, trigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0002_translated_labels"),
        PG_TRGM,
    ]

    operations = [
        trigram_indexes("products", "product", {"sku": "icontains", "name_en": "icontains", "name_zh": "icontains"}),
    ]
