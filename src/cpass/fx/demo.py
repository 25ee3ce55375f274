"""Demo exchange rates: CNY rates for USD, EUR, JPY (per 100), HKD, GBP, KRW (quoted CNY→KRW) and AUD on
every Wednesday from December 2025 to December 2026, so China's customs rule resolves for any date of
2026. Source "demo": sample values, NOT official rates. 18 Feb and 7 Oct 2026 are left out as holidays,
so March 2026 shows the fallback day."""

from __future__ import annotations

from pathlib import Path

from cpass.imports.framework import ImportResult, importer_class, run_import

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "demo_rates.csv"


def load_demo() -> ImportResult:
    """Idempotent: rows are keyed on pair, date and source, so a second run rewrites the same values."""
    with FIXTURE.open("rb") as stream:
        return run_import(importer_class("fx-rates")(), stream, filename=FIXTURE.name)
