from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cpass.accounts.tests.factories import UserFactory
from cpass.organizations import services
from cpass.organizations.choices import InvitationStatus
from cpass.organizations.middleware import ACTIVE_ENTERPRISE_SESSION_KEY
from cpass.organizations.models import Enterprise, Invitation, Membership, PartnerGrant
from cpass.organizations.tests.factories import make_uscc
from cpass.organizations.tests.test_services import image_upload

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_create_page_makes_an_enterprise_and_activates_it(login):
    user = UserFactory.create()
    client = login(user)
    assert client.get(reverse("organizations:create")).status_code == 200
    data = {"name": "Xiamen Freight Ltd.", "kind": "logistics_provider", "uscc": make_uscc(4242)}
    response = client.post(reverse("organizations:create"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:detail")
    enterprise = Enterprise.objects.get(name="Xiamen Freight Ltd.")
    assert client.session[ACTIVE_ENTERPRISE_SESSION_KEY] == enterprise.pk
    assert Membership.objects.get(enterprise=enterprise).role == "owner"


def test_create_page_shows_service_errors_inline(login, enterprise):
    client = login(UserFactory.create())
    data = {"name": "Dup Ltd.", "kind": "trader", "uscc": enterprise.uscc, "customs_code": "12"}
    response = client.post(reverse("organizations:create"), data)
    assert response.status_code == 200
    body = text(response)
    assert "The customs registration code has exactly 10 letters or digits." in body
    assert Enterprise.objects.filter(name="Dup Ltd.").count() == 0


def test_create_page_in_chinese(login):
    client = login(UserFactory.create())
    response = client.post(
        reverse("organizations:create"),
        {"name": "X", "kind": "trader", "uscc": "123"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "统一社会信用代码为 18 位，当前输入为 3 位。" in text(response)


def test_switch_only_to_own_memberships(login, enterprise, other_enterprise, make_member):
    user = make_member(enterprise, "viewer").user
    third = make_member(Enterprise.objects.create(name="Third", kind="trader", uscc=make_uscc(31)), "admin", user=user)
    client = login(user)
    response = client.post(reverse("organizations:switch"), {"enterprise": third.enterprise_id})
    assert (response.status_code, response["Location"]) == (302, reverse("core:dashboard"))
    assert client.session[ACTIVE_ENTERPRISE_SESSION_KEY] == third.enterprise_id
    assert client.post(reverse("organizations:switch"), {"enterprise": other_enterprise.pk}).status_code == 404
    assert client.post(reverse("organizations:switch"), {"enterprise": "x"}).status_code == 404
    assert client.session[ACTIVE_ENTERPRISE_SESSION_KEY] == third.enterprise_id


def test_detail_tabs_for_a_viewer(login, enterprise, make_member):
    client = login(make_member(enterprise, "viewer").user)
    response = client.get(reverse("organizations:detail"))
    assert response.status_code == 200
    body = text(response)
    assert enterprise.uscc in body
    assert reverse("organizations:edit") not in body
    assert reverse("organizations:invitations") not in body
    assert client.get(reverse("organizations:members")).status_code == 200
    assert client.get(reverse("organizations:partners")).status_code == 200
    assert client.get(reverse("organizations:edit")).status_code == 403
    assert client.get(reverse("organizations:invitations")).status_code == 403
    assert client.get(reverse("organizations:history")).status_code == 403


def test_detail_without_enterprise_goes_to_create(login):
    response = login(UserFactory.create()).get(reverse("organizations:detail"))
    assert (response.status_code, response["Location"]) == (302, reverse("organizations:create"))


def test_edit_and_history(login, enterprise, owner):
    client = login(owner)
    data = {"name": "Renamed Co.", "kind": "trader", "uscc": enterprise.uscc, "phone": "not a phone"}
    response = client.post(reverse("organizations:edit"), data)
    assert "Enter a phone number, e.g. 021 6123 4567 or +86 138 0013 8000." in text(response)
    data["phone"] = "021 6123 4567"
    assert client.post(reverse("organizations:edit"), data).status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.phone) == ("Renamed Co.", "+862161234567")
    history = client.get(reverse("organizations:history"))
    assert history.status_code == 200
    assert "Renamed Co." in text(history)


def test_logo_upload_page(login, enterprise, owner):
    client = login(owner)
    bad = client.post(reverse("organizations:logo"), {"logo": image_upload(fmt="BMP", name="x.bmp")})
    assert bad.status_code == 422
    assert "Only JPEG, PNG, WebP and GIF images are accepted." in text(bad)
    good = client.post(reverse("organizations:logo"), {"logo": image_upload()})
    assert good.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.logo.name.endswith(".png")
    assert client.post(reverse("organizations:logo_remove")).status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.logo.name == ""


def test_inline_role_change_with_htmx(login, enterprise, owner, make_member):
    member = make_member(enterprise, "operator")
    client = login(owner)
    response = client.post(
        reverse("organizations:member_role", args=[member.pk]), {f"m{member.pk}-role": "viewer"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = text(response)
    assert body.strip().startswith(f'<tr id="member-{member.pk}">')
    assert "Saved" in body
    member.refresh_from_db()
    assert member.role == "viewer"


def test_role_change_refusal_shown_in_row(login, enterprise, make_member):
    admin = make_member(enterprise, "admin").user
    other_admin = make_member(enterprise, "admin")
    client = login(admin)
    response = client.post(
        reverse("organizations:member_role", args=[other_admin.pk]),
        {f"m{other_admin.pk}-role": "viewer"},
        HTTP_HX_REQUEST="true",
    )
    assert "Only the owner can change or remove an administrator." in text(response)
    other_admin.refresh_from_db()
    assert other_admin.role == "admin"


def test_member_of_other_enterprise_is_404(login, enterprise, other_enterprise, owner, make_member):
    foreign = make_member(other_enterprise, "viewer")
    client = login(owner)
    assert client.post(reverse("organizations:member_role", args=[foreign.pk]), {}).status_code == 404
    assert client.post(reverse("organizations:member_remove", args=[foreign.pk])).status_code == 404


def test_remove_leave_and_transfer(login, enterprise, owner, make_member):
    viewer = make_member(enterprise, "viewer")
    operator = make_member(enterprise, "operator")
    client = login(owner)
    assert client.post(reverse("organizations:member_remove", args=[viewer.pk])).status_code == 302
    assert not Membership.objects.filter(pk=viewer.pk).exists()
    # The owner cannot leave; the refusal is shown as a message.
    response = client.post(reverse("organizations:leave"), follow=True)
    assert "transfer ownership to another member before leaving" in text(response)
    assert client.post(reverse("organizations:transfer"), {"membership": operator.pk}).status_code == 302
    operator.refresh_from_db()
    assert operator.role == "owner"
    assert client.post(reverse("organizations:leave")).status_code == 302
    assert not Membership.objects.filter(enterprise=enterprise, user=owner).exists()


def test_invite_with_htmx_and_revoke(login, enterprise, owner, django_capture_on_commit_callbacks):
    client = login(owner)
    assert client.get(reverse("organizations:invitations")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organizations:invite"), {"email": "li.lei@example.com", "role": "viewer"}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    assert "An invitation has been sent to li.lei@example.com." in text(response)
    invitation = Invitation.objects.get(email="li.lei@example.com")
    again = client.post(
        reverse("organizations:invite"), {"email": "LI.LEI@example.com", "role": "viewer"}, HTTP_HX_REQUEST="true"
    )
    assert "already has a pending invitation" in text(again)
    assert client.post(reverse("organizations:invitation_revoke", args=[invitation.pk])).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED


def test_invitation_page_for_visitor_wrong_user_and_invitee(login, enterprise, owner, make_actor):
    _invitation, token = services.invitation_create(
        actor=make_actor(owner, enterprise), email="wang@example.com", role="operator"
    )
    url = reverse("organizations:invitation", args=[token])
    visitor = login(UserFactory.create()).get(url)
    assert "This invitation was sent to wang@example.com." in text(visitor)
    anonymous = Client().get(url)
    assert anonymous.status_code == 200
    assert reverse("accounts:login") in text(anonymous)
    assert reverse("accounts:register") in text(anonymous)
    assert Client().get(reverse("organizations:invitation", args=["nope"])).status_code == 404
    invitee = UserFactory.create(email="wang@example.com")
    client = login(invitee)
    response = client.post(url, {"answer": "accept"})
    assert (response.status_code, response["Location"]) == (302, reverse("organizations:detail"))
    assert Membership.objects.get(user=invitee).enterprise == enterprise
    assert client.session[ACTIVE_ENTERPRISE_SESSION_KEY] == enterprise.pk
    used = client.get(url)
    assert "This invitation has already been accepted." in text(used)


def test_my_invitations_accept_and_decline(login, enterprise, other_enterprise, owner, make_member, make_actor):
    other_owner = make_member(other_enterprise, "owner").user
    user = UserFactory.create(email="chen@example.com")
    first, _t1 = services.invitation_create(actor=make_actor(owner, enterprise), email=user.email, role="viewer")
    second, _t2 = services.invitation_create(
        actor=make_actor(other_owner, other_enterprise), email=user.email, role="operator"
    )
    client = login(user)
    page = client.get(reverse("organizations:my_invitations"))
    assert enterprise.name in text(page)
    assert other_enterprise.name in text(page)
    client.post(reverse("organizations:my_invitation_answer", args=[first.pk]), {"answer": "accept"})
    client.post(reverse("organizations:my_invitation_answer", args=[second.pk]), {"answer": "decline"})
    assert list(Membership.objects.filter(user=user).values_list("enterprise_id", "role")) == [
        (enterprise.pk, "viewer")
    ]
    second.refresh_from_db()
    assert second.status == InvitationStatus.DECLINED
    stranger = login(UserFactory.create())
    assert (
        stranger.post(reverse("organizations:my_invitation_answer", args=[first.pk]), {"answer": "accept"}).status_code
        == 404
    )


def test_partners_page_grants_and_errors(login, enterprise, other_enterprise, owner, make_member):
    client = login(owner)
    bad = client.post(
        reverse("organizations:partners"), {"grantee_uscc": enterprise.uscc, "module": "documents", "access": "read"}
    )
    assert bad.status_code == 422
    assert "An enterprise cannot grant access to itself." in text(bad)
    ok = client.post(
        reverse("organizations:partners"),
        {"grantee_uscc": other_enterprise.uscc, "module": "documents", "access": "write"},
    )
    assert ok.status_code == 302
    grant = PartnerGrant.objects.get(grantor=enterprise)
    page = client.get(reverse("organizations:partners"))
    assert other_enterprise.name in text(page)
    assert "Documents" in text(page)
    viewer = login(make_member(other_enterprise, "viewer").user)
    received = viewer.get(reverse("organizations:partners"))
    assert enterprise.name in text(received)
    assert viewer.post(reverse("organizations:grant_revoke", args=[grant.pk])).status_code == 403
    assert client.post(reverse("organizations:grant_revoke", args=[grant.pk])).status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None
