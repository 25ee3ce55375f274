"""The dashboard counts only what the actor may see, and points at what needs a person."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from cpass.accounts.models import User
from cpass.organizations.models import Enterprise, Membership
from cpass.parties.choices import ScreeningStatus
from cpass.parties.tests.factories import PartyFactory
from cpass.products.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_parties_and_products_cards(
    login: Callable[[User], Client],
    enterprise: Enterprise,
    other_enterprise: Enterprise,
    make_member: Callable[..., Membership],
) -> None:
    PartyFactory(enterprise=enterprise)
    PartyFactory(enterprise=enterprise, screening_status=ScreeningStatus.REVIEW)
    PartyFactory(enterprise=enterprise, is_active=False, screening_status=ScreeningStatus.BLOCKED)
    PartyFactory.create_batch(3, enterprise=other_enterprise, screening_status=ScreeningStatus.REVIEW)
    ProductFactory(enterprise=enterprise, hs_code="8413602100")
    ProductFactory(enterprise=enterprise, hs_code="")
    ProductFactory.create_batch(2, enterprise=other_enterprise, hs_code="")

    client = login(make_member(enterprise, "viewer").user)
    body = client.get(reverse("core:dashboard")).content.decode()

    assert '<div class="stat">2</div>' in body
    assert "1 under review or blocked" in body
    assert reverse("parties:screening") in body
    assert "1 without an HS code" in body
    assert f"{reverse('products:list')}?classified=no" in body


def test_all_clear(
    login: Callable[[User], Client], enterprise: Enterprise, make_member: Callable[..., Membership]
) -> None:
    PartyFactory(enterprise=enterprise)
    ProductFactory(enterprise=enterprise, hs_code="8413602100")
    client = login(make_member(enterprise, "operator").user)
    body = client.get(reverse("core:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert reverse("parties:screening") not in body
    assert "?classified=no" not in body
