"""The move of rates from each line to shared rate sets (migrations 0004 and 0005) on rows written before it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("tariff", "0003_tariff_line_indexes_covered_by_the_unique_version")]
AFTER = [("tariff", "0005_rates_belong_to_rate_sets")]

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_each_lines_rates_become_a_shared_set_and_the_lookups_read_the_same_rates() -> None:
    apps = migrate(BEFORE)
    jurisdiction = apps.get_model("tariff", "Jurisdiction").objects.create(
        code="ZZ", name_en="Testland", name_zh="测试国", currency="CNY"
    )
    line_model = apps.get_model("tariff", "TariffLine")
    rate_model = apps.get_model("tariff", "DutyRate")
    lines = [
        line_model.objects.create(jurisdiction=jurisdiction, code=code, valid_from=dt.date(2025, 1, 1))
        for code in ("8413600001", "8413600002", "8413600003", "8413600004")
    ]
    mfn = {"kind": "mfn", "ad_valorem": Decimal("8"), "text": "8%"}
    general = {"kind": "general", "ad_valorem": Decimal("35"), "text": "35%"}
    for line, rates in ((lines[0], [mfn, general]), (lines[1], [general, mfn]), (lines[2], [mfn])):
        for rate in rates:  # the second line has the first one's rates, in another order
            rate_model.objects.create(line=line, **rate)

    apps = migrate(AFTER)
    line_model = apps.get_model("tariff", "TariffLine")
    rate_model = apps.get_model("tariff", "DutyRate")
    migrated = {line.code: line.rate_set_id for line in line_model.objects.filter(jurisdiction__code="ZZ")}
    assert migrated["8413600001"] == migrated["8413600002"] != migrated["8413600003"]
    assert migrated["8413600004"] is None
    assert apps.get_model("tariff", "RateSet").objects.count() == 2
    shared = rate_model.objects.filter(rate_set_id=migrated["8413600001"]).order_by("kind")
    assert [(rate.kind, rate.ad_valorem) for rate in shared] == [("general", Decimal(35)), ("mfn", Decimal(8))]
    assert rate_model.objects.count() == 3
