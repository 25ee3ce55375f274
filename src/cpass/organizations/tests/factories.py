from __future__ import annotations

import factory
from stdnum.cn import uscc

from cpass.accounts.tests.factories import UserFactory
from cpass.organizations.choices import Access, EnterpriseKind, Role
from cpass.organizations.models import Enterprise, Membership, PartnerGrant


def make_uscc(n: int) -> str:
    """A valid unified social credit code (check digit computed by python-stdnum)."""
    body = f"91310000MA{n:07d}"
    return body + uscc.calc_check_digit(body)


class EnterpriseFactory(factory.django.DjangoModelFactory[Enterprise]):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"Enterprise {n} Co., Ltd.")
    kind = EnterpriseKind.TRADER
    uscc = factory.Sequence(make_uscc)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    enterprise = factory.SubFactory(EnterpriseFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.OPERATOR


class PartnerGrantFactory(factory.django.DjangoModelFactory[PartnerGrant]):
    class Meta:
        model = PartnerGrant

    grantor = factory.SubFactory(EnterpriseFactory)
    grantee = factory.SubFactory(EnterpriseFactory, kind=EnterpriseKind.CUSTOMS_BROKER)
    module = "documents"
    access = Access.READ
