"""`make bench`: the platform foundation under concurrent load, next to a floor, in one run.

Prepares a fresh database (SQLite in a temporary CPASS_DATA_DIR, or the PostgreSQL database
in CPASS_DATABASE_URL), starts gunicorn on 127.0.0.1, loads each target in turn, prints
requests/s and p50/p95 latency with the ratio to the floor, and writes bench/results/<name>.json.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
import httpx
import psycopg

from bench.load import LOOPBACK, RunResult, Target, client_for, run

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
FLOOR = "floor"
WORKER_CLASS = "gthread"


@dataclass(frozen=True)
class Options:
    documents: int
    concurrency: int
    seconds: float
    warmup: float
    repetitions: int
    max_requests: int
    workers: int
    threads: int
    name: str
    keep: bool


def parse_options(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=3000, help="documents of the bench enterprise (default 3000)")
    parser.add_argument("--concurrency", type=int, default=8, help="connections kept busy at once (default 8)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of one measured run (default 10)")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured load per target first (default 3)")
    parser.add_argument("--repetitions", type=int, default=5, help="measured runs per target (default 5)")
    parser.add_argument("--max-requests", type=int, default=50_000, help="request budget of one run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker (default 4)")
    parser.add_argument("--name", default="", help="results file name (default: <database>-<commit>)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = parser.parse_args(argv)
    if min(args.documents, args.concurrency, args.repetitions, args.max_requests, args.workers, args.threads) < 1:
        parser.error("--documents, --concurrency, --repetitions, --max-requests, --workers and --threads must be >= 1")
    if args.seconds <= 0 or args.warmup < 0:
        parser.error("--seconds must be > 0 and --warmup >= 0")
    if args.name and (Path(args.name).name != args.name or args.name.startswith(".")):
        parser.error("--name is a file name, without folders")
    return Options(
        documents=args.documents,
        concurrency=args.concurrency,
        seconds=args.seconds,
        warmup=args.warmup,
        repetitions=args.repetitions,
        max_requests=args.max_requests,
        workers=args.workers,
        threads=args.threads,
        name=args.name,
        keep=args.keep,
    )


def _git(*args: str) -> str:
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return result.stdout.strip()


def _machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), "")
    mem_kb = next((int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal:")), 0)
    return {
        "platform": platform.platform(),
        "cpu": model or platform.processor(),
        "cpus": os.cpu_count(),
        "memory_gb": round(mem_kb / 1_048_576, 1),
        "python": platform.python_version(),
        "django": version("django"),
        "gunicorn": version("gunicorn"),
        "httpx": version("httpx"),
    }


def _postgres_database(url: str) -> str:
    """Make sure the PostgreSQL database exists; refuse names without "bench" (it is flushed)."""
    config = dj_database_url.parse(url)
    name = str(config["NAME"])
    if "bench" not in name:
        sys.exit(f"bench: refusing to flush PostgreSQL database {name!r}: its name must contain 'bench'.")
    admin = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists is None:
            connection.execute(f'CREATE DATABASE "{name}"')
    return name


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def _environment(data_dir: Path) -> dict[str, str]:
    """The CPASS_* settings of the run: production-like (DEBUG off), private to this run."""
    environment = dict(os.environ)
    environment.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
        CPASS_DATA_DIR=str(data_dir),
        CPASS_DEMO="0",
        CPASS_DEBUG="0",
        CPASS_HTTPS="0",
        CPASS_TRUSTED_PROXIES="0",
        CPASS_SECRET_KEY=secrets.token_urlsafe(50),
        CPASS_ALLOWED_HOSTS=LOOPBACK,
        CPASS_EMAIL_BACKEND="memory",
        CPASS_HUEY_IMMEDIATE="1",
        CPASS_LOG_LEVEL="WARNING",
    )
    return environment


def _prepare(environment: dict[str, str], documents: int) -> dict[str, Any]:
    print(f"bench: preparing the database and {documents} documents per tenant ...", flush=True)
    result = subprocess.run(
        [sys.executable, "-m", "bench.prepare", "--documents", str(documents)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"bench: preparing the database failed:\n{result.stderr[-4000:]}")
    prepared: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return prepared


@contextmanager
def _gunicorn(environment: dict[str, str], options: Options, port: int, log: Path) -> Iterator[None]:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "bench.wsgi:application",
        f"--bind={LOOPBACK}:{port}",
        f"--workers={options.workers}",
        f"--worker-class={WORKER_CLASS}",
        f"--threads={options.threads}",
        "--log-level=warning",
    ]
    with log.open("wb") as log_file:
        server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log_file, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(port, server, log)
            yield
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_up(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"bench: gunicorn exited with {server.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(f"http://{LOOPBACK}:{port}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    sys.exit(f"bench: gunicorn did not answer /healthz within 60 s:\n{log.read_text()[-4000:]}")


def _targets(prepared: dict[str, Any]) -> list[Target]:
    enterprise_id = prepared["enterprise_id"]
    return [
        Target(FLOOR, f"/bench/floor?enterprise={enterprise_id}"),
        Target("healthz", "/healthz"),
        Target("api", "/api/v1/documents?limit=50", headers={"Authorization": f"Bearer {prepared['api_token']}"}),
        Target("ui", "/documents/", cookies={prepared["session_cookie_name"]: prepared["session_cookie"]}),
    ]


def _check(port: int, target: Target, documents: int) -> str:
    """Why `target` cannot be measured (empty when it answers as expected)."""
    try:
        with client_for(port, target) as client:
            response = client.get(target.path)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    if response.status_code != 200:
        text = " ".join(response.text.split())
        return f"HTTP {response.status_code} {response.headers.get('content-type', '')}: {text[:200]}"
    if target.name in {FLOOR, "api"}:
        body = response.json()
        expected_items = min(50, documents)
        if body.get("count") != documents or len(body.get("items", [])) != expected_items:
            return f"expected count={documents} and {expected_items} items, got {str(body)[:300]}"
    if target.name == "ui" and "Commercial invoice" not in response.text:
        return "the page lists no document"
    return ""


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2), "max": round(max(values), 2)}


def _summarise(target: Target, runs: list[RunResult]) -> dict[str, Any]:
    return {
        "path": target.path,
        "requests_per_second": _spread([r.requests_per_second for r in runs]),
        "p50_ms": _spread([r.percentile_ms(50) for r in runs]),
        "p95_ms": _spread([r.percentile_ms(95) for r in runs]),
        "requests": sum(r.requests for r in runs),
        "errors": sum(r.errors for r in runs),
        "first_error": next((r.first_error for r in runs if r.first_error), ""),
    }


def _add_ratios(results: dict[str, dict[str, Any]]) -> None:
    floor = results[FLOOR]
    for summary in results.values():
        summary["ratio_to_floor"] = {
            "requests_per_second": round(
                summary["requests_per_second"]["median"] / floor["requests_per_second"]["median"], 3
            ),
            "p50": round(summary["p50_ms"]["median"] / floor["p50_ms"]["median"], 2),
            "p95": round(summary["p95_ms"]["median"] / floor["p95_ms"]["median"], 2),
        }


def _print_table(report: dict[str, Any]) -> None:
    server, load, database = report["server"], report["load"], report["database"]
    print()
    print(
        f"C-pass bench on {database['vendor']} {database['version']}: gunicorn {server['worker_class']} "
        f"{server['workers']} workers x {server['threads']} threads on {LOOPBACK}; {load['concurrency']} connections; "
        f"median of {load['repetitions']} x {load['seconds']:g} s per target (min-max in brackets)"
    )
    header = f"{'target':<8} {'req/s':>22} {'p50 ms':>20} {'p95 ms':>20}  {'req/s / floor':>13}  {'p50 / floor':>11}"
    print(header)
    print("-" * len(header))
    for name, summary in report["results"].items():
        rps, p50, p95 = summary["requests_per_second"], summary["p50_ms"], summary["p95_ms"]
        ratio = summary["ratio_to_floor"]
        print(
            f"{name:<8} "
            f"{rps['median']:>8.0f} ({rps['min']:>5.0f}-{rps['max']:<5.0f}) "
            f"{p50['median']:>7.1f} ({p50['min']:>4.1f}-{p50['max']:<4.1f}) "
            f"{p95['median']:>7.1f} ({p95['min']:>4.1f}-{p95['max']:<4.1f})  "
            f"{ratio['requests_per_second']:>12.2f}x  {ratio['p50']:>10.1f}x"
        )
        if summary["errors"]:
            print(f"         {summary['errors']} failed requests, first: {summary['first_error']}")
    for name, reason in report["unavailable"].items():
        print(f"{name:<8} not measured: {reason}")
    print()


def _write(report: dict[str, Any], name: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    partial.replace(path)
    return path


def measure(options: Options, port: int, prepared: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Check every target, warm it up, then run the repetitions round-robin so drift hits all alike."""
    targets, unavailable = [], {}
    for target in _targets(prepared):
        reason = _check(port, target, options.documents)
        if reason and target.name in {FLOOR, "healthz"}:
            sys.exit(f"bench: {target.name} ({target.path}) does not work: {reason}")
        if reason:
            unavailable[target.name] = reason
        else:
            targets.append(target)
    for target in targets:
        if options.warmup:
            run(port=port, target=target, concurrency=options.concurrency, seconds=options.warmup, max_requests=10**9)
    runs: dict[str, list[RunResult]] = {target.name: [] for target in targets}
    for repetition in range(1, options.repetitions + 1):
        for target in targets:
            result = run(
                port=port,
                target=target,
                concurrency=options.concurrency,
                seconds=options.seconds,
                max_requests=options.max_requests,
            )
            runs[target.name].append(result)
            print(
                f"bench: run {repetition}/{options.repetitions} {target.name:<8} "
                f"{result.requests_per_second:7.0f} req/s  p50 {result.percentile_ms(50):6.1f} ms  "
                f"p95 {result.percentile_ms(95):6.1f} ms  errors {result.errors}",
                flush=True,
            )
    results = {target.name: _summarise(target, runs[target.name]) for target in targets}
    _add_ratios(results)
    return results, unavailable


