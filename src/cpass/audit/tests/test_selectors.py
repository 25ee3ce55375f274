"""Who sees which change-log and access-log rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from cpass.accounts.models import ApiToken, User
from cpass.accounts.tests.factories import UserFactory, make_api_token
from cpass.audit.models import AccessLog, ChangeAction, ObjectChange
from cpass.audit.selectors import (
    audited_object_for,
    changes_with_fields,
    enterprise_changes,
    field_changes,
    my_access_log,
    my_changes,
    object_history,
)
from cpass.core.errors import NotFound
from cpass.documents.models import Document
from cpass.documents.tests.factories import DocumentFactory
from cpass.organizations.models import Enterprise
from cpass.organizations.tests.factories import PartnerGrantFactory
from cpass.parties.tests.factories import PartyFactory
from cpass.products.tests.factories import ProductFactory


def _log(user_id: int | None, path: str, days_ago: int = 0) -> AccessLog:
    return AccessLog.objects.create(
        time=timezone.now() - timedelta(days=days_ago),
        method="GET",
        path=path,
        status=200,
        user_id=user_id,
        duration_ms=3,
    )


def test_object_history_newest_first(enterprise: Enterprise) -> None:
    doc = DocumentFactory.create(enterprise=enterprise, title="v1")
    doc.title = "v2"
    doc.save()
    assert [c.action for c in object_history(obj=doc)] == ["update", "create"]


def test_enterprise_changes_only_own_tenant(make_actor, owner, enterprise, other_enterprise) -> None:  # type: ignore[no-untyped-def]
    mine = DocumentFactory.create(enterprise=enterprise)
    DocumentFactory.create(enterprise=other_enterprise)
    changes = enterprise_changes(actor=make_actor(owner), object_type="documents.document")
    assert [c.object_id for c in changes] == [str(mine.pk)]


@pytest.mark.parametrize("role", ["operator", "viewer"])
def test_enterprise_changes_not_for_non_admins(make_actor, make_member, enterprise, role) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        enterprise_changes(actor=make_actor(make_member(enterprise, role).user, enterprise))


def test_enterprise_changes_for_admin(make_actor, make_member, enterprise) -> None:  # type: ignore[no-untyped-def]
    admin = make_member(enterprise, "admin").user
    doc = DocumentFactory.create(enterprise=enterprise)
    changes = enterprise_changes(actor=make_actor(admin, enterprise), object_type="documents.document")
    assert [c.object_id for c in changes] == [str(doc.pk)]


def test_enterprise_changes_filters(make_actor, owner, enterprise) -> None:  # type: ignore[no-untyped-def]
    doc = DocumentFactory.create(enterprise=enterprise)
    actor = make_actor(owner)
    now = timezone.now()
    assert enterprise_changes(actor=actor, object_type="documents.document", object_id=str(doc.pk)).count() == 1
    assert enterprise_changes(actor=actor, object_type="no.such").count() == 0
    assert (
        enterprise_changes(actor=actor, object_type="documents.document", since=now + timedelta(minutes=1)).count() == 0
    )
    assert (
        enterprise_changes(actor=actor, object_type="documents.document", until=now - timedelta(minutes=1)).count() == 0
    )
    assert enterprise_changes(actor=actor, user_id=owner.pk).count() == 0


def test_token_without_audit_scope_gets_not_found(make_actor, owner, enterprise) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        enterprise_changes(actor=make_actor(owner, enterprise, scopes=frozenset({"documents:read"})))


def test_my_access_log_only_mine(owner: User) -> None:
    mine = _log(owner.pk, "/dashboard/")
    _log(None, "/")
    _log(UserFactory.create().pk, "/other/")
    assert list(my_access_log(user=owner)) == [mine]


def test_my_changes_covers_account_and_tokens(owner: User, enterprise: Enterprise) -> None:
    make_api_token(owner, enterprise)
    make_api_token(UserFactory.create(), enterprise)
    owner.name = "Renamed"
    owner.save()
    rows = [(c.content_type.model, c.action) for c in my_changes(user=owner)]
    assert sorted(rows) == [("apitoken", "create"), ("user", "create"), ("user", "update")]


def test_my_changes_keeps_deleted_tokens(owner: User, enterprise: Enterprise) -> None:
    make_api_token(owner, enterprise)
    ApiToken.objects.get().delete()
    assert sorted(c.action for c in my_changes(user=owner) if c.content_type.model == "apitoken") == [
        "create",
        "delete",
    ]


def test_audited_object_for_tenant_rows(make_actor, owner, enterprise, other_enterprise) -> None:  # type: ignore[no-untyped-def]
    mine = DocumentFactory.create(enterprise=enterprise)
    theirs = DocumentFactory.create(enterprise=other_enterprise)
    actor = make_actor(owner)
    assert audited_object_for(actor=actor, object_type="documents.document", object_id=str(mine.pk)) == mine
    with pytest.raises(NotFound):
        audited_object_for(actor=actor, object_type="documents.document", object_id=str(theirs.pk))


def test_audited_object_for_partner_grant(make_actor, owner, enterprise, other_enterprise) -> None:  # type: ignore[no-untyped-def]
    theirs = DocumentFactory.create(enterprise=other_enterprise)
    PartnerGrantFactory.create(grantor=other_enterprise, grantee=enterprise, module="documents")
    actor = make_actor(owner)
    assert audited_object_for(actor=actor, object_type="documents.document", object_id=str(theirs.pk)) == theirs


@pytest.mark.parametrize(
    ("object_type", "object_id"),
    [("documents.document", "abc"), ("nope.model", "1"), ("audit.objectchange", "1"), ("documents.document", "999999")],
)
def test_audited_object_for_unknown_is_not_found(make_actor, owner, object_type, object_id) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        audited_object_for(actor=make_actor(owner), object_type=object_type, object_id=object_id)


def test_audited_object_for_enterprise_by_membership(make_actor, owner, enterprise, other_enterprise) -> None:  # type: ignore[no-untyped-def]
    actor = make_actor(owner)
    assert (
        audited_object_for(actor=actor, object_type="organizations.enterprise", object_id=str(enterprise.pk))
        == enterprise
    )
    with pytest.raises(NotFound):
        audited_object_for(actor=actor, object_type="organizations.enterprise", object_id=str(other_enterprise.pk))


def test_audited_object_for_membership_needs_manage(make_actor, make_member, enterprise) -> None:  # type: ignore[no-untyped-def]
    member = make_member(enterprise, "operator")
    admin = make_member(enterprise, "admin")
    assert (
        audited_object_for(
            actor=make_actor(admin.user, enterprise), object_type="organizations.membership", object_id=str(member.pk)
        )
        == member
    )
    with pytest.raises(NotFound):
        audited_object_for(
            actor=make_actor(member.user, enterprise), object_type="organizations.membership", object_id=str(admin.pk)
        )


def test_audited_object_for_user_only_self(make_actor, owner) -> None:  # type: ignore[no-untyped-def]
    actor = make_actor(owner)
    assert audited_object_for(actor=actor, object_type="accounts.user", object_id=str(owner.pk)) == owner
    with pytest.raises(NotFound):
        audited_object_for(actor=actor, object_type="accounts.user", object_id=str(UserFactory.create().pk))


def test_field_changes_labels_and_choices(enterprise: Enterprise) -> None:
    doc = DocumentFactory.create(enterprise=enterprise, title="A", category="invoice")
    doc.title = "B"
    doc.category = "contract"
    doc.save()
    change = object_history(obj=doc).first()
    assert change is not None
    rows = [(str(r.label), r.before, r.after) for r in field_changes(change)]
    assert rows == [("category", "Commercial invoice", "Contract"), ("title", "A", "B")]


def test_codes_in_a_json_list_and_mappings_read_by_label(enterprise: Enterprise) -> None:
    party = PartyFactory.create(enterprise=enterprise, roles=["consignee"])
    party.roles = ["consignee", "manufacturer"]
    party.save()
    change = object_history(obj=party).first()
    assert change is not None
    with translation.override("zh-hans"):
        roles = next(row for row in field_changes(change) if row.name == "roles")
        assert (roles.before, roles.after) == ("收货人", "收货人, 生产商")
    product = ProductFactory.create(enterprise=enterprise)
    product.element_values = {"brand_type": "4", "brand": "ACME"}
    product.save()
    change = object_history(obj=product).first()
    assert change is not None
    elements = next(row for row in field_changes(change) if row.name == "element_values")
    assert (elements.before, elements.after) == ("—", "brand: ACME; brand_type: 4")


def test_document_row_is_scoped_when_resolved(make_actor, owner, enterprise) -> None:  # type: ignore[no-untyped-def]
    doc = DocumentFactory.create(enterprise=enterprise)
    assert isinstance(
        audited_object_for(actor=make_actor(owner), object_type="DOCUMENTS.Document", object_id=str(doc.pk)), Document
    )


def test_foreign_keys_read_as_the_rows_they_name_in_one_query_per_model(
    enterprise: Enterprise, owner: User, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for n in range(20):
        DocumentFactory.create(enterprise=enterprise, title=f"doc {n}", uploaded_by=owner)
    changes = list(ObjectChange.objects.filter(enterprise=enterprise).select_related("content_type"))
    with django_assert_max_num_queries(3):  # content types are cached; the enterprise and the user, once each
        pairs = changes_with_fields(changes)
    shown = {field.name: field.after for field in pairs[0][1]}
    assert shown["enterprise"] == enterprise.name
    assert shown["uploaded_by"] == str(owner)


def test_another_enterprises_row_or_a_deleted_one_shows_only_its_id(
    enterprise: Enterprise, other_enterprise: Enterprise
) -> None:
    from django.contrib.contenttypes.models import ContentType

    from cpass.shipments.models import Milestone
    from cpass.shipments.tests.factories import ShipmentFactory

    mine = ShipmentFactory.create(enterprise=enterprise)
    theirs = ShipmentFactory.create(enterprise=other_enterprise)
    kind = ContentType.objects.get_for_model(Milestone)

    def logged(after: dict[str, object]) -> ObjectChange:
        return ObjectChange.objects.create(
            enterprise=enterprise,
            action=ChangeAction.CREATE,
            content_type=kind,
            object_id="1",
            object_repr="m",
            after=after,
        )

    changes = [
        logged({"shipment": mine.pk}),
        logged({"shipment": theirs.pk}),
        logged({"shipment": 10**9}),
        logged({"shipment": "not an id"}),
    ]
    shown = [fields[0].after for _change, fields in changes_with_fields(changes)]
    assert shown == [str(mine), str(theirs.pk), str(10**9), "not an id"]
