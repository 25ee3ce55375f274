"""`cpass load-codes FILE [--option table=KEY]`: load code table rows (docs/reference/code-tables.md)."""

from cpass.imports.command import ImportCommand


class Command(ImportCommand):
    kind = "codes"
    help = "Load code table entries from CSV, XLSX or JSON. Nothing is saved if any row is bad."