def main(argv: list[str] | None = None) -> int:
    options = parse_options(argv)
    load_at_start = os.getloadavg()[0]
    if load_at_start > 0.5 * (os.cpu_count() or 1):
        print(f"bench: warning: the machine is busy (load average {load_at_start:.1f}); figures will be noisy")
    database_url = os.environ.get("CPASS_DATABASE_URL", "")
    if database_url:
        _postgres_database(database_url)
    data_dir = Path(tempfile.mkdtemp(prefix="cpass-bench-"))
    try:
        environment = _environment(data_dir)
        prepared = _prepare(environment, options.documents)
        port = _free_port()
        with _gunicorn(environment, options, port, data_dir / "gunicorn.log"):
            results, unavailable = measure(options, port, prepared)
        commit = _git("rev-parse", "HEAD")
        report = {
            "name": options.name or f"{prepared['database']}-{commit[:10] or 'nogit'}",
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "git": {"commit": commit, "dirty": bool(_git("status", "--porcelain"))},
            "machine": {**_machine(), "load_average_at_start": round(load_at_start, 2)},
            "database": {"vendor": prepared["database"], "version": prepared["database_version"]},
            "redis": bool(os.environ.get("CPASS_REDIS_URL")),
            "server": {
                "software": "gunicorn",
                "worker_class": WORKER_CLASS,
                "workers": options.workers,
                "threads": options.threads,
                "bind": LOOPBACK,
            },
            "load": {
                "client": "httpx, one keep-alive connection per thread, closed loop",
                "concurrency": options.concurrency,
                "seconds": options.seconds,
                "warmup_seconds": options.warmup,
                "repetitions": options.repetitions,
                "max_requests_per_run": options.max_requests,
            },
            "data": {"documents": prepared["documents"], "other_tenant_documents": prepared["other_tenant_documents"]},
            "results": results,
            "unavailable": unavailable,
        }
        _print_table(report)
        print(f"bench: wrote {_write(report, report['name']).relative_to(ROOT)}")
        return 1 if unavailable else 0
    finally:
        if options.keep:
            print(f"bench: kept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
