"""Demo ports and places: the main Chinese ports and airports and their partners abroad, from our own
small UN/LOCODE-format file (real codes, checked coordinates), loaded through the "locode" importer."""

from __future__ import annotations

from pathlib import Path

from cpass.imports.framework import ImportResult, importer_class, run_import

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "demo_locations.csv"


def load_demo() -> ImportResult:
    """Idempotent: a second run finds every row unchanged and writes nothing."""
    with FIXTURE.open("rb") as stream:
        return run_import(importer_class("locode")(), stream, filename=FIXTURE.name)
