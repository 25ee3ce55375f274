"""Change capture: every save and delete of an audited model writes one exact ObjectChange."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction

from cpass.accounts.models import ApiToken, User
from cpass.accounts.tests.factories import UserFactory, make_api_token
from cpass.audit.models import ObjectChange
from cpass.core import context
from cpass.documents.models import Document
from cpass.documents.tests.factories import DocumentFactory
from cpass.organizations.models import Enterprise, Membership
from cpass.organizations.tests.factories import EnterpriseFactory, PartnerGrantFactory

pytestmark = pytest.mark.django_db


def _changes(model: type, pk: object) -> list[ObjectChange]:
    ct = ContentType.objects.get_for_model(model)
    return list(ObjectChange.objects.filter(content_type=ct, object_id=str(pk)).order_by("id"))


def test_create_records_all_fields_with_actor(owner: User, enterprise: Enterprise) -> None:
    with context.acting_as(owner.pk, enterprise.pk):
        token = context.request_id.set("req-12345678")
        try:
            doc = DocumentFactory.create(enterprise=enterprise, title="Invoice 7")
        finally:
            context.request_id.reset(token)
    [change] = _changes(Document, doc.pk)
    assert change.action == "create"
    assert (change.user_id, change.user_repr) == (owner.pk, f"{owner.name} <{owner.email}>")
    assert (change.enterprise_id, change.actor_enterprise_id, change.request_id) == (
        enterprise.pk,
        enterprise.pk,
        "req-12345678",
    )
    assert change.object_repr == "Invoice 7"
    assert change.before is None
    assert change.after["title"] == "Invoice 7"
    assert change.after["enterprise"] == enterprise.pk
    assert change.after["file"] == doc.file.name
    assert change.after["created_at"] == doc.created_at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert "updated_at" not in change.after


def test_update_records_only_changed_fields(enterprise: Enterprise) -> None:
    doc = DocumentFactory.create(enterprise=enterprise, title="Old", description="same")
    doc.title = "New"
    doc.save()
    changes = _changes(Document, doc.pk)
    assert [c.action for c in changes] == ["create", "update"]
    assert (changes[1].before, changes[1].after) == ({"title": "Old"}, {"title": "New"})


def test_save_without_change_writes_nothing(enterprise: Enterprise) -> None:
    doc = DocumentFactory.create(enterprise=enterprise)
    doc.save()
    assert [c.action for c in _changes(Document, doc.pk)] == ["create"]


def test_update_fields_limits_the_comparison(enterprise: Enterprise) -> None:
    doc = DocumentFactory.create(enterprise=enterprise, title="A", description="x")
    doc.title = "B"
    doc.description = "not saved"
    doc.save(update_fields=["title"])
    assert _changes(Document, doc.pk)[-1].after == {"title": "B"}


def test_delete_records_before(enterprise: Enterprise) -> None:
    doc = DocumentFactory.create(enterprise=enterprise, title="Gone")
    pk = doc.pk
    Document.objects.unscoped().filter(pk=pk).get().delete()
    change = _changes(Document, pk)[-1]
    assert change.action == "delete"
    assert change.after is None
    assert change.before["title"] == "Gone"
    assert change.enterprise_id == enterprise.pk


def test_user_secrets_are_excluded() -> None:
    user = UserFactory.create()
    user.set_password("another-password-42")
    user.save()
    changes = _changes(User, user.pk)
    assert [c.action for c in changes] == ["create"]
    assert "password" not in changes[0].after
    assert "last_login" not in changes[0].after
    assert changes[0].enterprise_id is None


def test_user_change_is_user_owned() -> None:
    user = UserFactory.create(name="Li Lei")
    user.name = "Li Lei (Logistics)"
    user.save()
    change = _changes(User, user.pk)[-1]
    assert (change.before, change.after, change.enterprise_id) == (
        {"name": "Li Lei"},
        {"name": "Li Lei (Logistics)"},
        None,
    )


def test_api_token_hash_excluded(owner: User, enterprise: Enterprise) -> None:
    make_api_token(owner, enterprise)
    token = ApiToken.objects.get()
    [change] = _changes(ApiToken, token.pk)
    assert "token_hash" not in change.after
    assert "last_used_at" not in change.after
    assert change.after["user"] == owner.pk
    assert change.enterprise_id is None


def test_tenants_of_organization_rows(enterprise: Enterprise, other_enterprise: Enterprise, owner: User) -> None:
    membership = Membership.objects.get(user=owner)
    grant = PartnerGrantFactory.create(grantor=enterprise, grantee=other_enterprise)
    assert _changes(Enterprise, enterprise.pk)[0].enterprise_id == enterprise.pk
    assert _changes(Membership, membership.pk)[0].enterprise_id == enterprise.pk
    assert _changes(type(grant), grant.pk)[0].enterprise_id == enterprise.pk


def test_system_change_has_no_actor(enterprise: Enterprise) -> None:
    doc = DocumentFactory.create(enterprise=enterprise)
    [change] = _changes(Document, doc.pk)
    assert (change.user_id, change.user_repr, change.actor_enterprise_id) == (None, "", None)


def test_rollback_discards_the_change(enterprise: Enterprise) -> None:
    def create_then_fail() -> None:
        with transaction.atomic():
            DocumentFactory.create(enterprise=enterprise, title="Never")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        create_then_fail()
    assert not ObjectChange.objects.filter(object_repr="Never").exists()


def test_deleting_an_enterprise_with_its_members_is_recorded(make_member) -> None:  # type: ignore[no-untyped-def]
    doomed = EnterpriseFactory.create(name="Doomed Ltd.")
    member = make_member(doomed, "owner")
    doomed_pk = doomed.pk
    with context.acting_as(member.user_id, doomed.pk):
        doomed.delete()
    membership_delete = _changes(Membership, member.pk)[-1]
    enterprise_delete = _changes(Enterprise, doomed_pk)[-1]
    assert (membership_delete.action, enterprise_delete.action) == ("delete", "delete")
    # The enterprise row is gone, so the change rows keep no link to it (SET_NULL semantics).
    assert (enterprise_delete.enterprise_id, enterprise_delete.actor_enterprise_id) == (None, None)
    assert membership_delete.enterprise_id is None
    assert enterprise_delete.before["name"] == "Doomed Ltd."


def test_user_deleting_own_account_is_recorded() -> None:
    user = UserFactory.create(name="Han Meimei")
    pk = user.pk
    with context.acting_as(pk, None):
        user.delete()
    change = _changes(User, pk)[-1]
    assert (change.action, change.user_id, change.user_repr) == ("delete", None, f"Han Meimei <{user.email}>")


def test_deleting_a_person_later_clears_their_name_from_past_changes(enterprise: Enterprise) -> None:
    """The log's references have no database constraint (decision 0002): Django's SET_NULL keeps them true."""
    clerk = UserFactory.create(name="Li Lei")
    with context.acting_as(clerk.pk, enterprise.pk):
        doc = DocumentFactory.create(enterprise=enterprise, title="Packing list 3")
    [created] = _changes(Document, doc.pk)
    assert created.user_id == clerk.pk
    clerk.delete()
    created.refresh_from_db()
    assert (created.user_id, created.user_repr) == (None, f"Li Lei <{clerk.email}>")


def test_capture_in_a_management_command(enterprise: Enterprise) -> None:
    """Code outside any request (commands, Huey tasks) is captured with no actor: "system"."""
    script = (
        "from cpass.organizations.models import Enterprise\n"
        f"e = Enterprise.objects.get(pk={enterprise.pk})\n"
        "e.phone = '+86 21 5555 0000'\n"
        "e.save()\n"
    )
    call_command("shell", command=script)
    change = _changes(Enterprise, enterprise.pk)[-1]
    assert (change.action, change.after, change.user_id) == ("update", {"phone": "+86 21 5555 0000"}, None)
