from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from cpass.accounts.tests.factories import UserFactory, make_api_token
from cpass.organizations import services
from cpass.organizations.choices import InvitationStatus
from cpass.organizations.models import Enterprise, Invitation, Membership, PartnerGrant
from cpass.organizations.tests.factories import EnterpriseFactory, PartnerGrantFactory, make_uscc
from cpass.organizations.tests.test_services import image_upload

pytestmark = pytest.mark.django_db

BASE = "/api/v1/enterprises"


def token_client(user, enterprise, scopes):
    secret = make_api_token(user, enterprise, scopes=list(scopes), expires_in=timedelta(days=1))
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def send(client, method, path, data=None):
    return getattr(client, method)(path, data=json.dumps(data or {}), content_type="application/json")


def problem_fields(response):
    assert response["Content-Type"] == "application/problem+json"
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_anonymous_is_401():
    response = Client().get(BASE)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_list_my_enterprises_with_role(login, enterprise, other_enterprise, make_member):
    user = make_member(enterprise, "viewer").user
    make_member(other_enterprise, "admin", user=user)
    EnterpriseFactory.create()
    response = login(user).get(BASE)
    assert response.status_code == 200
    assert sorted((e["id"], e["role"]) for e in response.json()) == sorted(
        [(enterprise.pk, "viewer"), (other_enterprise.pk, "admin")]
    )


def test_create_enterprise(login):
    user = UserFactory.create()
    client = login(user)
    response = send(
        client, "post", BASE, {"name": "Qingdao Customs Brokerage", "kind": "customs_broker", "uscc": make_uscc(55)}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["role"], body["uscc"]) == ("Qingdao Customs Brokerage", "owner", make_uscc(55))
    assert Membership.objects.get(enterprise_id=body["id"]).user == user


def test_create_enterprise_problem_names_fields(login, enterprise):
    client = login(UserFactory.create())
    response = send(client, "post", BASE, {"name": "X", "kind": "trader", "uscc": enterprise.uscc})
    assert response.status_code == 422
    assert problem_fields(response) == {
        "uscc": "An enterprise with this unified social credit code is already registered."
    }
    unknown = send(client, "post", BASE, {"name": "X", "kind": "trader", "uscc": make_uscc(8), "colour": "red"})
    assert unknown.status_code == 422
    assert problem_fields(unknown) == {"colour": "Unknown field."}


