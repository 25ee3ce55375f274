from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cpass.accounts.tests.factories import UserFactory
from cpass.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cpass.organizations import services
from cpass.organizations.choices import InvitationStatus
from cpass.organizations.models import Enterprise, Invitation, Membership, PartnerGrant
from cpass.organizations.tests.factories import EnterpriseFactory, PartnerGrantFactory, make_uscc

pytestmark = pytest.mark.django_db


def image_upload(size=(800, 400), fmt="PNG", name="logo.png", content_type="image/png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 92, 171)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def create(user, **overrides):
    values = {"name": "Ningbo Export Co., Ltd.", "kind": "trader", "uscc": make_uscc(900001)}
    values.update(overrides)
    return services.enterprise_create(user=user, **values)


# ---------------------------------------------------------------- enterprises


def test_enterprise_create_makes_creator_owner_and_normalises_fields():
    user = UserFactory.create()
    enterprise = create(
        user,
        uscc=make_uscc(900001).lower()[:9] + " " + make_uscc(900001)[9:],
        customs_code="3105968abc",
        phone="021 6123 4567",
    )
    assert enterprise.uscc == make_uscc(900001)
    assert enterprise.customs_code == "3105968ABC"
    assert enterprise.phone == "+862161234567"
    assert enterprise.created_by == user
    assert list(Membership.objects.filter(enterprise=enterprise).values_list("user_id", "role")) == [(user.pk, "owner")]


def test_enterprise_create_refuses_unverified_user():
    user = UserFactory.create(email_verified_at=None)
    with pytest.raises(PermissionDenied, match="Verify your e-mail"):
        create(user)
    assert Enterprise.objects.count() == 0


@pytest.mark.parametrize(
    ("uscc", "message"),
    [
        ("", "Enter the 18-character unified social credit code."),
        ("91310000MA12345", "A unified social credit code has 18 characters; this one has 15."),
        (
            make_uscc(5)[:-1] + ("0" if make_uscc(5)[-1] != "0" else "1"),
            "The check character (the last one) does not match",
        ),
        ("ABCDEFGH1234567890", "This is not a valid unified social credit code"),
    ],
)
def test_enterprise_create_rejects_bad_uscc(uscc, message):
    with pytest.raises(ValidationFailed) as exc:
        create(UserFactory.create(), uscc=uscc)
    assert list(exc.value.errors) == ["uscc"]
    assert str(exc.value.errors["uscc"][0]).startswith(message)


def test_enterprise_create_rejects_registered_uscc(enterprise):
    with pytest.raises(ValidationFailed) as exc:
        create(UserFactory.create(), uscc=enterprise.uscc)
    assert exc.value.errors == {"uscc": ["An enterprise with this unified social credit code is already registered."]}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("customs_code", "12345", "The customs registration code has exactly 10 letters or digits."),
        ("customs_code", "12345-6789", "The customs registration code has exactly 10 letters or digits."),
        ("phone", "12", "This phone number is not valid; include the area code."),
        ("phone", "call me", "Enter a phone number, e.g. 021 6123 4567 or +86 138 0013 8000."),
        ("kind", "pirate", "Choose the type of enterprise from the list."),
        ("name", "  ", "Enter the enterprise's registered name."),
    ],
)
def test_enterprise_create_rejects_bad_fields(field, value, message):
    with pytest.raises(ValidationFailed) as exc:
        create(UserFactory.create(), **{field: value})
    assert {k: [str(m) for m in v] for k, v in exc.value.errors.items()} == {field: [message]}


def test_enterprise_update_by_admin(enterprise, make_member, make_actor):
    admin = make_member(enterprise, "admin").user
    updated = services.enterprise_update(actor=make_actor(admin, enterprise), name="New Name", phone="13800138000")
    assert (updated.name, updated.phone) == ("New Name", "+8613800138000")


def test_enterprise_update_refused_for_operator(enterprise, make_member, make_actor):
    operator = make_member(enterprise, "operator").user
    with pytest.raises(PermissionDenied, match="Only an administrator or the owner"):
        services.enterprise_update(actor=make_actor(operator, enterprise), name="X")


def test_enterprise_update_uscc_must_stay_unique(enterprise, other_enterprise, owner, make_actor):
    with pytest.raises(ValidationFailed, match="already registered"):
        services.enterprise_update(actor=make_actor(owner, enterprise), uscc=other_enterprise.uscc)
    same = services.enterprise_update(actor=make_actor(owner, enterprise), uscc=enterprise.uscc)
    assert same.uscc == enterprise.uscc


