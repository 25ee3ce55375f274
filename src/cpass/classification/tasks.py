"""Background jobs: refresh the HS search index and its embeddings after tariff data changes."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from cpass.classification import services


@db_task(retries=2, retry_delay=60)
def rebuild_search_index_task(jurisdiction: str | None = None) -> None:
    """Rebuild the index (idempotent), then embed whatever changed."""
    services.rebuild_search_index(jurisdiction=jurisdiction)
    services.build_embeddings()


@db_periodic_task(crontab(hour="16", minute="30"))
def nightly_search_index_task() -> None:
    """Lines whose validity starts or ends today (00:30 China time): rebuild once a day."""
    services.rebuild_search_index()
    services.build_embeddings()


def on_tariff_import(kind: str) -> None:
    """Import hook (called on commit of a tariff or nomenclature import): queue the rebuild."""
    rebuild_search_index_task(None)
