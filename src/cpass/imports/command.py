"""The command-line side of the import engine: `cpass import KIND FILE` and its per-kind aliases
(`cpass load-tariff FILE`...), which subclass `ImportCommand` and set `kind`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cpass.core.errors import ValidationFailed
from cpass.imports.framework import ImportResult, importer_class, run_import


def parse_options(pairs: list[str]) -> dict[str, str]:
    options = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise CommandError(f"--option takes NAME=VALUE, not {pair!r}")
        options[name.strip()] = value
    return options


def import_path(kind: str, path: Path, *, options: dict[str, str], all_or_nothing: bool = True) -> ImportResult:
    """Load one file from disk as platform reference data (no actor: the command line is trusted)."""
    importer = importer_class(kind)(actor=None, options=options)
    with path.open("rb") as stream:
        return run_import(importer, stream, filename=path.name, size=path.stat().st_size, all_or_nothing=all_or_nothing)


class ImportCommand(BaseCommand):
    #: Set by the per-kind alias commands; the generic `cpass import` takes it as an argument.
    kind = ""
    help = "Load a CSV, XLSX or JSON file through an importer. Nothing is saved if any row is bad."

    def add_arguments(self, parser: CommandParser) -> None:
        if not self.kind:
            parser.add_argument("kind", help="importer to use, e.g. tariff, codes, locode, fx-rates")
        parser.add_argument("file", type=Path)
        parser.add_argument("--option", action="append", default=[], metavar="NAME=VALUE")
        parser.add_argument(
            "--keep-valid-rows", action="store_true", help="load the valid rows even if some rows are bad"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind = self.kind or options["kind"]
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            result = import_path(
                kind, path, options=parse_options(options["option"]), all_or_nothing=not options["keep_valid_rows"]
            )
        except ValidationFailed as exc:
            messages = [f"{field or 'file'}: {msg}" for field, msgs in exc.errors.items() for msg in msgs]
            raise CommandError("; ".join(messages) or str(exc.detail)) from None
        for issue in result.issues:
            self.stderr.write(f"{path.name}:{issue.line}: {issue.column or '-'}: {issue.message}")
        if result.issue_count > len(result.issues):
            self.stderr.write(f"... and {result.issue_count - len(result.issues)} more issues")
        summary = f"{result.rows} rows read, {result.written} written, {result.skipped} skipped"
        if not result.committed:
            self.stderr.write(f"{summary}; {result.issue_count} issue(s): nothing was saved.")
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(summary))
