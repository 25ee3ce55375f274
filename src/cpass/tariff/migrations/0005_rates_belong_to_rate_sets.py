"""Rates belong to rate sets only (see 0004)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tariff", "0004_rate_sets"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="dutyrate", name="tariff_duty_line_id_965bf3_idx"),
        migrations.RemoveField(model_name="dutyrate", name="line"),
        migrations.AlterField(
            model_name="dutyrate",
            name="rate_set",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="rates",
                to="tariff.rateset",
                verbose_name="rate set",
            ),
        ),
        migrations.AlterModelOptions(name="dutyrate", options={"ordering": ["kind", "agreement", "id"]}),
        migrations.AddIndex(
            model_name="dutyrate",
            index=models.Index(fields=["rate_set", "kind"], name="tariff_rate_set_kind_idx"),
        ),
    ]
