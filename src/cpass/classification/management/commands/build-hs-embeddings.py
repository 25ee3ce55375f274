"""`cpass build-hs-embeddings`: rebuild the HS search index and embed what changed (also a Huey task after imports)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cpass.classification import services


class Command(BaseCommand):
    help = "Rebuild the HS search index from the tariff data and compute the missing sentence embeddings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--skip-index", action="store_true", help="embed the current index without rebuilding it first"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if not options["skip_index"]:
            entries = services.rebuild_search_index()
            self.stdout.write(f"search index: {entries} entries")
        embedded = services.build_embeddings()
        self.stdout.write(self.style.SUCCESS(f"embeddings: {embedded} computed in {time.monotonic() - started:.1f} s"))
