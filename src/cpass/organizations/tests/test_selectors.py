from __future__ import annotations

import pytest
from django.utils import timezone

from cpass.core.errors import NotFound, PermissionDenied
from cpass.organizations import selectors
from cpass.organizations.tests.factories import PartnerGrantFactory

pytestmark = pytest.mark.django_db


def test_actor_in_enterprise_switches_to_a_membership(enterprise, other_enterprise, make_member, make_actor):
    user = make_member(enterprise, "viewer").user
    make_member(other_enterprise, "admin", user=user)
    actor = selectors.actor_in_enterprise(actor=make_actor(user, enterprise), enterprise_id=other_enterprise.pk)
    assert (actor.enterprise_id, actor.role) == (other_enterprise.pk, "admin")


def test_actor_in_enterprise_hides_foreign_enterprises(enterprise, other_enterprise, owner, make_actor):
    with pytest.raises(NotFound):
        selectors.actor_in_enterprise(actor=make_actor(owner, enterprise), enterprise_id=other_enterprise.pk)


def test_token_actor_is_bound_to_its_enterprise(enterprise, other_enterprise, make_member, make_actor):
    user = make_member(enterprise, "owner").user
    make_member(other_enterprise, "owner", user=user)
    actor = make_actor(user, enterprise, scopes=frozenset({"organization:write"}))
    with pytest.raises(NotFound):
        selectors.actor_in_enterprise(actor=actor, enterprise_id=other_enterprise.pk)


def test_require_checks_role_and_token_scope(enterprise, make_member, make_actor):
    owner = make_member(enterprise, "owner").user
    assert selectors.require(make_actor(owner, enterprise), "own") == enterprise
    with pytest.raises(PermissionDenied, match="lacks the organization scope"):
        selectors.require(make_actor(owner, enterprise, scopes=frozenset({"organization:read"})), "manage")
    assert (
        selectors.require(make_actor(owner, enterprise, scopes=frozenset({"organization:read"})), "read") == enterprise
    )


def test_memberships_are_listed_owner_first(enterprise, other_enterprise, make_member, make_actor):
    viewer = make_member(enterprise, "viewer")
    owner = make_member(enterprise, "owner")
    admin = make_member(enterprise, "admin")
    make_member(other_enterprise, "operator")
    rows = list(selectors.enterprise_memberships(actor=make_actor(viewer.user, enterprise)))
    assert [m.pk for m in rows] == [owner.pk, admin.pk, viewer.pk]


def test_invitations_need_manage(enterprise, make_member, make_actor):
    viewer = make_member(enterprise, "viewer").user
    with pytest.raises(PermissionDenied):
        selectors.enterprise_invitations(actor=make_actor(viewer, enterprise))


def test_grants_given_and_received_exclude_revoked_and_foreign(enterprise, other_enterprise, owner, make_actor):
    given = PartnerGrantFactory.create(grantor=enterprise, grantee=other_enterprise)
    PartnerGrantFactory.create(grantor=enterprise, revoked_at=timezone.now())
    received = PartnerGrantFactory.create(grantee=enterprise)
    PartnerGrantFactory.create()  # between two other enterprises
    actor = make_actor(owner, enterprise)
    assert list(selectors.grants_given(actor=actor)) == [given]
    assert list(selectors.grants_received(actor=actor)) == [received]
