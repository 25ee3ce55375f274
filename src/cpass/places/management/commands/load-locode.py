from cpass.imports.command import ImportCommand


class Command(ImportCommand):
    kind = "locode"
    help = "Load a UN/LOCODE code list (docs/reference/locode-format.md). Nothing is saved if any row is bad."