# ---------------------------------------------------------------- logo


def test_logo_is_resized_and_stored_as_png(enterprise, owner, make_actor):
    result = services.enterprise_logo_set(
        actor=make_actor(owner, enterprise), upload=image_upload((1024, 256), "JPEG", "l.jpg", "image/jpeg")
    )
    with Image.open(result.logo.open("rb")) as stored:
        assert (stored.format, stored.size) == ("PNG", (512, 128))
    assert result.logo.name.endswith(".png")


def test_logo_replacement_and_removal(enterprise, owner, make_actor, django_capture_on_commit_callbacks):
    actor = make_actor(owner, enterprise)
    first = services.enterprise_logo_set(actor=actor, upload=image_upload()).logo.name
    storage = Enterprise.logo.field.storage
    with django_capture_on_commit_callbacks(execute=True):
        second = services.enterprise_logo_set(actor=actor, upload=image_upload(fmt="GIF", name="a.gif")).logo.name
    assert (storage.exists(first), storage.exists(second)) == (False, True)
    with django_capture_on_commit_callbacks(execute=True):
        removed = services.enterprise_logo_remove(actor=actor)
    assert (removed.logo.name, storage.exists(second)) == ("", False)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.png", b"not an image at all", "image/png"), "This file is not an image."),
        (image_upload(fmt="BMP", name="x.bmp"), "Only JPEG, PNG, WebP and GIF images are accepted."),
        (SimpleUploadedFile("x.png", b"\0" * (5 * 1024 * 1024 + 1), "image/png"), "The logo file is larger than 5 MB."),
    ],
)
def test_logo_refuses_bad_files(enterprise, owner, make_actor, upload, message):
    with pytest.raises(ValidationFailed) as exc:
        services.enterprise_logo_set(actor=make_actor(owner, enterprise), upload=upload)
    assert str(exc.value.errors["logo"][0]).startswith(message)
    enterprise.refresh_from_db()
    assert enterprise.logo.name == ""


@pytest.mark.parametrize(
    ("size", "message"),
    [
        # Beyond Pillow's own bomb threshold: refused while opening.
        ((10000, 10000), "The image is too large to process; use a smaller image."),
        # Under Pillow's threshold but over ours: refused before decoding.
        ((6000, 5000), "The image is 6000 × 5000 pixels, too large to process; use a smaller image."),
    ],
)
def test_logo_refuses_decompression_bombs(enterprise, owner, make_actor, size, message):
    # A 1-bit PNG of millions of blank pixels compresses to a few kilobytes.
    buffer = io.BytesIO()
    Image.new("1", size).save(buffer, format="PNG")
    assert len(buffer.getvalue()) < 100_000
    upload = SimpleUploadedFile("bomb.png", buffer.getvalue(), "image/png")
    with pytest.raises(ValidationFailed) as exc:
        services.enterprise_logo_set(actor=make_actor(owner, enterprise), upload=upload)
    assert {k: [str(m) for m in v] for k, v in exc.value.errors.items()} == {"logo": [message]}


def test_logo_refused_for_operator(enterprise, make_member, make_actor):
    operator = make_member(enterprise, "operator").user
    with pytest.raises(PermissionDenied):
        services.enterprise_logo_set(actor=make_actor(operator, enterprise), upload=image_upload())


# ---------------------------------------------------------------- members


def test_admin_changes_operator_to_viewer(enterprise, make_member, make_actor):
    admin = make_member(enterprise, "admin").user
    member = make_member(enterprise, "operator")
    changed = services.membership_change_role(
        actor=make_actor(admin, enterprise), membership_id=member.pk, role="viewer"
    )
    assert changed.role == "viewer"


@pytest.mark.parametrize(
    ("actor_role", "target_role", "new_role", "error", "message"),
    [
        ("operator", "viewer", "operator", PermissionDenied, "Only an administrator or the owner"),
        ("admin", "admin", "viewer", PermissionDenied, "Only the owner can change or remove an administrator."),
        ("admin", "operator", "admin", PermissionDenied, "Only the owner can make someone an administrator."),
        ("admin", "owner", "viewer", PermissionDenied, "The owner cannot be changed or removed"),
        ("owner", "operator", "owner", ValidationFailed, "There is exactly one owner"),
        ("owner", "operator", "boss", ValidationFailed, "Choose a role"),
    ],
)
def test_membership_change_role_refusals(
    enterprise, make_member, make_actor, actor_role, target_role, new_role, error, message
):
    actor_user = make_member(enterprise, actor_role).user
    target = make_member(enterprise, target_role)
    with pytest.raises(error, match=message):
        services.membership_change_role(
            actor=make_actor(actor_user, enterprise), membership_id=target.pk, role=new_role
        )
    target.refresh_from_db()
    assert target.role == target_role


