"""/api/v1/audit: authorization matrix, filters, pagination and ordering."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cpass.accounts.tests.factories import UserFactory, bearer, make_api_token
from cpass.audit.models import AccessLog
from cpass.documents.tests.factories import DocumentFactory
from cpass.organizations.tests.factories import PartnerGrantFactory

CHANGES = "/api/v1/audit/changes"


def _get(secret: str, url: str):  # type: ignore[no-untyped-def]
    return Client().get(url, headers=bearer(secret))


def test_changes_for_owner(owner, enterprise, other_enterprise) -> None:  # type: ignore[no-untyped-def]
    doc = DocumentFactory.create(enterprise=enterprise, title="Mine")
    DocumentFactory.create(enterprise=other_enterprise, title="Theirs")
    body = _get(make_api_token(owner, enterprise), f"{CHANGES}?object_type=documents.document").json()
    assert body["count"] == 1
    [item] = body["items"]
    assert (item["object_type"], item["object_id"], item["action"], item["object_repr"]) == (
        "documents.document",
        str(doc.pk),
        "create",
        "Mine",
    )
    assert item["enterprise_id"] == enterprise.pk


@pytest.mark.parametrize("role", ["operator", "viewer"])
def test_changes_404_for_non_admins(make_member, enterprise, role) -> None:  # type: ignore[no-untyped-def]
    user = make_member(enterprise, role).user
    response = _get(make_api_token(user, enterprise), CHANGES)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_changes_anonymous_401(db) -> None:  # type: ignore[no-untyped-def]
    assert Client().get(CHANGES).status_code == 401


def test_changes_session_auth(owner, enterprise, login) -> None:  # type: ignore[no-untyped-def]
    response = login(owner).get(f"{CHANGES}?object_type=organizations.enterprise")
    assert response.status_code == 200
    assert [i["object_id"] for i in response.json()["items"]] == [str(enterprise.pk)]


def test_changes_pagination_and_ordering(owner, enterprise) -> None:  # type: ignore[no-untyped-def]
    docs = [DocumentFactory.create(enterprise=enterprise) for _ in range(3)]
    secret = make_api_token(owner, enterprise)
    newest = _get(secret, f"{CHANGES}?object_type=documents.document&limit=2").json()
    oldest = _get(secret, f"{CHANGES}?object_type=documents.document&ordering=time&limit=2&offset=1").json()
    assert (newest["count"], newest["limit"], newest["offset"]) == (3, 2, 0)
    assert [i["object_id"] for i in newest["items"]] == [str(docs[2].pk), str(docs[1].pk)]
    assert [i["object_id"] for i in oldest["items"]] == [str(docs[1].pk), str(docs[2].pk)]


def test_changes_time_window(owner, enterprise) -> None:  # type: ignore[no-untyped-def]
    DocumentFactory.create(enterprise=enterprise)
    secret = make_api_token(owner, enterprise)
    later = (timezone.now() + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    assert _get(secret, f"{CHANGES}?object_type=documents.document&since={later}").json()["count"] == 0
    assert _get(secret, f"{CHANGES}?object_type=documents.document&until={later}").json()["count"] == 1


def test_changes_until_before_since_is_422(owner, enterprise) -> None:  # type: ignore[no-untyped-def]
    response = _get(
        make_api_token(owner, enterprise), f"{CHANGES}?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "until", "message": "Must be later than 'since'."}]


def test_object_history(owner, enterprise) -> None:  # type: ignore[no-untyped-def]
    doc = DocumentFactory.create(enterprise=enterprise, title="A")
    doc.title = "B"
    doc.save()
    secret = make_api_token(owner, enterprise, scopes=["audit:read", "documents:read"])
    body = _get(secret, f"{CHANGES}/documents.document/{doc.pk}").json()
    assert [(i["action"], i["before"], i["after"] if i["action"] == "update" else None) for i in body["items"]] == [
        ("update", {"title": "A"}, {"title": "B"}),
        ("create", None, None),
    ]


def test_object_history_for_viewer_who_can_read(make_member, enterprise) -> None:  # type: ignore[no-untyped-def]
    doc = DocumentFactory.create(enterprise=enterprise)
    viewer = make_member(enterprise, "viewer").user
    secret = make_api_token(viewer, enterprise, scopes=["audit:read", "documents:read"])
    assert _get(secret, f"{CHANGES}/documents.document/{doc.pk}").json()["count"] == 1


def test_object_history_needs_the_module_scope(owner, enterprise) -> None:  # type: ignore[no-untyped-def]
    doc = DocumentFactory.create(enterprise=enterprise)
    response = _get(make_api_token(owner, enterprise, scopes=["audit:read"]), f"{CHANGES}/documents.document/{doc.pk}")
    assert response.status_code == 404


def test_object_history_other_tenant_404(owner, enterprise, other_enterprise) -> None:  # type: ignore[no-untyped-def]
    theirs = DocumentFactory.create(enterprise=other_enterprise)
    secret = make_api_token(owner, enterprise, scopes=["audit:read", "documents:read"])
    response = _get(secret, f"{CHANGES}/documents.document/{theirs.pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "No such object, or you have no access to it."


def test_object_history_through_partner_grant(owner, enterprise, other_enterprise) -> None:  # type: ignore[no-untyped-def]
    theirs = DocumentFactory.create(enterprise=other_enterprise)
    PartnerGrantFactory.create(grantor=other_enterprise, grantee=enterprise, module="documents")
    secret = make_api_token(owner, enterprise, scopes=["audit:read", "documents:read"])
    assert _get(secret, f"{CHANGES}/documents.document/{theirs.pk}").status_code == 200


def test_object_history_of_other_enterprise_404(owner, enterprise, other_enterprise) -> None:  # type: ignore[no-untyped-def]
    secret = make_api_token(owner, enterprise)
    assert _get(secret, f"{CHANGES}/organizations.enterprise/{enterprise.pk}").status_code == 200
    assert _get(secret, f"{CHANGES}/organizations.enterprise/{other_enterprise.pk}").status_code == 404


def test_access_log_only_own(owner, enterprise) -> None:  # type: ignore[no-untyped-def]
    other = UserFactory.create()
    AccessLog.objects.create(
        time=timezone.now(), method="GET", path="/theirs/", status=200, user_id=other.pk, duration_ms=1
    )
    secret = make_api_token(owner, enterprise)
    _get(secret, "/api/v1/audit/access-log")  # this request is itself logged, for the owner
    body = _get(secret, "/api/v1/audit/access-log").json()
    assert [i["path"] for i in body["items"]] == ["/api/v1/audit/access-log"]
    assert body["items"][0]["enterprise_id"] == enterprise.pk
