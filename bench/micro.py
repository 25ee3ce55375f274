"""In-process benchmarks (search, suggestion, loaders): a fresh migrated database and timing helpers.

`make bench` runs them after the HTTP load run; each module under bench/ that defines
`run(options) -> list[Figure]` is one suite (see bench/README.md). The database is SQLite in a
temporary CPASS_DATA_DIR, or the PostgreSQL database in CPASS_DATABASE_URL (re-created first).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("CPASS_SHARED_DATA", ROOT.parent / "shared" / "data"))


@dataclass
class Figure:
    """One measured quantity next to its floor. `unit` says which way is better (ms: lower)."""

    name: str
    unit: str
    ours: float
    floor: float | None
    #: ours / floor for times, floor / ours for throughputs: 1.0 is as fast as the floor, lower is slower.
    ratio: float | None
    spread: dict[str, float] = field(default_factory=dict)
    target: str = ""
    notes: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def latency_stats(samples_ms: list[float]) -> dict[str, float]:
    return {
        "p50": statistics.median(samples_ms),
        "p95": percentile(samples_ms, 0.95),
        "min": min(samples_ms),
        "max": max(samples_ms),
        "n": float(len(samples_ms)),
    }


def time_calls(call: Callable[[], Any], *, repeat: int) -> list[float]:
    """Milliseconds per call, `repeat` times."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


@contextmanager
def django_database() -> Iterator[None]:
    """Django set up on a fresh, migrated database: SQLite in a temp dir, or the PostgreSQL database of
    CPASS_DATABASE_URL (its name must contain "bench"), whose public schema is dropped and re-created."""
    with tempfile.TemporaryDirectory(prefix="cpass-bench-") as data_dir:
        os.environ.setdefault("CPASS_DEMO", "1")
        os.environ["CPASS_DATA_DIR"] = data_dir
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpass.config.settings")
        import django
        from django.core.management import call_command

        url = os.environ.get("CPASS_DATABASE_URL", "")
        if url:
            from bench.run import _postgres_database

            _postgres_database(url)  # refuses a database whose name lacks "bench": it is emptied
            import psycopg

            with psycopg.connect(url, autocommit=True) as connection:
                connection.execute("DROP SCHEMA public CASCADE")
                connection.execute("CREATE SCHEMA public")
        django.setup()
        call_command("migrate", "--noinput", verbosity=0)
        yield


def write_suite(module_name: str, out: Path) -> None:
    """Run one suite (`module.run()`) and write its figures as JSON (used by bench.reference)."""
    import importlib
    import json

    figures = importlib.import_module(module_name).run()
    out.write_text(json.dumps([figure.as_dict() for figure in figures], indent=2))


def print_figures(title: str, figures: list[Figure]) -> None:
    print(title)
    print(f"{'figure':<44} {'ours':>12} {'floor':>12} {'ratio':>7}  unit   spread / target")
    for f in figures:
        floor = f"{f.floor:12.3f}" if f.floor is not None else f"{'-':>12}"
        ratio = f"{f.ratio:7.2f}" if f.ratio is not None else f"{'-':>7}"
        spread = " ".join(f"{k}={v:.3f}" for k, v in f.spread.items() if k != "n")
        print(f"{f.name:<44} {f.ours:12.3f} {floor} {ratio}  {f.unit:<6} {spread} {f.target}".rstrip())
