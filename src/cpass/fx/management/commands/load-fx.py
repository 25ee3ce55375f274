from cpass.imports.command import ImportCommand


class Command(ImportCommand):
    kind = "fx-rates"
    help = "Load exchange rates (docs/reference/fx-format.md). Nothing is saved if any row is bad."