def test_owner_manages_admins(enterprise, owner, make_member, make_actor):
    admin = make_member(enterprise, "admin")
    changed = services.membership_change_role(
        actor=make_actor(owner, enterprise), membership_id=admin.pk, role="operator"
    )
    assert changed.role == "operator"


def test_cannot_change_own_role(enterprise, make_member, make_actor):
    admin = make_member(enterprise, "admin")
    with pytest.raises(PermissionDenied, match="You cannot change your own membership"):
        services.membership_change_role(actor=make_actor(admin.user, enterprise), membership_id=admin.pk, role="viewer")


def test_other_enterprise_membership_is_not_found(enterprise, other_enterprise, owner, make_member, make_actor):
    foreign = make_member(other_enterprise, "viewer")
    with pytest.raises(NotFound):
        services.membership_change_role(actor=make_actor(owner, enterprise), membership_id=foreign.pk, role="operator")
    with pytest.raises(NotFound):
        services.membership_remove(actor=make_actor(owner, enterprise), membership_id=foreign.pk)
    assert Membership.objects.filter(pk=foreign.pk, role="viewer").exists()


def test_membership_remove(enterprise, make_member, make_actor):
    admin = make_member(enterprise, "admin").user
    member = make_member(enterprise, "viewer")
    services.membership_remove(actor=make_actor(admin, enterprise), membership_id=member.pk)
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_membership_remove_refuses_owner_and_self(enterprise, owner, make_member, make_actor):
    admin = make_member(enterprise, "admin")
    owner_membership = Membership.objects.get(user=owner)
    with pytest.raises(PermissionDenied, match="The owner cannot be changed or removed"):
        services.membership_remove(actor=make_actor(admin.user, enterprise), membership_id=owner_membership.pk)
    with pytest.raises(PermissionDenied, match="use 'Leave enterprise'"):
        services.membership_remove(actor=make_actor(admin.user, enterprise), membership_id=admin.pk)


def test_membership_leave(enterprise, owner, make_member, make_actor):
    viewer = make_member(enterprise, "viewer")
    services.membership_leave(actor=make_actor(viewer.user, enterprise))
    assert not Membership.objects.filter(pk=viewer.pk).exists()
    with pytest.raises(Conflict, match="transfer ownership to another member before leaving"):
        services.membership_leave(actor=make_actor(owner, enterprise))


def test_transfer_ownership(enterprise, owner, make_member, make_actor):
    operator = make_member(enterprise, "operator")
    new_owner = services.enterprise_transfer_ownership(actor=make_actor(owner, enterprise), membership_id=operator.pk)
    assert new_owner.role == "owner"
    roles = dict(Membership.objects.filter(enterprise=enterprise).values_list("user_id", "role"))
    assert roles == {owner.pk: "admin", operator.user_id: "owner"}


def test_transfer_ownership_refusals(enterprise, other_enterprise, owner, make_member, make_actor):
    admin = make_member(enterprise, "admin")
    with pytest.raises(PermissionDenied, match="Only the owner of the enterprise can do this."):
        services.enterprise_transfer_ownership(actor=make_actor(admin.user, enterprise), membership_id=admin.pk)
    own = Membership.objects.get(user=owner)
    with pytest.raises(ValidationFailed, match="You are already the owner"):
        services.enterprise_transfer_ownership(actor=make_actor(owner, enterprise), membership_id=own.pk)
    foreign = make_member(other_enterprise, "viewer")
    with pytest.raises(NotFound):
        services.enterprise_transfer_ownership(actor=make_actor(owner, enterprise), membership_id=foreign.pk)
    assert Membership.objects.filter(enterprise=enterprise, role="owner").count() == 1


# ---------------------------------------------------------------- invitations


def invite(actor, email="new.colleague@example.com", role="operator"):
    return services.invitation_create(actor=actor, email=email, role=role)


