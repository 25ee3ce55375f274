"""`cpass load-jurisdictions [FILE]`: create or update the customs jurisdictions whose schedules C-pass
holds (China and the United States by default, from our own fixtures/jurisdictions.json). Run it once on
a new installation, before loading a national tariff."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cpass.core.errors import ValidationFailed
from cpass.tariff.importers import FIXTURES
from cpass.tariff.services import jurisdiction_upsert


class Command(BaseCommand):
    help = "Create or update the customs jurisdictions (a JSON list; China and the US by default)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", nargs="?", default=str(FIXTURES / "jurisdictions.json"))

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            items = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path}: {exc}") from None
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise CommandError(f"{path}: expected a JSON list of objects")
        for number, item in enumerate(items, start=1):
            try:
                jurisdiction = jurisdiction_upsert(actor=None, **item)
            except (TypeError, ValidationFailed) as exc:
                detail = getattr(exc, "errors", None) or exc
                raise CommandError(f"{path}, item {number}: {detail}") from None
            self.stdout.write(f"{jurisdiction.code}: {jurisdiction.name_en} / {jurisdiction.name_zh}")
