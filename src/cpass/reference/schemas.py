"""API shapes of the code tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema

from cpass.core.api import InputSchema
from cpass.reference.models import CodeEntry


class CodeTableOut(Schema):
    key: str
    name_en: str
    name_zh: str
    #: In the request's language.
    name: str
    #: Where the codes come from, in the request's language (source_en, source_zh: each language's).
    source: str
    source_en: str
    source_zh: str
    code_pattern: str
    entry_count: int


class CodeEntryOut(Schema):
    id: int
    table: str
    code: str
    name_en: str
    name_zh: str
    #: In the request's language.
    name: str
    attributes: dict[str, Any]
    valid_from: dt.date | None
    valid_to: dt.date | None

    @staticmethod
    def resolve_table(obj: CodeEntry) -> str:
        return obj.table.key


class CodeEntryCreateIn(InputSchema):
    code: str
    name_en: str
    name_zh: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    attributes: dict[str, Any] = {}
    #: End the open version that started earlier on the day before `valid_from`.
    close_previous: bool = False


class CodeEntryUpdateIn(InputSchema):
    name_en: str | None = None
    name_zh: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    attributes: dict[str, Any] | None = None
