"""The built-in container size/type table (container_type) becomes the ISO 6346 list of `fixtures/container_type.csv`
(written by `reference/iso6346.py`) in installations that have the 19 codes 0002 loaded before:

- every code the table lacks is added; a code with any row, whoever wrote it, is left as it is;
- a row still exactly as 0002 loaded it (one open version with the old names) takes the list's names, which now give
  height and type the same way for every code; a row platform staff changed keeps theirs;
- the table's source, where it is still the old text, becomes the new one.

New installations get the list from 0002 and find nothing to do. Reversing puts back the old names and source where
they are still ours and removes the added codes nobody changed since.
"""

import csv
import json
from pathlib import Path

from django.db import migrations

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TABLE = "container_type"
BATCH = 500

#: The codes of the table before the ISO 6346 list, with the names 0002 gave them.
EARLIER_NAMES = {
    "22G0": ("20' general purpose, 8'6\", openings at one or both ends", "20英尺普通箱（8英尺6英寸）"),
    "22G1": ("20' general purpose, 8'6\", passive vents", "20英尺普通箱（8英尺6英寸，通风口）"),
    "22R1": ("20' reefer, 8'6\", refrigerated and heated", "20英尺冷藏箱"),
    "22U1": ("20' open top, 8'6\"", "20英尺开顶箱"),
    "22P1": ("20' flat rack, two fixed ends", "20英尺框架箱（固定端壁）"),
    "22P3": ("20' flat rack, folding ends", "20英尺框架箱（折叠端壁）"),
    "22T1": ("20' tank, non-dangerous liquids, 1.5 bar", "20英尺罐式箱（非危险液体）"),
    "25G1": ("20' high cube general purpose, 9'6\"", "20英尺高箱（9英尺6英寸）"),
    "42G0": ("40' general purpose, 8'6\", openings at one or both ends", "40英尺普通箱（8英尺6英寸）"),
    "42G1": ("40' general purpose, 8'6\", passive vents", "40英尺普通箱（8英尺6英寸，通风口）"),
    "42R1": ("40' reefer, 8'6\", refrigerated and heated", "40英尺冷藏箱"),
    "42U1": ("40' open top, 8'6\"", "40英尺开顶箱"),
    "42P1": ("40' flat rack, two fixed ends", "40英尺框架箱（固定端壁）"),
    "42P3": ("40' flat rack, folding ends", "40英尺框架箱（折叠端壁）"),
    "45G1": ("40' high cube general purpose, 9'6\"", "40英尺高箱（9英尺6英寸）"),
    "45R1": ("40' high cube reefer, 9'6\"", "40英尺高冷藏箱"),
    "45U1": ("40' high cube open top, 9'6\"", "40英尺高开顶箱"),
    "L5G1": ("45' high cube general purpose, 9'6\"", "45英尺高箱（9英尺6英寸）"),
    "L5R1": ("45' high cube reefer, 9'6\"", "45英尺高冷藏箱"),
}
EARLIER_SOURCE = (
    "ISO 6346:1995 size and type codes (4 characters: length, height, type group, type detail). "
    "Attributes length_ft, height, height_mm and teu (a 45' box counts 2.25 TEU).",
    "ISO 6346:1995 尺寸和箱型代码（4 个字符：长度、高度、箱型组、箱型细分）。"
    "属性 length_ft、height、height_mm 和 teu（45 英尺箱计 2.25 TEU）。",
)


def _listed():
    """code -> (name_en, name_zh, attributes) of the fixture."""
    with (FIXTURES / f"{TABLE}.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: (row["name_en"], row["name_zh"], json.loads(row["attributes"]))
            for row in csv.DictReader(handle)
        }


def _listed_source():
    with (FIXTURES / "tables.csv").open(encoding="utf-8", newline="") as handle:
        spec = next(spec for spec in csv.DictReader(handle) if spec["key"] == TABLE)
    return spec["source_en"], spec["source_zh"]


def _versions(CodeEntry, table):
    versions = {}
    for entry in CodeEntry.objects.filter(table=table):
        versions.setdefault(entry.code, []).append(entry)
    return versions


def _only_as_written(entries, name_en, name_zh, attributes):
    """The code's one version, if it is open-ended with exactly these names and attributes; else None."""
    if len(entries) != 1:
        return None
    entry = entries[0]
    unchanged = (entry.valid_from, entry.valid_to, entry.name_en, entry.name_zh, entry.attributes) == (
        None,
        None,
        name_en,
        name_zh,
        attributes,
    )
    return entry if unchanged else None


def _rename(CodeEntry, versions, listed, *, to_listed):
    renamed = []
    for code, earlier in EARLIER_NAMES.items():
        if code not in listed:
            continue
        name_en, name_zh, attributes = listed[code]
        before, after = (earlier, (name_en, name_zh)) if to_listed else ((name_en, name_zh), earlier)
        entry = _only_as_written(versions.get(code, []), *before, attributes)
        if entry is not None:
            entry.name_en, entry.name_zh = after
            renamed.append(entry)
    CodeEntry.objects.bulk_update(renamed, ["name_en", "name_zh"], batch_size=BATCH)


def _replace_source(table, before, after):
    for field, old, new in zip(("source_en", "source_zh"), before, after, strict=True):
        if getattr(table, field) == old:
            setattr(table, field, new)
    table.save(update_fields=["source_en", "source_zh"])


def extend(apps, schema_editor):
    CodeTable = apps.get_model("reference", "CodeTable")
    CodeEntry = apps.get_model("reference", "CodeEntry")
    table = CodeTable.objects.filter(key=TABLE).first()
    if table is None:
        return
    listed = _listed()
    versions = _versions(CodeEntry, table)
    CodeEntry.objects.bulk_create(
        [
            CodeEntry(table=table, code=code, name_en=name_en, name_zh=name_zh, attributes=attributes)
            for code, (name_en, name_zh, attributes) in listed.items()
            if code not in versions
        ],
        batch_size=BATCH,
    )
    _rename(CodeEntry, versions, listed, to_listed=True)
    _replace_source(table, EARLIER_SOURCE, _listed_source())


def shrink(apps, schema_editor):
    CodeTable = apps.get_model("reference", "CodeTable")
    CodeEntry = apps.get_model("reference", "CodeEntry")
    table = CodeTable.objects.filter(key=TABLE).first()
    if table is None:
        return
    listed = _listed()
    versions = _versions(CodeEntry, table)
    added = []
    for code, row in listed.items():
        entry = None if code in EARLIER_NAMES else _only_as_written(versions.get(code, []), *row)
        if entry is not None:
            added.append(entry.pk)
    for start in range(0, len(added), BATCH):
        CodeEntry.objects.filter(pk__in=added[start : start + BATCH]).delete()
    _rename(CodeEntry, versions, listed, to_listed=False)
    _replace_source(table, _listed_source(), EARLIER_SOURCE)


class Migration(migrations.Migration):
    dependencies = [("reference", "0005_code_table_source_in_both_languages")]

    operations = [migrations.RunPython(extend, shrink)]
