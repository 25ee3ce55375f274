"""Background jobs of the parties app: thin and idempotent."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from cpass.parties.screening import parties_rescreen_all


@db_task(retries=2, retry_delay=60)
def parties_rescreen_all_task() -> int:
    """After a restricted-party list was loaded: re-screen every party of every enterprise."""
    return parties_rescreen_all()
