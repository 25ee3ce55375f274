"""`make demo`: the web server (gunicorn) and the Huey worker side by side, until Ctrl-C."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the C-pass demo: web server + background worker.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    args = parser.parse_args()
    os.environ.setdefault("CPASS_DEMO", "1")
    # Stop the web server and the worker on SIGTERM too (not only Ctrl-C): `finally` below cleans up.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    bin_dir = Path(sys.executable).parent
    worker = subprocess.Popen(  # noqa: S603 (our own executables from this venv)
        [str(bin_dir / "cpass"), "run_huey", "--workers", "2", "--worker-type", "thread"]
    )
    web = subprocess.Popen(  # noqa: S603
        [
            str(bin_dir / "gunicorn"),
            "cpass.config.wsgi:application",
            "--bind",
            f"{args.host}:{args.port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--access-logfile",
            "-",
        ]
    )
    print(f"\nC-pass is running at http://{args.host}:{args.port}/  (Ctrl-C stops it)\n", flush=True)
    try:
        return web.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for process in (web, worker):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in (web, worker):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    raise SystemExit(main())