def test_invitation_create_mails_link_and_stores_only_hash(
    enterprise, owner, make_actor, settings, django_capture_on_commit_callbacks
):
    settings.CPASS_BASE_URL = "https://cpass.example.cn"
    settings.CPASS_INVITATION_DAYS = 3
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite(make_actor(owner, enterprise))
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash
    assert abs(invitation.expires_at - (timezone.now() + timedelta(days=3))) < timedelta(minutes=1)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.colleague@example.com"]
    assert message.subject == f"[C-pass] Invitation to join {enterprise.name} on C-pass"
    assert f"https://cpass.example.cn/enterprise/invitation/{token}/" in message.body
    assert "Role: Operator" in message.body


def test_invitation_mail_uses_invitee_language(enterprise, owner, make_actor, django_capture_on_commit_callbacks):
    UserFactory.create(email="zhang@example.com", language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        invite(make_actor(owner, enterprise), email="Zhang@Example.com")
    assert mail.outbox[0].subject == f"[C-pass] 邀请您加入 C-pass 上的 {enterprise.name}"


def test_invitation_create_refusals(enterprise, owner, make_member, make_actor):
    admin = make_member(enterprise, "admin").user
    operator = make_member(enterprise, "operator").user
    with pytest.raises(PermissionDenied, match="Only an administrator or the owner"):
        invite(make_actor(operator, enterprise))
    with pytest.raises(PermissionDenied, match="Only the owner can invite an administrator."):
        invite(make_actor(admin, enterprise), role="admin")
    with pytest.raises(ValidationFailed, match="Choose a role"):
        invite(make_actor(owner, enterprise), role="owner")
    with pytest.raises(ValidationFailed, match="Enter a valid e-mail address."):
        invite(make_actor(owner, enterprise), email="not-an-address")
    with pytest.raises(Conflict, match="is already a member of this enterprise"):
        invite(make_actor(owner, enterprise), email=operator.email.upper())
    invite(make_actor(admin, enterprise))
    with pytest.raises(Conflict, match="already has a pending invitation"):
        invite(make_actor(owner, enterprise), email="NEW.colleague@example.com")


def test_expired_pending_invitation_does_not_block_a_new_one(enterprise, owner, make_actor):
    old, _token = invite(make_actor(owner, enterprise))
    Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    new, _token = invite(make_actor(owner, enterprise))
    old.refresh_from_db()
    assert (old.status, new.status) == (InvitationStatus.REVOKED, InvitationStatus.PENDING)


def test_invitation_accept_is_single_use(enterprise, owner, make_actor):
    invitation, token = invite(make_actor(owner, enterprise), role="viewer")
    user = UserFactory.create(email="New.Colleague@example.com")
    membership = services.invitation_accept(user=user, token=token)
    assert (membership.enterprise_id, membership.user_id, membership.role) == (enterprise.pk, user.pk, "viewer")
    invitation.refresh_from_db()
    assert (invitation.status, invitation.responded_by) == (InvitationStatus.ACCEPTED, user)
    with pytest.raises(Conflict, match="This invitation has already been accepted."):
        services.invitation_accept(user=user, token=token)


def test_invitation_accept_refusals(enterprise, owner, make_actor):
    invitation, token = invite(make_actor(owner, enterprise))
    with pytest.raises(NotFound, match="This invitation link is not valid"):
        services.invitation_accept(user=UserFactory.create(), token="wrong-token")
    with pytest.raises(PermissionDenied, match="This invitation was sent to new.colleague@example.com"):
        services.invitation_accept(user=UserFactory.create(email="someone.else@example.com"), token=token)
    unverified = UserFactory.create(email="new.colleague@example.com", email_verified_at=None)
    with pytest.raises(PermissionDenied, match="Verify your e-mail address first"):
        services.invitation_accept(user=unverified, token=token)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    unverified.email_verified_at = timezone.now()
    with pytest.raises(Conflict, match="This invitation has expired"):
        services.invitation_accept(user=unverified, token=token)
    assert not Membership.objects.filter(user=unverified).exists()


def test_invitation_decline_and_revoke(enterprise, owner, make_member, make_actor):
    _invitation, token = invite(make_actor(owner, enterprise))
    user = UserFactory.create(email="new.colleague@example.com")
    declined = services.invitation_decline(user=user, token=token)
    assert declined.status == InvitationStatus.DECLINED
    with pytest.raises(Conflict, match="This invitation was declined."):
        services.invitation_accept(user=user, token=token)

    second, token2 = invite(make_actor(owner, enterprise), email="other@example.com")
    operator = make_member(enterprise, "operator").user
    with pytest.raises(PermissionDenied):
        services.invitation_revoke(actor=make_actor(operator, enterprise), invitation_id=second.pk)
    revoked = services.invitation_revoke(actor=make_actor(owner, enterprise), invitation_id=second.pk)
    assert revoked.status == InvitationStatus.REVOKED
    with pytest.raises(Conflict, match="Only a pending invitation can be withdrawn."):
        services.invitation_revoke(actor=make_actor(owner, enterprise), invitation_id=second.pk)
    with pytest.raises(Conflict, match="withdrawn by the enterprise"):
        services.invitation_accept(user=UserFactory.create(email="other@example.com"), token=token2)


def test_invitation_revoke_of_other_enterprise_is_not_found(
    enterprise, other_enterprise, owner, make_member, make_actor
):
    other_owner = make_member(other_enterprise, "owner").user
    foreign, _token = invite(make_actor(other_owner, other_enterprise))
    with pytest.raises(NotFound):
        services.invitation_revoke(actor=make_actor(owner, enterprise), invitation_id=foreign.pk)


def test_accept_pending_by_id_only_for_the_addressee(enterprise, owner, make_actor):
    invitation, _token = invite(make_actor(owner, enterprise))
    with pytest.raises(NotFound):
        services.invitation_accept_pending(user=UserFactory.create(), invitation_id=invitation.pk)
    user = UserFactory.create(email="new.colleague@example.com")
    assert services.invitation_accept_pending(user=user, invitation_id=invitation.pk).role == "operator"


# ---------------------------------------------------------------- partner grants


def test_partner_grant_create_and_replace(enterprise, other_enterprise, owner, make_actor):
    actor = make_actor(owner, enterprise)
    grant = services.partner_grant_create(
        actor=actor, grantee_uscc=other_enterprise.uscc.lower(), module="documents", access="read"
    )
    again = services.partner_grant_create(
        actor=actor, grantee_uscc=other_enterprise.uscc, module="documents", access="write"
    )
    assert again.pk == grant.pk
    assert list(PartnerGrant.objects.filter(grantor=enterprise).values_list("grantee_id", "module", "access")) == [
        (other_enterprise.pk, "documents", "write")
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("module", "organization", "Choose a module that can be shared with partners."),
        ("module", "nonsense", "Choose a module that can be shared with partners."),
        ("access", "admin", "Choose read only or read and write."),
        (
            "grantee_uscc",
            make_uscc(777777),
            "No enterprise with this unified social credit code is registered on C-pass.",
        ),
        ("grantee_uscc", "", "Enter the partner's unified social credit code."),
    ],
)
def test_partner_grant_create_rejects_bad_input(enterprise, other_enterprise, owner, make_actor, field, value, message):
    values = {"grantee_uscc": other_enterprise.uscc, "module": "documents", "access": "read", field: value}
    with pytest.raises(ValidationFailed) as exc:
        services.partner_grant_create(actor=make_actor(owner, enterprise), **values)
    assert {k: [str(m) for m in v] for k, v in exc.value.errors.items()} == {field: [message]}


