import json

import pytest
from django.test import Client

from cpass.accounts import services
from cpass.accounts.models import ApiToken, UserSession
from cpass.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def bearer(actor_user, enterprise, make_actor, scopes):
    _token, secret = services.api_token_create(
        actor=make_actor(actor_user, enterprise),
        name="test",
        enterprise_id=enterprise.pk,
        scopes=scopes,
        expires_in_days=1,
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_me_requires_authentication(client):
    response = client.get("/api/v1/account/me")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_me_with_session(login, owner):
    response = login(owner).get("/api/v1/account/me")
    assert response.status_code == 200
    body = response.json()
    assert (body["email"], body["email_verified"], body["two_factor_enabled"]) == (owner.email, True, False)


def test_unverified_user_is_refused(login):
    response = login(UserFactory.create(email_verified_at=None)).get("/api/v1/account/me")
    assert response.status_code == 401


def test_me_with_token_needs_account_scope(client, owner, enterprise, make_actor):
    headers = bearer(owner, enterprise, make_actor, ["documents:read"])
    response = client.get("/api/v1/account/me", **headers)
    assert response.status_code == 403
    assert response.json()["detail"] == "This token lacks the scope account:read."
    headers = bearer(owner, enterprise, make_actor, ["account:read"])
    assert client.get("/api/v1/account/me", **headers).status_code == 200
    response = client.patch("/api/v1/account/me", json.dumps({"name": "X"}), content_type="application/json", **headers)
    assert response.status_code == 403


def test_patch_me_updates_and_validates(client, owner, enterprise, make_actor):
    headers = bearer(owner, enterprise, make_actor, ["account:write"])
    response = client.patch(
        "/api/v1/account/me",
        json.dumps({"name": "Zhang San", "phone": "13900139000", "marketing_email": True}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["phone"], body["marketing_email"], body["marketing_sms"]) == (
        "Zhang San",
        "+8613900139000",
        True,
        False,
    )
    response = client.patch(
        "/api/v1/account/me", json.dumps({"time_zone": "Nowhere"}), content_type="application/json", **headers
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"field": "time_zone", "message": "Choose a time zone from the list, e.g. Asia/Shanghai."}
    ]


def test_patch_me_rejects_unknown_fields(login, owner):
    response = login(owner).patch("/api/v1/account/me", json.dumps({"is_staff": True}), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "is_staff", "message": "Unknown field."}]
    owner.refresh_from_db()
    assert owner.is_staff is False


def test_patch_email_goes_to_pending(login, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(owner).patch(
            "/api/v1/account/me", json.dumps({"email": "new@example.com"}), content_type="application/json"
        )
    assert response.status_code == 200
    assert (response.json()["email"], response.json()["pending_email"]) == (owner.email, "new@example.com")


def test_create_token_with_session_returns_secret_once(login, owner, enterprise):
    client = login(owner)
    response = client.post(
        "/api/v1/account/tokens",
        json.dumps({"name": "ERP", "enterprise": enterprise.pk, "scopes": ["documents:read"], "expires_in_days": 7}),
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["secret"].startswith("cp_")
    assert (body["name"], body["enterprise"], body["enterprise_name"], body["scopes"]) == (
        "ERP",
        enterprise.pk,
        enterprise.name,
        ["documents:read"],
    )
    listing = client.get("/api/v1/account/tokens").json()
    assert [t["prefix"] for t in listing] == [body["prefix"]]
    assert "secret" not in listing[0]


def test_create_token_bad_input_is_problem_json(login, owner, other_enterprise):
    response = login(owner).post(
        "/api/v1/account/tokens",
        json.dumps({"name": "ERP", "enterprise": other_enterprise.pk, "scopes": ["x:y"], "expires_in_days": 0}),
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = sorted(e["field"] for e in response.json()["errors"])
    assert fields == ["enterprise", "expires_in_days", "scopes"]


def test_token_cannot_create_tokens(client, owner, enterprise, make_actor):
    headers = bearer(owner, enterprise, make_actor, ["account:write"])
    response = client.post(
        "/api/v1/account/tokens",
        json.dumps({"name": "x", "enterprise": enterprise.pk, "scopes": ["account:read"], "expires_in_days": 1}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "API tokens cannot create tokens. Create tokens in the browser, signed in."
    assert ApiToken.objects.count() == 1


def test_revoke_token_and_foreign_token_is_404(client, owner, enterprise, make_actor, make_member):
    headers = bearer(owner, enterprise, make_actor, ["account:write"])
    own = ApiToken.objects.get(user=owner)
    other_user = make_member(enterprise).user
    foreign, _secret = services.api_token_create(
        actor=make_actor(other_user, enterprise),
        name="x",
        enterprise_id=enterprise.pk,
        scopes=["account:read"],
        expires_in_days=1,
    )
    assert client.delete(f"/api/v1/account/tokens/{foreign.pk}", **headers).status_code == 404
    assert ApiToken.objects.get(pk=foreign.pk).revoked_at is None
    assert client.delete(f"/api/v1/account/tokens/{own.pk}", **headers).status_code == 204
    # The revoked token no longer authenticates.
    assert client.get("/api/v1/account/me", **headers).status_code == 401


def test_sessions_list_and_revoke(password):
    user = UserFactory.create(email="s@example.com")
    laptop, phone = Client(), Client()
    laptop.post("/accounts/login/", {"email": "s@example.com", "password": password})
    phone.post("/accounts/login/", {"email": "s@example.com", "password": password})
    sessions = laptop.get("/api/v1/account/sessions").json()
    assert sorted(s["current"] for s in sessions) == [False, True]
    other = next(s for s in sessions if not s["current"])
    assert laptop.delete(f"/api/v1/account/sessions/{other['id']}").status_code == 204
    assert UserSession.objects.filter(user=user).count() == 1
    assert phone.get("/api/v1/account/me").status_code == 401
    stranger = UserFactory.create()
    foreign = services.user_session_record(user=stranger, session_key="z" * 32, ip_address=None, user_agent="")
    assert laptop.delete(f"/api/v1/account/sessions/{foreign.pk}").status_code == 404
