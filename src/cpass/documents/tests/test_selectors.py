from __future__ import annotations

import pytest
from django.utils import timezone

from cpass.core.errors import NotFound, ValidationFailed
from cpass.documents import selectors
from cpass.documents.tests.factories import DocumentFactory
from cpass.organizations.tests.factories import EnterpriseFactory, PartnerGrantFactory

pytestmark = pytest.mark.django_db


def test_other_tenants_documents_are_invisible(enterprise, other_enterprise, owner, make_actor):
    own = DocumentFactory.create(enterprise=enterprise)
    foreign = DocumentFactory.create(enterprise=other_enterprise)
    actor = make_actor(owner, enterprise)
    assert list(selectors.document_list(actor=actor)) == [own]
    with pytest.raises(NotFound):
        selectors.document_get(actor=actor, document_id=foreign.pk)


def test_partner_sees_granted_clients_documents(enterprise, other_enterprise, make_member, make_actor):
    client_doc = DocumentFactory.create(enterprise=other_enterprise, title="Client invoice")
    own = DocumentFactory.create(enterprise=enterprise, title="Own invoice")
    DocumentFactory.create(enterprise=EnterpriseFactory.create())
    PartnerGrantFactory.create(grantor=other_enterprise, grantee=enterprise, access="read")
    viewer = make_actor(make_member(enterprise, "viewer").user, enterprise)
    assert {d.pk for d in selectors.document_list(actor=viewer)} == {client_doc.pk, own.pk}
    assert [d.pk for d in selectors.document_list(actor=viewer, enterprise_id=other_enterprise.pk)] == [client_doc.pk]
    assert list(selectors.readable_enterprises(actor=viewer)) == sorted(
        [enterprise, other_enterprise], key=lambda e: e.name
    )


def test_read_grant_does_not_allow_write(enterprise, other_enterprise, make_member, make_actor):
    PartnerGrantFactory.create(grantor=other_enterprise, grantee=enterprise, access="read")
    operator = make_actor(make_member(enterprise, "operator").user, enterprise)
    assert list(selectors.writable_enterprises(actor=operator)) == [enterprise]


def test_write_grant_is_capped_by_partner_role(enterprise, other_enterprise, make_member, make_actor):
    PartnerGrantFactory.create(grantor=other_enterprise, grantee=enterprise, access="write")
    operator = make_actor(make_member(enterprise, "operator").user, enterprise)
    viewer = make_actor(make_member(enterprise, "viewer").user, enterprise)
    assert set(selectors.writable_enterprises(actor=operator)) == {enterprise, other_enterprise}
    assert list(selectors.writable_enterprises(actor=viewer)) == []


def test_revoked_grant_hides_documents(enterprise, other_enterprise, make_member, make_actor):
    doc = DocumentFactory.create(enterprise=other_enterprise)
    PartnerGrantFactory.create(grantor=other_enterprise, grantee=enterprise, access="read", revoked_at=timezone.now())
    actor = make_actor(make_member(enterprise, "admin").user, enterprise)
    assert list(selectors.document_list(actor=actor)) == []
    with pytest.raises(NotFound):
        selectors.document_get(actor=actor, document_id=doc.pk)


def test_filters_and_ordering(enterprise, owner, make_actor):
    a = DocumentFactory.create(enterprise=enterprise, title="Alpha contract", category="contract")
    b = DocumentFactory.create(enterprise=enterprise, title="Beta invoice", description="for the alpha order")
    c = DocumentFactory.create(enterprise=enterprise, title="Gamma", category="other")
    actor = make_actor(owner, enterprise)
    assert [d.pk for d in selectors.document_list(actor=actor, q="ALPHA", ordering="title")] == [a.pk, b.pk]
    assert [d.pk for d in selectors.document_list(actor=actor, category="other")] == [c.pk]
    assert [d.pk for d in selectors.document_list(actor=actor, ordering="-title")] == [c.pk, b.pk, a.pk]
    with pytest.raises(ValidationFailed):
        list(selectors.document_list(actor=actor, ordering="sha256"))


def test_token_without_documents_scope_sees_nothing(enterprise, owner, make_actor):
    DocumentFactory.create(enterprise=enterprise)
    actor = make_actor(owner, enterprise, scopes=frozenset({"organization:read"}))
    assert list(selectors.document_list(actor=actor)) == []