def test_partner_grant_refusals(enterprise, other_enterprise, owner, make_member, make_actor):
    with pytest.raises(ValidationFailed, match="cannot grant access to itself"):
        services.partner_grant_create(
            actor=make_actor(owner, enterprise), grantee_uscc=enterprise.uscc, module="documents", access="read"
        )
    operator = make_member(enterprise, "operator").user
    with pytest.raises(PermissionDenied):
        services.partner_grant_create(
            actor=make_actor(operator, enterprise),
            grantee_uscc=other_enterprise.uscc,
            module="documents",
            access="read",
        )
    assert PartnerGrant.objects.count() == 0


def test_partner_grant_revoke(enterprise, owner, make_actor):
    grant = PartnerGrantFactory.create(grantor=enterprise)
    foreign = PartnerGrantFactory.create(grantor=EnterpriseFactory.create())
    revoked = services.partner_grant_revoke(actor=make_actor(owner, enterprise), grant_id=grant.pk)
    assert revoked.revoked_at is not None
    assert revoked.revoked_by == owner
    with pytest.raises(Conflict, match="already been revoked"):
        services.partner_grant_revoke(actor=make_actor(owner, enterprise), grant_id=grant.pk)
    with pytest.raises(NotFound):
        services.partner_grant_revoke(actor=make_actor(owner, enterprise), grant_id=foreign.pk)
