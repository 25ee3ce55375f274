"""The Huey consumer knows every job the code enqueues: it imports each app's `tasks` module (djhuey's
autodiscovery) and nothing else, so a job defined deeper (customs/gateway/tasks.py) must be reachable from there.
Checked in a fresh interpreter, where nothing else has imported the job modules first."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
_TASK = re.compile(r"^@(?:db_)?(?:task|periodic_task|db_task|db_periodic_task)\b.*\n(?:@.*\n)*def (\w+)", re.M)

PROBE = """
import django, sys
django.setup()
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY
autodiscover_modules("tasks")
missing = [name for name in sys.argv[1:] if name not in HUEY._registry._registry]
print("\\n".join(missing))
"""


def test_the_consumer_registers_every_job() -> None:
    names = []
    for path in SRC.rglob("tasks.py"):
        module = ".".join(path.relative_to(SRC).with_suffix("").parts)
        names += [f"{module}.{function}" for function in _TASK.findall(path.read_text(encoding="utf-8"))]
    assert "cpass.customs.gateway.tasks.declaration_send_task" in names
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cpass.config.settings", "CPASS_DEMO": "1"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *names], capture_output=True, text=True, env=env, check=True, timeout=120
    )
    assert result.stdout.split() == []
