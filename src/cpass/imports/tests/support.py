"""Importers used only by the tests of the import engine: they write code-table headers, a real table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import pytest

from cpass.imports import framework
from cpass.imports.framework import Column, Importer, Option, RowError
from cpass.reference.models import CodeTable


class TableHeaders(Importer[tuple[str, str, str]]):
    kind = "test-tables"
    label = "Test code tables"
    columns = (Column("key"), Column("name_en"), Column("name_zh", required=False, aliases=("中文名称",)))
    options: ClassVar[Sequence[Option]] = (Option("prefix", "Key prefix"),)
    batch_size = 2

    def parse(self, row: Mapping[str, str], line: int) -> tuple[str, str, str] | None:
        key = row["key"]
        if not key:
            raise RowError("The key is empty.", column="key")
        if not key.replace("-", "").isalnum():
            raise RowError(f"“{key}” is not a valid key.", column="key")
        if row["name_en"] == "skip":
            return None
        return (self.option_values["prefix"] + key, row["name_en"], row.get("name_zh", ""))

    def write(self, batch: list[tuple[str, str, str]]) -> int:
        for key, name_en, name_zh in batch:
            CodeTable.objects.update_or_create(key=key, defaults={"name_en": name_en, "name_zh": name_zh})
        return len(batch)


class EnterpriseTableHeaders(TableHeaders):
    kind = "test-enterprise-tables"
    scope = "enterprise"
    module = "documents"
    options = ()

    def parse(self, row: Mapping[str, str], line: int) -> tuple[str, str, str] | None:
        assert self.actor is not None
        assert self.actor.enterprise_id is not None
        return (f"e{self.actor.enterprise_id}-{row['key']}", row["name_en"], "")


@pytest.fixture
def test_importers(monkeypatch: pytest.MonkeyPatch) -> dict[str, type[Importer[Any]]]:
    monkeypatch.setitem(framework._registry, TableHeaders.kind, TableHeaders)
    monkeypatch.setitem(framework._registry, EnterpriseTableHeaders.kind, EnterpriseTableHeaders)
    return {TableHeaders.kind: TableHeaders, EnterpriseTableHeaders.kind: EnterpriseTableHeaders}
