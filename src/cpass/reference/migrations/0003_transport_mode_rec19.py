"""Give the built-in transport modes (运输方式) their UN/ECE Recommendation 19 mode of transport (attribute `rec19`),
which the UN/EDIFACT declaration writes in TDT: installations created before the attribute existed get it here,
new ones from `fixtures/transport_mode.csv` through 0002 (this migration then finds it set)."""

from django.db import migrations

REC19 = {"2": "1", "3": "2", "4": "3", "5": "4", "6": "5", "G": "7"}


def add(apps, schema_editor):
    CodeEntry = apps.get_model("reference", "CodeEntry")
    for entry in CodeEntry.objects.filter(table__key="transport_mode", code__in=REC19):
        if "rec19" not in entry.attributes:
            entry.attributes = {**entry.attributes, "rec19": REC19[entry.code]}
            entry.save(update_fields=["attributes"])


def remove(apps, schema_editor):
    CodeEntry = apps.get_model("reference", "CodeEntry")
    for entry in CodeEntry.objects.filter(table__key="transport_mode", code__in=REC19):
        if "rec19" in entry.attributes:
            entry.attributes = {key: value for key, value in entry.attributes.items() if key != "rec19"}
            entry.save(update_fields=["attributes"])


class Migration(migrations.Migration):
    dependencies = [("reference", "0002_builtin_code_tables")]

    operations = [migrations.RunPython(add, remove)]
