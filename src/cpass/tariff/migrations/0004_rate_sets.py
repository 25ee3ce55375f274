"""Rates move from each tariff line to rate sets that lines share (tariff.models.RateSet).

The rates of each line become the set with their key; the first line with a key keeps its rate rows for the
set, the rows of the other lines with the same key are deleted. The rates lose their line in 0005 (a separate
migration: PostgreSQL alters no table with foreign-key checks still pending in the transaction).
"""

import django.db.models.deletion
from django.db import migrations, models

from cpass.tariff.rates import rate_set_key

_RATE_FIELDS = (
    "kind",
    "agreement",
    "origin_countries",
    "ad_valorem",
    "specific_amount",
    "specific_currency",
    "specific_unit",
    "combination",
    "text",
    "unparsed",
)


def rates_into_sets(apps, schema_editor):  # type: ignore[no-untyped-def]
    TariffLine = apps.get_model("tariff", "TariffLine")
    DutyRate = apps.get_model("tariff", "DutyRate")
    RateSet = apps.get_model("tariff", "RateSet")
    by_line: dict[int, list[tuple]] = {}
    for row in DutyRate.objects.order_by("line_id", "id").values_list("line_id", "id", *_RATE_FIELDS).iterator(5000):
        by_line.setdefault(row[0], []).append(row[1:])
    sets: dict[str, int] = {}
    lines_of: dict[int, list[int]] = {}
    rows_of: dict[int, list[int]] = {}
    obsolete: list[int] = []
    for line_id, rows in by_line.items():
        key = rate_set_key(row[1:] for row in rows)
        set_id = sets.get(key)
        if set_id is None:
            set_id = sets[key] = RateSet.objects.create(key=key).pk
            rows_of[set_id] = [row[0] for row in rows]
        else:
            obsolete.extend(row[0] for row in rows)
        lines_of.setdefault(set_id, []).append(line_id)
    for set_id, line_ids in lines_of.items():
        for start in range(0, len(line_ids), 500):
            TariffLine.objects.filter(pk__in=line_ids[start : start + 500]).update(rate_set_id=set_id)
        DutyRate.objects.filter(pk__in=rows_of[set_id]).update(rate_set_id=set_id)
    for start in range(0, len(obsolete), 500):
        DutyRate.objects.filter(pk__in=obsolete[start : start + 500]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tariff", "0003_tariff_line_indexes_covered_by_the_unique_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="RateSet",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=32, unique=True, verbose_name="key")),
            ],
            options={"verbose_name": "rate set", "verbose_name_plural": "rate sets"},
        ),
        migrations.AddField(
            model_name="tariffline",
            name="rate_set",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="lines",
                to="tariff.rateset",
                verbose_name="rates",
            ),
        ),
        migrations.AddField(
            model_name="dutyrate",
            name="rate_set",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="rates",
                to="tariff.rateset",
                verbose_name="rate set",
            ),
        ),
        migrations.RunPython(rates_into_sets, migrations.RunPython.noop),
    ]
