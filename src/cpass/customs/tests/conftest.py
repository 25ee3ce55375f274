"""Fixtures of the customs tests: the demo tariff and the demo exchange rates (our own fixture files), a sandbox
customs that answers at once, and validation rules that pass."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cpass.core.actor import Actor
from cpass.customs.rules.engine import ValidationReport
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


@pytest.fixture
def quick_sandbox(settings: Any) -> Any:
    """The sandbox customs answers at once (Huey runs tasks immediately in tests) and inspects nothing."""
    settings.CPASS_SANDBOX_GATEWAY_DELAYS = [0]
    settings.CPASS_SANDBOX_INSPECTION_RATE = 0
    return settings


@pytest.fixture
def rules_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Our validation rules answer "no errors", for submitting and for the sandbox, whose own checks then decide
    (the rules are tested apart)."""
    for where in ("cpass.customs.rules.validate_declaration", "cpass.customs.services.validate_declaration"):
        monkeypatch.setattr(where, lambda declaration, on=None: ValidationReport())
