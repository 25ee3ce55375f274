"""Shared fixtures of the tariff tests: the demo schedule (our own fixture files, no ../shared needed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cpass.accounts.models import User
from cpass.accounts.tests.factories import UserFactory
from cpass.reference import selectors as reference_selectors
from cpass.tariff.demo import load_demo

#: The reference data of ../shared (SOURCES.md); tests that read it skip when it is absent.
SHARED_DATA = Path("/work/shared/data")


@pytest.fixture(autouse=True)
def _fresh_code_cache() -> Iterator[None]:
    """The customs unit table is read through the reference cache: start every test without it."""
    reference_selectors._cache.clear()
    reference_selectors._local.dirty = False
    yield
    reference_selectors._cache.clear()
    reference_selectors._local.dirty = False


@pytest.fixture
def demo(db: None) -> None:
    """Jurisdictions CN and US, the demo HS nodes, 23 China lines and their element templates."""
    load_demo()


@pytest.fixture
def staff(db: None) -> User:
    return UserFactory.create(is_staff=True)


def shared_file(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (see /work/shared/data/SOURCES.md)")
    return path