def test_get_and_patch(login, enterprise, other_enterprise, owner, make_member):
    client = login(owner)
    assert client.get(f"{BASE}/{enterprise.pk}").json()["role"] == "owner"
    assert client.get(f"{BASE}/{other_enterprise.pk}").status_code == 404
    assert client.get(f"{BASE}/999999").status_code == 404
    assert send(client, "patch", f"{BASE}/{other_enterprise.pk}", {"name": "Hijack"}).status_code == 404
    response = send(client, "patch", f"{BASE}/{enterprise.pk}", {"customs_code": "bad"})
    assert response.status_code == 422
    assert problem_fields(response) == {
        "customs_code": "The customs registration code has exactly 10 letters or digits."
    }
    response = send(client, "patch", f"{BASE}/{enterprise.pk}", {"name_en": "Shanghai Trading"})
    assert (response.status_code, response.json()["name_en"]) == (200, "Shanghai Trading")
    viewer = login(make_member(enterprise, "viewer").user)
    assert viewer.get(f"{BASE}/{enterprise.pk}").status_code == 200
    refused = send(viewer, "patch", f"{BASE}/{enterprise.pk}", {"name": "Nope"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only an administrator or the owner of the enterprise can do this."
    other_enterprise.refresh_from_db()
    enterprise.refresh_from_db()
    assert (enterprise.name, other_enterprise.name) == ("Shanghai Trading Co., Ltd.", "Other Tenant Ltd.")


def test_logo_upload(login, enterprise, owner):
    client = login(owner)
    response = client.post(f"{BASE}/{enterprise.pk}/logo", {"logo": image_upload()})
    assert response.status_code == 200
    assert response.json()["logo_url"].endswith(".png")
    bad = client.post(f"{BASE}/{enterprise.pk}/logo", {"logo": image_upload(fmt="BMP", name="x.bmp")})
    assert bad.status_code == 422
    assert problem_fields(bad) == {"logo": "Only JPEG, PNG, WebP and GIF images are accepted."}
    assert client.delete(f"{BASE}/{enterprise.pk}/logo").status_code == 204
    enterprise.refresh_from_db()
    assert enterprise.logo.name == ""


def test_members_roles_and_transfer(login, enterprise, other_enterprise, owner, make_member):
    operator = make_member(enterprise, "operator")
    viewer = make_member(enterprise, "viewer")
    foreign = make_member(other_enterprise, "viewer")
    client = login(owner)
    members = client.get(f"{BASE}/{enterprise.pk}/members").json()
    assert [(m["role"], m["user"]["email"]) for m in members][0] == ("owner", owner.email)
    assert len(members) == 3
    changed = send(client, "patch", f"{BASE}/{enterprise.pk}/members/{operator.pk}", {"role": "admin"})
    assert (changed.status_code, changed.json()["role"]) == (200, "admin")
    assert send(client, "patch", f"{BASE}/{enterprise.pk}/members/{foreign.pk}", {"role": "admin"}).status_code == 404
    bad = send(client, "patch", f"{BASE}/{enterprise.pk}/members/{viewer.pk}", {"role": "owner"})
    assert bad.status_code == 422
    assert problem_fields(bad) == {"role": "There is exactly one owner: use 'Transfer ownership' instead."}
    assert client.delete(f"{BASE}/{enterprise.pk}/members/{viewer.pk}").status_code == 204
    own = Membership.objects.get(user=owner)
    refused = client.delete(f"{BASE}/{enterprise.pk}/members/{own.pk}")
    assert refused.status_code == 409
    transfer = send(client, "post", f"{BASE}/{enterprise.pk}/transfer-ownership", {"membership_id": operator.pk})
    assert (transfer.status_code, transfer.json()["role"]) == (200, "owner")
    assert client.delete(f"{BASE}/{enterprise.pk}/members/{own.pk}").status_code == 204
    assert not Membership.objects.filter(pk=own.pk).exists()


def test_invitations_flow(login, enterprise, owner, make_member, django_capture_on_commit_callbacks):
    client = login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        created = send(
            client, "post", f"{BASE}/{enterprise.pk}/invitations", {"email": "zhao@example.com", "role": "viewer"}
        )
    assert created.status_code == 201
    assert created.json()["status"] == "pending"
    duplicate = send(
        client, "post", f"{BASE}/{enterprise.pk}/invitations", {"email": "zhao@example.com", "role": "viewer"}
    )
    assert duplicate.status_code == 409
    listed = client.get(f"{BASE}/{enterprise.pk}/invitations").json()
    assert [i["email"] for i in listed] == ["zhao@example.com"]
    viewer = login(make_member(enterprise, "viewer").user)
    assert viewer.get(f"{BASE}/{enterprise.pk}/invitations").status_code == 403
    invitation = Invitation.objects.get(email="zhao@example.com")
    assert client.delete(f"{BASE}/{enterprise.pk}/invitations/{invitation.pk}").status_code == 204
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED


def test_accept_and_decline_by_token(login, enterprise, owner, make_actor):
    _inv, token = services.invitation_create(
        actor=make_actor(owner, enterprise), email="sun@example.com", role="operator"
    )
    _inv2, token2 = services.invitation_create(
        actor=make_actor(owner, enterprise), email="zhou@example.com", role="operator"
    )
    wrong = send(login(UserFactory.create()), "post", f"{BASE}/invitations/accept", {"token": token})
    assert wrong.status_code == 403
    client = login(UserFactory.create(email="sun@example.com"))
    accepted = send(client, "post", f"{BASE}/invitations/accept", {"token": token})
    assert (accepted.status_code, accepted.json()["id"], accepted.json()["role"]) == (200, enterprise.pk, "operator")
    again = send(client, "post", f"{BASE}/invitations/accept", {"token": token})
    assert (again.status_code, again.json()["detail"]) == (409, "This invitation has already been accepted.")
    declined = send(
        login(UserFactory.create(email="zhou@example.com")), "post", f"{BASE}/invitations/decline", {"token": token2}
    )
    assert declined.status_code == 204


def test_grants(login, enterprise, other_enterprise, owner, make_member):
    client = login(owner)
    created = send(
        client,
        "post",
        f"{BASE}/{enterprise.pk}/grants",
        {"grantee_uscc": other_enterprise.uscc, "module": "documents", "access": "read"},
    )
    assert created.status_code == 201
    assert (created.json()["grantee"]["id"], created.json()["module_label"]) == (other_enterprise.pk, "Documents")
    bad = send(
        client,
        "post",
        f"{BASE}/{enterprise.pk}/grants",
        {"grantee_uscc": "123", "module": "documents", "access": "read"},
    )
    assert problem_fields(bad) == {
        "grantee_uscc": "No enterprise with this unified social credit code is registered on C-pass."
    }
    assert [g["id"] for g in client.get(f"{BASE}/{enterprise.pk}/grants").json()] == [created.json()["id"]]
    partner = login(make_member(other_enterprise, "viewer").user)
    assert [g["grantor"]["id"] for g in partner.get(f"{BASE}/grants/received").json()] == [enterprise.pk]
    assert partner.get(f"{BASE}/{enterprise.pk}/grants").status_code == 404
    foreign = PartnerGrantFactory.create()
    assert client.delete(f"{BASE}/{enterprise.pk}/grants/{foreign.pk}").status_code == 404
    assert client.delete(f"{BASE}/{enterprise.pk}/grants/{created.json()['id']}").status_code == 204
    assert PartnerGrant.objects.get(pk=created.json()["id"]).revoked_at is not None


def test_token_scopes_and_binding(enterprise, other_enterprise, make_member):
    user = make_member(enterprise, "owner").user
    make_member(other_enterprise, "owner", user=user)
    reader = token_client(user, enterprise, ["organization:read"])
    assert [e["id"] for e in reader.get(BASE).json()] == [enterprise.pk]
    assert reader.get(f"{BASE}/{enterprise.pk}").status_code == 200
    assert reader.get(f"{BASE}/{other_enterprise.pk}").status_code == 404
    refused = send(reader, "patch", f"{BASE}/{enterprise.pk}", {"name": "Nope"})
    assert refused.status_code == 403
    docs_only = token_client(UserFactory.create(), EnterpriseFactory.create(), ["documents:read"])
    assert docs_only.get(BASE).status_code == 403
    assert Enterprise.objects.get(pk=enterprise.pk).name == "Shanghai Trading Co., Ltd."


def test_list_does_not_repeat_queries(login, django_assert_max_num_queries, make_member):
    user = UserFactory.create()
    for _ in range(5):
        make_member(EnterpriseFactory.create(), "viewer", user=user)
    client = login(user)
    client.get(BASE)
    with django_assert_max_num_queries(8):
        assert len(client.get(BASE).json()) == 5
