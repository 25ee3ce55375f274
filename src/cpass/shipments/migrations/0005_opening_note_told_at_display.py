"""The note of the row a shipment opens with was stored in the language of whoever opened it ("Shipment
opened" or its Chinese); it is now told in the reader's language (Milestone.display_note), so stored ones go."""

from django.db import migrations

#: The note as the service stored it, in each language it ran in.
OPENING_NOTES = ("Shipment opened", "已新建货运业务")


def forget_stored_opening_notes(apps, schema_editor):  # type: ignore[no-untyped-def]
    Milestone = apps.get_model("shipments", "Milestone")
    Milestone.objects.filter(kind="status", status="draft", note__in=OPENING_NOTES).update(note="")


class Migration(migrations.Migration):
    dependencies = [("shipments", "0004_translated_labels")]

    operations = [migrations.RunPython(forget_stored_opening_notes, migrations.RunPython.noop)]
