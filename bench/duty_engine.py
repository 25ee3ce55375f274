"""Duty engine speed: item calculations per second of the batch path on 1,000,000 generated import
items, next to its floor, and of the Decimal reference path (with traces).

Floor: the same core arithmetic (CIF with 3‰ insurance, conversion in two limbs, half-up rounding,
ad valorem duty, VAT) as bare numpy operations on the same columns, with no charge modes, rate kinds,
consumption tax, bounds checks or fallback. Ratio = ours / floor (1.0: as fast as the bare
arithmetic; lower: slower). The reference path is measured on a sample and every sampled item is
checked to be identical to the batch result (the `mismatches` spread must be 0).

    .venv/bin/python -m bench.duty_engine
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from decimal import Decimal
from typing import Any

import numpy as np

from bench.micro import Figure, print_figures

ITEMS = 1_000_000
SAMPLE = 20_000


def _setup() -> None:
    os.environ.setdefault("CPASS_DEMO", "1")
    os.environ.setdefault("CPASS_DATA_DIR", tempfile.mkdtemp(prefix="cpass-duty-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpass.config.settings")
    import django

    django.setup()


def generate(size: int = ITEMS, *, seed: int = 11) -> Any:
    """Columns of realistic import items: prices up to 1 million, USD/EUR/JPY, freight by rate or total,
    insurance by rate or the 3‰ rule, ad valorem (most), specific and compound duties, some consumption tax."""
    from cpass.customs.duty import FxRate
    from cpass.customs.duty.batch import AD_VALOREM, HIGHER, NONE, RATE, SPECIFIC, SUM, TOTAL, BatchItems
    from cpass.customs.duty.reference import FxTable, resolve_terms

    rng = np.random.default_rng(seed)
    fx = FxTable(
        (FxRate("USD", Decimal("7.0851")), FxRate("EUR", Decimal("8.2476")), FxRate("JPY", Decimal("0.04612"))), "CNY"
    )
    currency_index = rng.integers(0, 3, size)
    currencies = [("USD", "EUR", "JPY")[i] for i in currency_index.tolist()]
    batch = BatchItems.empty(size, terms=resolve_terms("FOB"), fx=fx, currencies=currencies)
    c = batch.columns
    c["goods"][:] = rng.integers(100, 100_000_000, size)
    c["fx"][:] = np.array([708_510_000, 824_760_000, 4_612_000])[currency_index]
    by_rate = rng.random(size) < 0.5
    c["freight_mode"][:] = np.where(by_rate, RATE, TOTAL)
    c["freight"][:] = np.where(by_rate, rng.integers(50, 1_000, size), rng.integers(0, 2_000_000, size))
    c["insurance_mode"][:] = np.where(rng.random(size) < 0.5, NONE, RATE)
    c["insurance"][:] = np.where(c["insurance_mode"] == RATE, 30, 0)
    kind = rng.choice([AD_VALOREM, SPECIFIC, SUM, HIGHER], size, p=[0.9, 0.04, 0.04, 0.02])
    c["duty_kind"][:] = kind
    c["duty_rate"][:] = rng.choice([0, 30_000, 50_000, 80_000, 100_000, 150_000, 250_000], size)
    c["duty_amount"][:] = np.where(kind != AD_VALOREM, rng.integers(1, 5_000_000, size), 0)
    c["duty_quantity"][:] = np.where(kind != AD_VALOREM, rng.integers(1, 1_000_000_000, size), 0)
    taxed = rng.random(size) < 0.1
    c["ct_kind"][:] = np.where(taxed, AD_VALOREM, 0)
    c["ct_rate"][:] = np.where(taxed, rng.choice([50_000, 100_000, 200_000, 400_000], size), 0)
    c["vat"][:] = rng.choice([130_000, 90_000], size, p=[0.9, 0.1])
    return batch


def floor(batch: Any) -> np.ndarray:
    """The bare arithmetic: (goods + freight + 3‰ insurance) × fx → fen, duty and VAT ad valorem."""
    c = batch.columns
    goods = c["goods"]
    freight6 = goods * c["freight"]
    insurance10 = (goods * 10_000 + freight6) * 30
    cif10 = goods * 100_000_000 + freight6 * 10_000 + insurance10
    high, low = np.divmod(cif10, 1_000_000_000)
    value = (high * c["fx"] + (low * c["fx"]) // 1_000_000_000 + 5_000_000) // 10_000_000
    duty = (value * c["duty_rate"] * 10 + 5_000_000) // 10_000_000
    vat = ((value + duty) * c["vat"] * 10 + 5_000_000) // 10_000_000
    return vat


def run() -> list[Figure]:
    _setup()
    from cpass.customs.duty import Direction
    from cpass.customs.duty.batch import calculate_batch
    from cpass.customs.duty.reference import calculate_item

    repeat = int(os.environ.get("CPASS_BENCH_REPEAT", "3"))
    batch = generate()
    ours_s, floor_s = [], []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = calculate_batch(batch)
        ours_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        floor(batch)
        floor_s.append(time.perf_counter() - start)
    assert result is not None
    ours = [ITEMS / s for s in ours_s]
    bare = [ITEMS / s for s in floor_s]
    ratios = [o / f for o, f in zip(ours, bare, strict=True)]
    fallback = int(result.fallback.sum())

    rng = np.random.default_rng(5)
    sample = rng.choice(ITEMS, SAMPLE, replace=False)
    items = [batch.to_item(int(i)) for i in sample]
    start = time.perf_counter()
    references = [
        calculate_item(int(i), item, direction=Direction.IMPORT, terms=batch.terms, fx=batch.fx)
        for i, item in zip(sample, items, strict=True)
    ]
    reference_s = time.perf_counter() - start
    mismatches = sum(1 for i, ref in zip(sample, references, strict=True) if result.item(int(i)) != ref.fen)
    return [
        Figure(
            name="duty engine batch path",
            unit="items/s",
            ours=statistics.median(ours),
            floor=statistics.median(bare),
            ratio=statistics.median(ratios),
            spread={"min": min(ours), "max": max(ours), "fallback": float(fallback), "n": float(repeat)},
            target=">= 500000 items/s",
            notes="floor: the same core integer arithmetic as bare numpy ops, no modes/checks/fallback",
        ),
        Figure(
            name="duty engine reference path (Decimal, traces)",
            unit="items/s",
            ours=SAMPLE / reference_s,
            floor=statistics.median(ours),
            ratio=(SAMPLE / reference_s) / statistics.median(ours),
            spread={"mismatches": float(mismatches), "sample": float(SAMPLE)},
            notes="floor here is the batch path: the reference path is for traces, not volume",
        ),
    ]


if __name__ == "__main__":
    print_figures("duty engine", run())
