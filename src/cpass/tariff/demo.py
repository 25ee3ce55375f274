"""The demo tariff: jurisdictions CN and US, the HS nodes of the demo lines, a few dozen China lines of
the 2025 tariff and their declaration element templates, all loaded through the importers.

The files are ours (src/cpass/tariff/fixtures/), so the demo needs nothing from ../shared. Loading
twice changes nothing (the importers upsert by key and skip unchanged lines). The reference code
tables (units) must be loaded first.
"""

from __future__ import annotations

import json

from cpass.tariff.importers import FIXTURES
from cpass.tariff.services import jurisdiction_upsert, tariff_file_load

CN_SOURCE = "Demo: 2025 China tariff as published (verify against the official book)"


def load_demo() -> None:
    for item in json.loads((FIXTURES / "jurisdictions.json").read_text(encoding="utf-8")):
        jurisdiction_upsert(actor=None, **item)
    tariff_file_load(kind="hs-nomenclature", path=FIXTURES / "demo_hs.csv")
    tariff_file_load(
        kind="tariff", path=FIXTURES / "cn_tariff_2025.csv", options={"jurisdiction": "CN", "source": CN_SOURCE}
    )
    tariff_file_load(
        kind="declaration-elements", path=FIXTURES / "cn_declaration_elements.json", options={"jurisdiction": "CN"}
    )
