"""Fixtures of the customs tests: the demo tariff and the demo exchange rates (our own fixture files)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cpass.core.actor import Actor
from cpass.fx.demo import load_demo as load_demo_rates
from cpass.organizations.models import Enterprise
from cpass.reference import selectors as reference_selectors
from cpass.tariff.demo import load_demo as load_demo_tariff


@pytest.fixture(autouse=True)
def _fresh_code_cache() -> Iterator[None]:
    reference_selectors._cache.clear()
    reference_selectors._local.dirty = False
    yield
    reference_selectors._cache.clear()
    reference_selectors._local.dirty = False


@pytest.fixture
def demo(db: None) -> None:
    """China's demo tariff (2025 lines) and demo customs rates for every Wednesday of 2026."""
    load_demo_tariff()
    load_demo_rates()


@pytest.fixture
def actor(owner: Any, enterprise: Enterprise, make_actor: Callable[..., Actor]) -> Actor:
    """The owner of `enterprise` acting in it."""
    return make_actor(owner, enterprise)
