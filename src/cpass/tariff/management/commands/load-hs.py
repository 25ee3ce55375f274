from cpass.imports.command import ImportCommand


class Command(ImportCommand):
    kind = "hs-nomenclature"
