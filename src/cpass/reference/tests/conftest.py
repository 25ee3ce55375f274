from __future__ import annotations

from collections.abc import Iterator

import pytest

from cpass.accounts.models import User
from cpass.accounts.tests.factories import UserFactory
from cpass.reference import selectors


@pytest.fixture(autouse=True)
def _fresh_code_cache() -> Iterator[None]:
    """Each test starts with an empty lookup cache and no 'changed in this transaction' mark."""
    selectors._cache.clear()
    selectors._local.dirty = False
    yield
    selectors._cache.clear()
    selectors._local.dirty = False


@pytest.fixture
def staff(db: None) -> User:
    return UserFactory.create(is_staff=True)
