"""Demo products of the demo trading company, loaded through the products importer (idempotent).

Needs the demo China tariff (cpass.tariff.demo) loaded first: the codes are checked against it.
"""

from __future__ import annotations

from pathlib import Path

from cpass.core.actor import Actor
from cpass.imports.framework import run_import
from cpass.products.importers import ProductImporter

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "demo-products.csv"


def load_demo(*, trader: Actor, broker: Actor) -> int:
    """A dozen products of the trader, all but one classified with filled declaration elements.

    The broker works on them through its partner grant (set up by the core demo); nothing is
    written as the broker. Loading again changes nothing. Returns how many rows were written.
    """
    with FIXTURE.open("rb") as stream:
        result = run_import(ProductImporter(actor=trader), stream, filename=FIXTURE.name)
    if not result.committed:
        problems = "; ".join(f"line {i.line} {i.column}: {i.message}" for i in result.issues)
        raise RuntimeError(f"demo products did not load: {problems}")
    return result.written
