"""Migration 0006 on an installation that has the earlier 19 container size/type codes: it adds the ISO 6346 list and
leaves alone what platform staff changed; reversed, it takes back only what is still its own."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cpass.reference.iso6346 import rows
from cpass.reference.models import CodeEntry, CodeTable
from tests.support import load_builtin_code_tables

BEFORE = [("reference", "0005_code_table_source_in_both_languages")]
MIGRATION = importlib.import_module("cpass.reference.migrations.0006_container_types_iso6346")

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets: list[tuple[str, str]] | None = None):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes("reference")
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_iso_list_is_added_and_what_staff_changed_is_kept() -> None:
    load_builtin_code_tables()  # an earlier transactional test may have emptied them
    listed = {row["code"]: row for row in rows()}
    try:
        old = migrate(BEFORE)
        entry_model = old.get_model("reference", "CodeEntry")
        earlier = entry_model.objects.filter(table__key="container_type")
        assert {e.code: (e.name_en, e.name_zh) for e in earlier} == MIGRATION.EARLIER_NAMES
        assert (
            old.get_model("reference", "CodeTable").objects.get(key="container_type").source_en
            == (MIGRATION.EARLIER_SOURCE[0])
        )
        # What platform staff did before the upgrade: renamed one code, closed another and started a new version,
        # added a code of the list under their own name, and removed one.
        earlier.filter(code="22U1").update(name_en="20' open top (ours)", name_zh="20英尺开顶箱（自定）")
        earlier.filter(code="22T1").update(valid_to=dt.date(2025, 12, 31))
        entry_model.objects.create(
            table=earlier.get(code="22T1").table,
            code="22T1",
            name_en="Tank, from 2026",
            name_zh="罐式箱（2026 年起）",
            valid_from=dt.date(2026, 1, 1),
        )
        entry_model.objects.create(
            table=earlier.get(code="22G1").table, code="45G0", name_en="40' HC, doors", name_zh="40英尺高箱（自定）"
        )
        earlier.filter(code="L5R1").delete()
    finally:
        migrate()

    entries = CodeEntry.objects.filter(table__key="container_type")
    names = {e.code: (e.name_en, e.name_zh) for e in entries.filter(valid_from__isnull=True)}
    assert set(names) == set(listed)
    assert entries.count() == len(listed) + 1
    assert names["22U1"] == ("20' open top (ours)", "20英尺开顶箱（自定）")
    assert names["22T1"] == MIGRATION.EARLIER_NAMES["22T1"]
    assert entries.get(code="22T1", valid_from=dt.date(2026, 1, 1)).name_en == "Tank, from 2026"
    assert names["45G0"] == ("40' HC, doors", "40英尺高箱（自定）")
    for code in ("22G0", "45G1", "L5R1", "22B0", "42R0", "22T0"):
        assert names[code] == (listed[code]["name_en"], listed[code]["name_zh"]), code
    assert entries.get(code="42R0").attributes == {"height": "8'6\"", "height_mm": 2591, "length_ft": 40, "teu": 2}
    table = CodeTable.objects.get(key="container_type")
    assert table.source_en.startswith("ISO 6346:1995 and its amendments")
    assert table.source_zh.startswith("ISO 6346:1995 及其修正案")

    try:
        old = migrate(BEFORE)
        reverted = old.get_model("reference", "CodeEntry").objects.filter(table__key="container_type")
        assert {e.code for e in reverted} == set(MIGRATION.EARLIER_NAMES) | {"45G0"}
        for code in ("22G0", "L5R1"):
            assert (reverted.get(code=code).name_en, reverted.get(code=code).name_zh) == MIGRATION.EARLIER_NAMES[code]
        assert reverted.get(code="22U1").name_en == "20' open top (ours)"
    finally:
        migrate()
