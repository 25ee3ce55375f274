"""The reasons the service wrote on a declaration's first event ("Declaration prepared") and on a split event
("Split from DC-… (at most 50 items per declaration)") were stored in the language of whoever prepared it; they
are now told in the reader's language (DeclarationEvent.display_reason). Stored ones go; a split event keeps the
reference of the declaration split from."""

import re

from django.db import migrations

#: The first event's reason as the service stored it, in each language it ran in.
PREPARED = ("Declaration prepared", "报关单已生成")
#: The split event's reason in each language, the reference captured.
SPLIT = (
    re.compile(r"Split from (?P<reference>\S+) \(at most 50 items per declaration\)"),
    re.compile(r"拆分自 (?P<reference>\S+)（每份报关单最多 50 项）"),
)


def forget_stored_service_reasons(apps, schema_editor):  # type: ignore[no-untyped-def]
    DeclarationEvent = apps.get_model("customs", "DeclarationEvent")
    DeclarationEvent.objects.filter(kind="transition", from_status="", reason__in=PREPARED).update(reason="")
    splits = DeclarationEvent.objects.filter(kind="split").exclude(reason="").only("pk", "reason")
    for event in splits.iterator(chunk_size=2000):
        for pattern in SPLIT:
            found = pattern.fullmatch(event.reason)
            if found is not None:
                DeclarationEvent.objects.filter(pk=event.pk).update(reason=found["reference"])
                break


class Migration(migrations.Migration):
    dependencies = [("customs", "0004_translated_labels")]

    operations = [migrations.RunPython(forget_stored_service_reasons, migrations.RunPython.noop)]
