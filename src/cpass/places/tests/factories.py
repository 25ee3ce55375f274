"""Building UN/LOCODE files for tests and loading them through the "locode" importer (the only writer
of locations and their search keys)."""

from __future__ import annotations

import io
from typing import Any

from cpass.imports.framework import ImportResult, importer_class, run_import

HEADER = "unlocode,country,location,name,nameWoDiacritics,subdivision,status,function,iata,lat,lon,geocoded,note"
COLUMNS = HEADER.split(",")


def locode_row(code: str, name: str, **values: Any) -> str:
    """One CSV line: `code` "CNSHA", `name`, and any other column by its header name."""
    row = {
        "unlocode": code,
        "country": code[:2],
        "location": code[2:],
        "name": name,
        "nameWoDiacritics": values.pop("ascii", name),
        "status": "AI",
        "function": "1-------",
        **values,
    }
    return ",".join(_cell(row.get(column, "")) for column in COLUMNS)


def _cell(value: Any) -> str:
    text = str(value)
    return f'"{text}"' if "," in text else text


def locode_csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def load_locode(data: bytes, *, name: str = "locode.csv", keep: bool = False, **options: str) -> ImportResult:
    importer = importer_class("locode")(options=options)
    return run_import(importer, io.BytesIO(data), filename=name, all_or_nothing=not keep)


def load_places(*rows: str) -> ImportResult:
    result = load_locode(locode_csv(*rows))
    assert result.committed, [issue.as_dict() for issue in result.issues]
    return result
