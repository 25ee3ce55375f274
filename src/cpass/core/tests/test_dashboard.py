"""The dashboard counts only what the actor may see, and points at what needs a person."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from cpass.accounts.models import User
from cpass.customs.tests.factories import DeclarationFactory
from cpass.organizations.models import Enterprise, Membership
from cpass.organizations.tests.factories import PartnerGrantFactory
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


def test_declarations_card_points_at_what_customs_is_waiting_for(
    login: Callable[[User], Client],
    enterprise: Enterprise,
    other_enterprise: Enterprise,
    make_member: Callable[..., Membership],
) -> None:
    for status in ("draft", "returned", "inspection", "inspection", "assessed", "closed", "cancelled"):
        DeclarationFactory(enterprise=enterprise, status=status)
    DeclarationFactory.create_batch(2, enterprise=other_enterprise, status="returned")

    client = login(make_member(enterprise, "viewer").user)
    body = client.get(reverse("core:dashboard")).content.decode()
    card = body.split('data-testid="dashboard-declarations"')[1].split('<div class="card"')[0]

    assert '<div class="stat">5</div>' in card
    assert "1 returned by customs" in card
    assert "2 held for inspection" in card
    assert "1 with duties to pay" in card
    assert f"{reverse('customs:declaration_list')}?status=returned" in card
    chinese = client.get(reverse("core:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "2 份查验中" in chinese


def test_partner_access_is_listed_once_per_partner(
    login: Callable[[User], Client],
    enterprise: Enterprise,
    other_enterprise: Enterprise,
    make_member: Callable[..., Membership],
) -> None:
    for module in ("customs", "shipments"):
        PartnerGrantFactory(grantor=enterprise, grantee=other_enterprise, module=module)
    client = login(make_member(enterprise, "owner").user)
    body = client.get(reverse("core:dashboard")).content.decode()
    assert body.count(f"<div>{other_enterprise.name}</div>") == 1
