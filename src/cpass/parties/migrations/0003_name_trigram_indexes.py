"""Trigram indexes for the shipment search by party name, on PostgreSQL only (docs/decisions/0006)."""

from django.db import migrations

from cpass.core.trigram import PG_TRGM, trigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("parties", "0002_translated_labels"),
        PG_TRGM,
    ]

    operations = [
        trigram_indexes("parties", "party", {"name_local": "icontains", "name_en": "icontains"}),
    ]
