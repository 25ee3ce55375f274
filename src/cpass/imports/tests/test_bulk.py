"""Bulk inserts and the writer thread (`write_behind`): every row is stored before the next query of the importing
thread and before its transaction ends; a failed COPY fails the run and keeps nothing. The same tests run on
SQLite, where `write_behind` changes nothing, and on PostgreSQL, where the COPYs go through the writer thread."""

from __future__ import annotations

import io
import sys
import threading
from collections.abc import Mapping
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cpass.imports import bulk
from cpass.imports.framework import Column, Importer, run_import
from cpass.reference.models import CodeTable
from cpass.tariff.importers import LineWriter
from cpass.tariff.models import DutyRate, RateSet

pytestmark = pytest.mark.django_db(transaction=True)

COLUMNS = ("key", "name_en", "name_zh", "source_en", "source_zh", "code_pattern", "created_at", "updated_at")


def table_rows(keys: list[str]) -> list[tuple[Any, ...]]:
    now = bulk.db_time(timezone.now())
    return [(f"bulk-{key}", f"Table {key}", f"表 {key}", "", "", "", now, now) for key in keys]


def stored() -> Any:
    """The tables these tests wrote (the migrations load the real ones)."""
    return CodeTable.objects.filter(key__startswith="bulk-")


def test_rows_sent_behind_are_read_by_the_next_query_and_kept_at_commit() -> None:
    with transaction.atomic(), bulk.write_behind():
        bulk.insert_rows(CodeTable, COLUMNS, table_rows(["a", "b"]))
        bulk.insert_rows(CodeTable, COLUMNS, table_rows(["c"]))
        assert sorted(stored().values_list("key", flat=True)) == ["bulk-a", "bulk-b", "bulk-c"]
        bulk.insert_rows(CodeTable, COLUMNS, table_rows([f"n{number}" for number in range(3000)]))
    assert stored().count() == 3003


def insert_a_duplicate_then_query() -> None:
    with transaction.atomic(), bulk.write_behind():
        bulk.insert_rows(CodeTable, COLUMNS, table_rows(["a", "b"]))
        bulk.insert_rows(CodeTable, COLUMNS, table_rows(["b"]))  # the key is unique
        bulk.insert_rows(CodeTable, COLUMNS, table_rows(["c"]))  # after the failure: not reported
        stored().count()


def test_a_failed_insert_fails_the_block_and_nothing_is_kept() -> None:
    with pytest.raises(IntegrityError):
        insert_a_duplicate_then_query()
    assert stored().count() == 0


def test_a_failure_after_the_last_query_is_raised_when_the_block_ends() -> None:
    with pytest.raises(IntegrityError), transaction.atomic(), bulk.write_behind():
        bulk.insert_rows(CodeTable, COLUMNS, table_rows(["a", "a"]))
    assert not stored().exists()


def insert_then_fail() -> None:
    with transaction.atomic(), bulk.write_behind():
        bulk.insert_rows(CodeTable, COLUMNS, table_rows([f"n{number}" for number in range(2000)]))
        _ = 1 / 0


def test_an_error_of_the_block_waits_for_the_writer_then_rolls_back() -> None:
    with pytest.raises(ZeroDivisionError):
        insert_then_fail()
    assert not stored().exists()
    assert [thread.name for thread in threading.enumerate() if thread.name.startswith("cpass-copy")] == []


def test_the_switch_interval_is_shortened_only_while_a_writer_runs() -> None:
    before = sys.getswitchinterval()
    with transaction.atomic(), bulk.write_behind():
        during = sys.getswitchinterval()
        with bulk.write_behind():  # nested: the same writer
            assert sys.getswitchinterval() == during
    assert sys.getswitchinterval() == before
    expected = min(before, bulk.WRITER_SWITCH_INTERVAL) if connection.vendor == "postgresql" else before
    assert during == expected


class KeysImporter(Importer[str]):
    """Code-table keys, written with insert_rows two rows a batch."""

    kind = "test-bulk-keys"
    label = "Keys"
    columns = (Column("key"),)
    batch_size = 2

    def parse(self, row: Mapping[str, str], line: int) -> str:
        return row["key"]

    def write(self, batch: list[str]) -> int:
        existing = (
            stored().filter(key__in=[f"bulk-{key}" for key in batch]).count()
        )  # reads what the previous batches wrote
        assert existing == 0
        bulk.insert_rows(CodeTable, COLUMNS, table_rows(batch))
        return len(batch)


def test_an_import_reads_its_own_rows_and_a_failed_copy_rolls_the_whole_file_back() -> None:
    result = run_import(KeysImporter(), io.BytesIO(b"key\na\nb\nc\nd\ne\n"), filename="k.csv")
    assert (result.written, result.committed) == (5, True)
    assert stored().count() == 5
    with pytest.raises(IntegrityError):
        run_import(KeysImporter(), io.BytesIO(b"key\nf\ng\nh\nh\ni\n"), filename="k.csv")
    assert stored().count() == 5


RATE = ("mfn", "", "", "8", None, "", "", "single", "8%", False)


def insert_an_orphan_rate() -> None:
    with transaction.atomic(), bulk.write_behind():
        bulk.insert_rows(DutyRate, LineWriter.RATE_COLUMNS, [(987654, *RATE)])


def test_a_row_pointing_to_nothing_fails_the_block_and_the_checks_are_deferred_again_after_it() -> None:
    with pytest.raises(IntegrityError):
        insert_an_orphan_rate()
    assert not DutyRate.objects.exists()
    with transaction.atomic():
        with bulk.write_behind():
            bulk.insert_rows(CodeTable, COLUMNS, table_rows(["a"]))
        # After the block, in the same transaction: a row may point to one inserted after it, as Django expects.
        bulk.insert_rows(DutyRate, LineWriter.RATE_COLUMNS, [(987655, *RATE)])
        bulk.insert_rows(RateSet, ("id", "key"), [(987655, "k" * 32)])
    assert DutyRate.objects.get().rate_set_id == 987655


def test_rows_as_copy_text_keep_tabs_line_breaks_backslashes_and_nulls() -> None:
    now = bulk.db_time(timezone.now())
    names = ["tab\there", "two\nlines\r\n", "back\\slash \\N", ""]

    def lines(code_pattern: str | None) -> list[str]:
        return [
            f"{bulk.copy_line((f'bulk-{number}', name, '表', '', '', code_pattern, now, now))}\n"
            for number, name in enumerate(names)
        ]

    if connection.vendor != "postgresql":
        with pytest.raises(NotImplementedError):
            bulk.insert_lines(CodeTable, COLUMNS, lines(""))
        return
    with pytest.raises(IntegrityError), transaction.atomic():  # code_pattern is NOT NULL: None was sent as NULL
        bulk.insert_lines(CodeTable, COLUMNS, lines(None))
    with transaction.atomic(), bulk.write_behind():
        bulk.insert_lines(CodeTable, COLUMNS, lines("")[:1])
        bulk.insert_lines(CodeTable, COLUMNS, lines("")[1:])
    assert list(stored().order_by("key").values_list("name_en", "created_at")) == [(name, now) for name in names]
