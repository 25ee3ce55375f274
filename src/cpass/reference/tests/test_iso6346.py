"""The ISO 6346 size/type codes: the fixture is what `iso6346` writes, and the table in the database has them."""

from __future__ import annotations

import csv
import importlib
import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from cpass.reference import iso6346, selectors
from cpass.reference.models import CodeEntry
from cpass.reference.tables import Table

FIXTURE = Path(iso6346.__file__).parent / "fixtures" / "container_type.csv"
EARLIER_NAMES = importlib.import_module("cpass.reference.migrations.0006_container_types_iso6346").EARLIER_NAMES
_CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_fixture_is_what_the_module_writes():
    written = io.StringIO()
    iso6346.write_csv(written)
    assert FIXTURE.read_text(encoding="utf-8") == written.getvalue()


def test_every_size_has_every_detailed_type_and_type_group():
    codes = [row["code"] for row in iso6346.rows()]
    types = [t.code for group in iso6346.GROUPS for t in group.types] + [group.code for group in iso6346.GROUPS]
    assert len(types) == 67
    assert len(codes) == len(set(codes)) == len(iso6346.SIZES) * 67 == 603
    assert {"45G0", "22G2", "20G1", "22B0", "45P3", "22T0", "22V0", "42R0", "12G1", "L5R1", "22GP", "45RT"} <= set(
        codes
    )
    assert set(EARLIER_NAMES) <= set(codes)
    for group in iso6346.GROUPS:
        assert {t.code[0] for t in group.types} == {group.code[0]}, group.code


def test_names_are_bilingual_and_tell_every_code_apart():
    rows = iso6346.rows()
    for row in rows:
        assert row["name_en"], row["code"]
        assert not _CJK.search(row["name_en"]), row["code"]
        assert _CJK.search(row["name_zh"]), row["code"]
    for language in ("name_en", "name_zh"):
        repeated = [name for name, count in Counter(row[language] for row in rows).items() if count > 1]
        assert repeated == []
    by_code = {row["code"]: row for row in rows}
    assert (by_code["45G0"]["name_en"], by_code["45G0"]["name_zh"]) == (
        "40' high cube general purpose, 9'6\", openings at one or both ends",
        "40英尺高箱（9英尺6英寸，一端或两端开门）",
    )
    assert (by_code["22TN"]["name_en"], by_code["22TN"]["name_zh"]) == (
        "20' tank, 8'6\", type group, non-dangerous liquids",
        "20英尺罐式箱（8英尺6英寸，箱型组，非危险液体）",
    )
    assert by_code["22G1"]["name_en"] == EARLIER_NAMES["22G1"][0]
    assert by_code["22G1"]["name_zh"] == EARLIER_NAMES["22G1"][1]


def test_attributes_give_length_height_and_teu():
    attributes = {row["code"]: json.loads(row["attributes"]) for row in iso6346.rows()}
    assert attributes["12G1"] == {"height": "8'6\"", "height_mm": 2591, "length_ft": 10, "teu": 0.5}
    assert attributes["20G1"] == {"height": "8'", "height_mm": 2438, "length_ft": 20, "teu": 1}
    assert attributes["45R0"] == {"height": "9'6\"", "height_mm": 2895, "length_ft": 40, "teu": 2}
    assert attributes["L5GP"] == {"height": "9'6\"", "height_mm": 2895, "length_ft": 45, "teu": 2.25}


@pytest.mark.django_db
def test_the_database_table_has_the_whole_list_with_both_names():
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        listed = {row["code"]: row for row in csv.DictReader(handle)}
    entries = {entry.code: entry for entry in CodeEntry.objects.filter(table__key=Table.CONTAINER_TYPE)}
    assert set(entries) == set(listed)
    for code, entry in entries.items():
        assert (entry.name_en, entry.name_zh) == (listed[code]["name_en"], listed[code]["name_zh"])
        assert _CJK.search(entry.name_zh), code
    assert selectors.code_entry(Table.CONTAINER_TYPE, "42R0") is not None
    assert selectors.code_entry(Table.CONTAINER_TYPE, "4XG1") is None
