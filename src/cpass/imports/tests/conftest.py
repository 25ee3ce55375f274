from cpass.imports.tests.support import test_importers  # noqa: F401
