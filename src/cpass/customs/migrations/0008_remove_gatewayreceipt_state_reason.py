"""The stored sentence goes once 0007 has read it into a reason code (a separate migration: PostgreSQL does not alter
a table in the transaction that updated its rows with constraint checks pending)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("customs", "0007_receipt_reasons_told_at_display")]

    operations = [migrations.RemoveField(model_name="gatewayreceipt", name="state_reason")]
