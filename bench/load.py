"""A small closed-loop load generator: N threads, each with its own keep-alive connection.

Each thread sends its next request as soon as the previous answer has been read, until the
duration is over or the request budget is spent. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

import httpx

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Target:
    """One URL to load, with what it needs to be let in."""

    name: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RunResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    first_error: str

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    def percentile_ms(self, percent: float) -> float:
        """Nearest-rank percentile of the successful requests' latencies."""
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        rank = min(len(ordered), max(1, math.ceil(percent / 100 * len(ordered))))
        return ordered[rank - 1]


def client_for(port: int, target: Target) -> httpx.Client:
    return httpx.Client(
        base_url=f"http://{LOOPBACK}:{port}",
        headers=target.headers,
        cookies=target.cookies,
        timeout=30.0,
        follow_redirects=False,
    )


def run(*, port: int, target: Target, concurrency: int, seconds: float, max_requests: int) -> RunResult:
    """Load `target` with `concurrency` threads for `seconds` or `max_requests`, whichever ends first."""
    per_thread = max(1, max_requests // concurrency)
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    first_error: list[str] = []
    clock: dict[str, float] = {}

    def start_clock() -> None:
        clock["began"] = time.perf_counter()
        clock["deadline"] = clock["began"] + seconds

    start = threading.Barrier(concurrency, action=start_clock)

    def worker(index: int) -> None:
        with client_for(port, target) as client:
            client.get(target.path)  # opens the connection before the clock starts
            start.wait()
            mine, deadline = latencies[index], clock["deadline"]
            while len(mine) + errors[index] < per_thread and time.perf_counter() < deadline:
                sent = time.perf_counter()
                try:
                    response = client.get(target.path)
                except httpx.HTTPError as exc:
                    failure = f"{type(exc).__name__}: {exc}"
                else:
                    failure = "" if response.status_code == 200 else f"HTTP {response.status_code}"
                if not failure:
                    mine.append((time.perf_counter() - sent) * 1000)
                else:
                    errors[index] += 1
                    if not first_error:
                        first_error.append(failure)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - clock["began"]
    merged = [latency for per_thread_latencies in latencies for latency in per_thread_latencies]
    return RunResult(
        requests=len(merged),
        errors=sum(errors),
        seconds=elapsed,
        latencies_ms=merged,
        first_error=first_error[0] if first_error else "",
    )
