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
