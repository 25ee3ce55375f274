from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from cpass.core.errors import NotFound, ValidationFailed
from cpass.reference import selectors
from cpass.reference.models import CodeEntry
from cpass.reference.tables import Table
from cpass.reference.tests.factories import CodeEntryFactory, CodeTableFactory

pytestmark = pytest.mark.django_db


def _entry(table: str, code: str, on: dt.date | None = None) -> CodeEntry:
    found = selectors.code_entry(table, code, on=on)
    assert found is not None, (table, code, on)
    return found


D = dt.date


def test_validity_edges_are_inclusive():
    table = CodeTableFactory.create(key="edges")
    CodeEntryFactory.create(table=table, code="AA", name_en="Old", valid_to=D(2025, 12, 31))
    CodeEntryFactory.create(table=table, code="AA", name_en="New", valid_from=D(2026, 1, 1), valid_to=D(2026, 6, 30))
    assert _entry("edges", "AA", on=D(2025, 12, 31)).name_en == "Old"
    assert _entry("edges", "AA", on=D(2026, 1, 1)).name_en == "New"
    assert _entry("edges", "AA", on=D(2026, 6, 30)).name_en == "New"
    assert selectors.code_entry("edges", "AA", on=D(2026, 7, 1)) is None
    assert [e.name_en for e in selectors.entries("edges", on=D(2026, 6, 30))] == ["New"]


def test_builtin_tables_are_loaded_by_the_migration():
    assert {t.key for t in selectors.CodeTable.objects.all()} >= {str(t) for t in Table}
    china = _entry(Table.COUNTRY, "CHN")
    assert (china.name_en, china.name_zh, china.attributes) == ("China", "中国", {"alpha2": "CN", "numeric": "156"})
    assert _entry(Table.COUNTRY, "TWN").name_zh == "中国台湾"
    assert _entry(Table.CURRENCY, "USD").name_zh == "美元"
    kilo = _entry(Table.UNIT, "035")
    assert (kilo.name_zh, kilo.attributes["rec20"]) == ("千克", "KGM")
    assert _entry(Table.UNIT, "007").attributes["rec20"] == "C62"
    assert _entry(Table.TRADE_MODE, "0110").name_zh == "一般贸易"
    assert selectors.code_entry(Table.TRADE_MODE, "9710", on=D(2020, 6, 30)) is None
    assert selectors.code_entry(Table.TRADE_MODE, "9710", on=D(2020, 7, 1)) is not None
    assert _entry(Table.LEVY_NATURE, "101").name_zh == "一般征税"
    assert _entry(Table.DUTY_MODE, "1").name_zh == "照章征税"
    cif = _entry(Table.TRANSACTION_TERMS, "1").attributes
    assert cif == {"incoterms": ["CIF", "CIP", "DAP", "DPU", "DDP"], "freight": False, "insurance": False}
    incoterms = [i for _, _, a in _attrs(Table.TRANSACTION_TERMS) for i in a.get("incoterms", [])]
    assert sorted(incoterms) == sorted(["EXW", "FCA", "FAS", "FOB", "CFR", "CPT", "CIF", "CIP", "DAP", "DPU", "DDP"])
    assert _entry(Table.TRANSACTION_TERMS, "3").attributes["freight"] is True
    assert _entry(Table.PACKAGE_TYPE, "22").name_zh == "纸制或纤维板制盒/箱"
    assert _entry(Table.SUPERVISION_CONDITION, "t").name_zh == "关税配额证明"
    assert _entry(Table.SUPERVISION_CONDITION, "T").name_zh == "银行调运现钞进出境许可证"
    districts = CodeEntry.objects.filter(table__key="customs_office", attributes__level="district")
    assert districts.count() == 42
    assert _entry(Table.CUSTOMS_OFFICE, "2248").name_zh == "洋山海关"
    hc = _entry(Table.CONTAINER_TYPE, "45G1").attributes
    assert (hc["length_ft"], hc["height"], hc["teu"]) == (40, "9'6\"", 2)


def _attrs(table: Table) -> list[tuple[str, str, dict]]:
    return [(e.code, e.name, e.attributes) for e in selectors.entries(table)]


def test_every_builtin_code_matches_its_pattern():
    import re

    for entry in CodeEntry.objects.select_related("table"):
        assert re.fullmatch(entry.table.code_pattern, entry.code), (entry.table.key, entry.code)
        assert entry.name_en
        assert entry.name_zh, (entry.table.key, entry.code)


def test_validate_code_names_table_and_date():
    with pytest.raises(ValidationFailed) as caught:
        selectors.validate_code(Table.COUNTRY, "XXX", field="origin", on=D(2026, 1, 2))
    assert caught.value.errors == {"origin": ["“XXX” is not a code of the country table valid on 2026-01-02."]}
    assert selectors.validate_code(Table.COUNTRY, "DEU", field="origin").attributes["alpha2"] == "DE"


def test_localized_name_and_choices():
    with translation.override("zh-hans"):
        assert ("CNY", "CNY 人民币") in selectors.code_choices(Table.CURRENCY)
    with translation.override("en"):
        assert ("CNY", "CNY Yuan Renminbi") in selectors.code_choices(Table.CURRENCY)


def test_lookups_are_cached_and_forgotten_on_change(django_assert_num_queries):
    selectors.code_entry(Table.UNIT, "035")
    with django_assert_num_queries(0):
        assert _entry(Table.UNIT, "035").name_en == "Kilogram"
        assert selectors.validate_code(Table.UNIT, "070", field="unit").name_zh == "吨"
        assert len(selectors.code_choices(Table.UNIT)) > 100
    entry = CodeEntry.objects.get(table__key="unit", code="035")
    entry.name_en = "Kilogramme"
    entry.save()
    # Changed inside this (test) transaction: read through, never cache uncommitted rows.
    assert _entry(Table.UNIT, "035").name_en == "Kilogramme"
    assert "unit" not in selectors._cache


def test_entry_search_by_code_and_names(make_actor, owner, enterprise):
    actor = make_actor(owner, enterprise)
    assert {"CHE", "CHL", "CHN"} <= {e.code for e in selectors.entry_search(actor=actor, key="country", q="CH")}
    assert [e.code for e in selectors.entry_search(actor=actor, key="country", q="德国")] == ["DEU"]
    assert "JPN" in [e.code for e in selectors.entry_search(actor=actor, key="country", q="japan")]
    assert list(selectors.entry_search(actor=actor, key="country", q="'; DROP TABLE x; --")) == []
    with pytest.raises(ValidationFailed):
        selectors.entry_search(actor=actor, key="country", q="x" * 10_000)
    with pytest.raises(NotFound):
        selectors.entry_search(actor=actor, key="nope")


def test_entry_on_and_versions(make_actor, owner, enterprise):
    actor = make_actor(owner, enterprise)
    assert selectors.entry_on(actor=actor, key="unit", code="035").name_zh == "千克"
    with pytest.raises(NotFound):
        selectors.entry_on(actor=actor, key="trade_mode", code="9810", on=D(2019, 1, 1))
    assert [e.valid_from for e in selectors.entry_versions(actor=actor, key="trade_mode", code="9810")] == [
        D(2020, 7, 1)
    ]
