"""The Actor and the fail-closed TenantQuerySet: scoping, partner grants, role caps, token scopes."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cpass.accounts.tests.factories import UserFactory
from cpass.core.actor import Actor
from cpass.core.models import UnscopedQueryError
from cpass.documents.models import Document
from cpass.documents.tests.factories import DocumentFactory
from cpass.organizations.choices import Access
from cpass.organizations.models import Enterprise
from cpass.organizations.tests.factories import PartnerGrantFactory


@pytest.fixture
def own_doc(enterprise: Enterprise) -> Document:
    return DocumentFactory.create(enterprise=enterprise, title="Own invoice")


@pytest.fixture
def foreign_doc(other_enterprise: Enterprise) -> Document:
    return DocumentFactory.create(enterprise=other_enterprise, title="Foreign invoice")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "evaluate",
    [
        list,
        len,
        lambda qs: qs.count(),
        lambda qs: qs.exists(),
        lambda qs: qs.first(),
        lambda qs: qs.get(pk=1),
        lambda qs: list(qs.iterator()),
        lambda qs: qs.aggregate(),
        lambda qs: qs.update(title="x"),
        lambda qs: qs.delete(),
        lambda qs: list(qs.filter(title="x").order_by("pk")),
    ],
)
def test_unscoped_evaluation_raises(evaluate) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnscopedQueryError):
        evaluate(Document.objects.all())


def test_explicit_unscoped_runs(own_doc: Document, foreign_doc: Document) -> None:
    assert Document.objects.unscoped().count() == 2


def test_scope_survives_chaining(make_actor, owner, own_doc: Document) -> None:  # type: ignore[no-untyped-def]
    scoped = Document.objects.for_actor(make_actor(owner), "read")
    assert list(scoped.filter(title="Own invoice").order_by("pk").values_list("title", flat=True)) == ["Own invoice"]


def test_for_actor_sees_only_own_enterprise(make_actor, owner, own_doc, foreign_doc) -> None:  # type: ignore[no-untyped-def]
    actor = make_actor(owner)
    assert list(Document.objects.for_actor(actor, "read")) == [own_doc]
    assert not Document.objects.for_actor(actor, "read").filter(pk=foreign_doc.pk).exists()


def test_actor_without_enterprise_sees_nothing(make_actor, own_doc) -> None:  # type: ignore[no-untyped-def]
    actor = make_actor(UserFactory.create())
    assert actor.enterprise is None
    assert Document.objects.for_actor(actor, "read").count() == 0


def test_read_grant_allows_read_not_write(  # type: ignore[no-untyped-def]
    make_actor, owner, enterprise, other_enterprise, own_doc, foreign_doc
) -> None:
    PartnerGrantFactory.create(grantor=other_enterprise, grantee=enterprise, module="documents", access=Access.READ)
    actor = make_actor(owner)
    assert set(Document.objects.for_actor(actor, "read")) == {own_doc, foreign_doc}
    assert set(Document.objects.for_actor(actor, "write")) == {own_doc}


def test_write_grant_allows_write(  # type: ignore[no-untyped-def]
    make_actor, owner, enterprise, other_enterprise, own_doc, foreign_doc
) -> None:
    PartnerGrantFactory.create(grantor=other_enterprise, grantee=enterprise, module="documents", access=Access.WRITE)
    actor = make_actor(owner)
    assert set(Document.objects.for_actor(actor, "write")) == {own_doc, foreign_doc}


def test_grant_for_another_module_gives_nothing(  # type: ignore[no-untyped-def]
    make_actor, owner, enterprise, other_enterprise, own_doc, foreign_doc
) -> None:
    PartnerGrantFactory.create(grantor=other_enterprise, grantee=enterprise, module="shipments", access=Access.WRITE)
    assert set(Document.objects.for_actor(make_actor(owner), "read")) == {own_doc}


def test_revoked_grant_gives_nothing(  # type: ignore[no-untyped-def]
    make_actor, owner, enterprise, other_enterprise, own_doc, foreign_doc
) -> None:
    PartnerGrantFactory.create(
        grantor=other_enterprise, grantee=enterprise, module="documents", access=Access.READ, revoked_at=timezone.now()
    )
    assert set(Document.objects.for_actor(make_actor(owner), "read")) == {own_doc}


def test_viewer_role_caps_write(make_actor, make_member, enterprise, own_doc) -> None:  # type: ignore[no-untyped-def]
    viewer = make_member(enterprise, "viewer").user
    actor = make_actor(viewer, enterprise)
    assert list(Document.objects.for_actor(actor, "read")) == [own_doc]
    assert list(Document.objects.for_actor(actor, "write")) == []


def test_grant_does_not_lift_the_role_cap(  # type: ignore[no-untyped-def]
    make_actor, make_member, enterprise, other_enterprise, foreign_doc
) -> None:
    PartnerGrantFactory.create(grantor=other_enterprise, grantee=enterprise, module="documents", access=Access.WRITE)
    viewer = make_member(enterprise, "viewer").user
    assert list(Document.objects.for_actor(make_actor(viewer, enterprise), "write")) == []


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("owner", {"read", "write", "manage", "own"}),
        ("admin", {"read", "write", "manage"}),
        ("operator", {"read", "write"}),
        ("viewer", {"read"}),
    ],
)
def test_role_actions(make_actor, make_member, enterprise, role: str, allowed: set[str]) -> None:  # type: ignore[no-untyped-def]
    actor: Actor = make_actor(make_member(enterprise, role).user, enterprise)
    assert {a for a in ("read", "write", "manage", "own") if actor.role_allows(a)} == allowed


def test_token_scope_read_allows_read_only(make_actor, owner, enterprise, own_doc) -> None:  # type: ignore[no-untyped-def]
    actor = make_actor(owner, enterprise, scopes=frozenset({"documents:read"}))
    assert list(Document.objects.for_actor(actor, "read")) == [own_doc]
    assert list(Document.objects.for_actor(actor, "write")) == []
    assert actor.can("documents", "read")
    assert not actor.can("documents", "write")


def test_token_scope_write_implies_read(make_actor, owner, enterprise, own_doc) -> None:  # type: ignore[no-untyped-def]
    actor = make_actor(owner, enterprise, scopes=frozenset({"documents:write"}))
    assert list(Document.objects.for_actor(actor, "read")) == [own_doc]
    assert list(Document.objects.for_actor(actor, "write")) == [own_doc]


def test_token_without_module_scope_sees_nothing(make_actor, owner, enterprise, own_doc) -> None:  # type: ignore[no-untyped-def]
    actor = make_actor(owner, enterprise, scopes=frozenset({"audit:read"}))
    assert Document.objects.for_actor(actor, "read").count() == 0


def test_token_of_former_member_acts_from_nowhere(make_actor, owner, other_enterprise) -> None:  # type: ignore[no-untyped-def]
    actor = make_actor(owner, other_enterprise, scopes=frozenset({"documents:read"}))
    assert (actor.enterprise, actor.role) == (None, None)
    assert actor.enterprise_ids_for("documents", "read") == []


def test_session_actor_falls_back_to_a_membership(make_actor, owner, enterprise, other_enterprise) -> None:  # type: ignore[no-untyped-def]
    assert make_actor(owner, other_enterprise).enterprise == enterprise
