"""Helpers for tests that need a real service or a browser."""

from __future__ import annotations

import os

import pytest


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip locally; under CI=true a missing service or browser is a failure, never a silent skip."""
    if running_in_ci():
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


def load_builtin_code_tables() -> None:
    """Put back the built-in code tables that migration reference.0002 loads, where they are missing.

    A transactional test empties every table when it ends, data-migration rows included, and `--reuse-db`
    keeps that emptied database for the next run; the migration's own loader is idempotent.
    """
    import importlib

    from django.apps import apps

    importlib.import_module("cpass.reference.migrations.0002_builtin_code_tables").load(apps, None)
