"""`make bench`, second part: the reference-data suites (tariff loader, HS search and classification,
port search), each in its own process on a fresh database, next to their floors, in one run.

Writes bench/results/reference-<database>-<commit>.json. A suite that needs ../shared/data and does
not find it is reported as not measured.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench.micro import ROOT, Figure, print_figures

SUITES = [
    "bench.tariff_loader",
    "bench.hs_search",
    "bench.places_search",
    "bench.duty_engine",
    "bench.shipments",
    "bench.declarations",
    "bench.declaration_items",
]


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()


def main() -> int:
    database = "postgresql" if os.environ.get("CPASS_DATABASE_URL") else "sqlite"
    figures: dict[str, list[dict[str, object]]] = {}
    failed: dict[str, str] = {}
    for suite in SUITES:
        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch) / "figures.json"
            command = [
                sys.executable,
                "-c",
                f"from bench.micro import write_suite; write_suite({suite!r}, {str(out)!r})",
            ]
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
            if done.returncode != 0 or not out.exists():
                lines = (done.stderr or done.stdout or "no output").strip().splitlines()
                failed[suite] = lines[-1] if lines else "no output"
                print(f"bench: {suite} not measured: {failed[suite]}")
                continue
            figures[suite] = json.loads(out.read_text())
            print_figures(f"\n{suite} on {database}", [Figure(**f) for f in figures[suite]])  # type: ignore[arg-type]
    commit = _git("rev-parse", "HEAD")
    report = {
        "name": f"reference-{database}-{commit[:10] or 'nogit'}",
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": {"commit": commit, "dirty": bool(_git("status", "--porcelain"))},
        "database": database,
        "load_average_at_start": os.getloadavg()[0],
        "suites": figures,
        "not_measured": failed,
    }
    path = ROOT / "bench" / "results" / f"{report['name']}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"bench: wrote {path.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
