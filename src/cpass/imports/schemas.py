from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Schema

from cpass.core.api import one_of
from cpass.imports.models import ImportStatus


class ColumnOut(Schema):
    name: str
    required: bool
    help: str


class OptionOut(Schema):
    name: str
    label: str
    required: bool
    default: str


class ImporterOut(Schema):
    kind: str
    label: str
    scope: str
    formats: list[str]
    columns: list[ColumnOut]
    options: list[OptionOut]
    format_doc: str


class IssueOut(Schema):
    line: int
    column: str
    message: str


class ProgressOut(Schema):
    rows: int
    fraction: float | None


class ImportJobOut(Schema):
    id: int
    kind: str
    enterprise_id: int | None
    original_name: str
    size: int
    options: dict[str, str]
    all_or_nothing: bool
    status: Annotated[str, one_of(ImportStatus)]
    rows: int
    written: int
    skipped: int
    issue_count: int
    issues: list[IssueOut]
    error: str
    progress: ProgressOut
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
