"""`cpass load-restricted FILE --option list=NAME`: load a restricted-party list (see docs/reference)."""

from cpass.imports.command import ImportCommand


class Command(ImportCommand):
    kind = "restricted-parties"
