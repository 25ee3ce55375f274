"""Load the built-in code tables from `reference/fixtures/` (tables.csv plus one <key>.csv per table).

Plain CSV and historical models, so the migration does not depend on today's importer. Later
changes go through `cpass load-codes` and the reference pages. Reversing removes these tables.
"""

import csv
import datetime as dt
import json
from pathlib import Path

from django.db import migrations

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def load(apps, schema_editor):
    CodeTable = apps.get_model("reference", "CodeTable")
    CodeEntry = apps.get_model("reference", "CodeEntry")
    with (FIXTURES / "tables.csv").open(encoding="utf-8", newline="") as handle:
        specs = list(csv.DictReader(handle))
    existing = set(CodeTable.objects.values_list("key", flat=True))
    # The English source is `source` until migration 0005, which adds the Chinese one; tests run this loader
    # again with today's models (tests/support.py).
    bilingual = any(field.name == "source_zh" for field in CodeTable._meta.get_fields())
    for spec in specs:
        if spec["key"] in existing:
            continue
        sources = (
            {"source_en": spec["source_en"], "source_zh": spec["source_zh"]}
            if bilingual
            else {"source": spec["source_en"]}
        )
        table = CodeTable.objects.create(
            key=spec["key"],
            name_en=spec["name_en"],
            name_zh=spec["name_zh"],
            code_pattern=spec["code_pattern"],
            **sources,
        )
        with (FIXTURES / f"{spec['key']}.csv").open(encoding="utf-8", newline="") as handle:
            rows = [
                CodeEntry(
                    table=table,
                    code=row["code"],
                    name_en=row["name_en"],
                    name_zh=row["name_zh"],
                    valid_from=_date(row["valid_from"]),
                    valid_to=_date(row["valid_to"]),
                    attributes=json.loads(row["attributes"]) if row["attributes"] else {},
                )
                for row in csv.DictReader(handle)
            ]
        CodeEntry.objects.bulk_create(rows, batch_size=500)


def unload(apps, schema_editor):
    CodeTable = apps.get_model("reference", "CodeTable")
    with (FIXTURES / "tables.csv").open(encoding="utf-8", newline="") as handle:
        keys = [spec["key"] for spec in csv.DictReader(handle)]
    CodeTable.objects.filter(key__in=keys).delete()


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
