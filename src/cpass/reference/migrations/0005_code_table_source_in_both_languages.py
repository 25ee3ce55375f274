"""A code table's source in English and Chinese, like its name; the built-in tables' Chinese from the fixture."""

import csv
from pathlib import Path

from django.db import migrations, models

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def chinese_sources(apps, schema_editor):  # type: ignore[no-untyped-def]
    CodeTable = apps.get_model("reference", "CodeTable")
    with (FIXTURES / "tables.csv").open(encoding="utf-8", newline="") as handle:
        for spec in csv.DictReader(handle):
            CodeTable.objects.filter(key=spec["key"], source_zh="").update(source_zh=spec["source_zh"])


class Migration(migrations.Migration):
    dependencies = [("reference", "0004_translated_labels")]

    operations = [
        migrations.RenameField(model_name="codetable", old_name="source", new_name="source_en"),
        migrations.AlterField(
            model_name="codetable",
            name="source_en",
            field=models.TextField(blank=True, verbose_name="source (English)"),
        ),
        migrations.AddField(
            model_name="codetable",
            name="source_zh",
            field=models.TextField(blank=True, verbose_name="source (Chinese)"),
        ),
        migrations.RunPython(chinese_sources, migrations.RunPython.noop),
    ]
