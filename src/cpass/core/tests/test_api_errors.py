"""Every API error is RFC 9457 problem+json with a precise status and the offending field."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from cpass.accounts.models import User
from cpass.accounts.tests.factories import bearer, make_api_token
from cpass.organizations.models import Enterprise

PROBLEM = "application/problem+json"
PROBE = "/api/probe/probes"


@pytest.fixture
def token(owner: User, enterprise: Enterprise) -> str:
    return make_api_token(owner, enterprise)


def _problem(response) -> dict:  # type: ignore[no-untyped-def]
    assert response["Content-Type"] == PROBLEM
    return json.loads(response.content)


@pytest.mark.django_db
def test_no_auth_is_401_problem() -> None:
    response = Client().get("/api/v1/audit/access-log")
    body = _problem(response)
    assert response.status_code == 401
    assert body["title"] == "Unauthorized"
    assert body["instance"] == "/api/v1/audit/access-log"
    assert response["WWW-Authenticate"] == 'Bearer realm="cpass"'


@pytest.mark.django_db
def test_unknown_token_is_401() -> None:
    response = Client().get("/api/v1/audit/access-log", headers=bearer("cp_not-a-real-token"))
    assert response.status_code == 401
    assert _problem(response)["status"] == 401


def test_expired_token_is_401(owner: User, enterprise: Enterprise) -> None:
    secret = make_api_token(owner, enterprise, expires_in=timedelta(seconds=-1))
    response = Client().get("/api/v1/audit/access-log", headers=bearer(secret))
    assert response.status_code == 401
    assert _problem(response)["status"] == 401


def test_revoked_token_is_401(owner: User, enterprise: Enterprise) -> None:
    secret = make_api_token(owner, enterprise, revoked=True)
    response = Client().get("/api/v1/audit/access-log", headers=bearer(secret))
    assert response.status_code == 401
    assert _problem(response)["status"] == 401


def test_token_of_inactive_user_is_401(owner: User, enterprise: Enterprise) -> None:
    secret = make_api_token(owner, enterprise)
    User.objects.filter(pk=owner.pk).update(is_active=False)
    response = Client().get("/api/v1/audit/access-log", headers=bearer(secret))
    assert response.status_code == 401


def test_valid_token_is_200(token: str) -> None:
    response = Client().get("/api/v1/audit/access-log", headers=bearer(token))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing-here", "/api/v1/audit/nope/deeper", "/api/v1/audit", "/api/v1/products/\u00ff\n/specification"],
)
def test_unknown_path_is_404_problem(path: str) -> None:
    response = Client().get(path)
    body = _problem(response)
    assert response.status_code == 404
    assert body["instance"] == response.wsgi_request.path


@pytest.mark.django_db
def test_unknown_path_post_without_csrf_is_still_404_problem() -> None:
    response = Client(enforce_csrf_checks=True).post("/api/v1/nothing", data="{}", content_type="application/json")
    assert response.status_code == 404
    assert _problem(response)["status"] == 404


def test_wrong_query_type_is_422_naming_the_parameter(token: str) -> None:
    response = Client().get("/api/v1/audit/changes?user_id=abc", headers=bearer(token))
    body = _problem(response)
    assert response.status_code == 422
    assert [e["field"] for e in body["errors"]] == ["user_id"]


def test_bad_datetime_is_422(token: str) -> None:
    response = Client().get("/api/v1/audit/changes?since=yesterday", headers=bearer(token))
    assert response.status_code == 422
    assert [e["field"] for e in _problem(response)["errors"]] == ["since"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "limit"), ("limit=201", "limit"), ("limit=x", "limit"), ("offset=-1", "offset")],
)
def test_bad_pagination_is_422_naming_the_parameter(token: str, query: str, field: str) -> None:
    response = Client().get(f"/api/v1/audit/access-log?{query}", headers=bearer(token))
    assert response.status_code == 422
    assert [e["field"] for e in _problem(response)["errors"]] == [field]


def test_pagination_shape(token: str) -> None:
    response = Client().get("/api/v1/audit/access-log?limit=2&offset=0", headers=bearer(token))
    body = response.json()
    assert set(body) == {"count", "items", "limit", "offset"}
    assert (body["limit"], body["offset"]) == (2, 0)


def test_pagination_defaults(token: str) -> None:
    body = Client().get("/api/v1/audit/access-log", headers=bearer(token)).json()
    assert (body["limit"], body["offset"]) == (50, 0)


def test_bad_ordering_is_422_naming_ordering(token: str) -> None:
    response = Client().get("/api/v1/audit/changes?ordering=user_repr", headers=bearer(token))
    body = _problem(response)
    assert response.status_code == 422
    assert body["errors"] == [{"field": "ordering", "message": "Allowed: time"}]


def test_missing_scope_is_403(owner: User, enterprise: Enterprise) -> None:
    secret = make_api_token(owner, enterprise, scopes=["documents:read"])
    response = Client().get("/api/v1/audit/access-log", headers=bearer(secret))
    assert response.status_code == 403
    assert _problem(response)["detail"] == "This API token lacks the audit:read scope."


def test_problem_is_translated(token: str) -> None:
    response = Client().get("/api/v1/nothing", headers={**bearer(token), "Accept-Language": "zh-hans"})
    assert response.status_code == 404
    assert _problem(response)["title"] == "未找到"


@pytest.mark.urls("cpass.core.tests.urls")
def test_malformed_json_is_400_problem(token: str) -> None:
    response = Client().post(PROBE, data="{not json", content_type="application/json", headers=bearer(token))
    body = _problem(response)
    assert response.status_code == 400
    assert body["title"] == "Bad request"
    assert body["detail"] == "Cannot parse request body"


@pytest.mark.urls("cpass.core.tests.urls")
def test_wrong_body_type_is_422_naming_the_field(token: str) -> None:
    payload = json.dumps({"name": "crate", "quantity": "many"})
    response = Client().post(PROBE, data=payload, content_type="application/json", headers=bearer(token))
    body = _problem(response)
    assert response.status_code == 422
    assert [e["field"] for e in body["errors"]] == ["quantity"]


@pytest.mark.urls("cpass.core.tests.urls")
def test_missing_field_is_422_required(token: str) -> None:
    payload = json.dumps({"name": "crate"})
    response = Client().post(PROBE, data=payload, content_type="application/json", headers=bearer(token))
    assert response.status_code == 422
    assert _problem(response)["errors"] == [{"field": "quantity", "message": "This field is required."}]


@pytest.mark.urls("cpass.core.tests.urls")
def test_unknown_field_is_422_unknown_field(token: str) -> None:
    payload = json.dumps({"name": "crate", "quantity": 1, "colour": "red"})
    response = Client().post(PROBE, data=payload, content_type="application/json", headers=bearer(token))
    assert response.status_code == 422
    assert _problem(response)["errors"] == [{"field": "colour", "message": "Unknown field."}]


@pytest.mark.urls("cpass.core.tests.urls")
def test_service_validation_error_is_422_with_field(token: str) -> None:
    payload = json.dumps({"name": "crate", "quantity": -1})
    response = Client().post(PROBE, data=payload, content_type="application/json", headers=bearer(token))
    assert response.status_code == 422
    assert _problem(response)["errors"] == [{"field": "quantity", "message": "Must not be negative."}]


@pytest.mark.urls("cpass.core.tests.urls")
def test_body_over_the_limit_is_413(token: str, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    payload = json.dumps({"name": "x" * 200, "quantity": 1})
    response = Client().post(PROBE, data=payload, content_type="application/json", headers=bearer(token))
    body = _problem(response)
    assert response.status_code == 413
    assert body["detail"] == "The request body is larger than 100 bytes."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "language", "message"),
    [
        ("offset=abc", "en", "Enter a whole number."),
        ("offset=abc", "zh-hans", "请输入整数。"),
        ("limit=500", "en", "Enter a value of at most 200."),
        ("limit=500", "zh-hans", "请输入不大于 200 的值。"),
        ("offset=-1", "en", "Enter a value of at least 0."),
    ],
)
def test_invalid_query_parameter_message_is_ours_in_the_request_language(
    token: str, query: str, language: str, message: str
) -> None:
    response = Client().get(f"/api/v1/audit/access-log?{query}", headers={**bearer(token), "Accept-Language": language})
    assert response.status_code == 422
    assert _problem(response)["errors"] == [{"field": query.split("=")[0], "message": message}]


@pytest.mark.django_db
def test_multipart_body_without_its_boundary_is_400(token: str) -> None:
    """Django's multipart parser refuses such a body; the client gets a problem, not a 500."""
    response = Client().post("/api/v1/documents", data=b"x", content_type="multipart/form-data", headers=bearer(token))
    body = _problem(response)
    assert response.status_code == 400
    assert body["detail"].startswith("The request body is malformed: ")
    assert "boundary" in body["detail"]


@pytest.mark.urls("cpass.core.tests.urls")
def test_session_post_without_csrf_is_403_problem(owner: User, login) -> None:  # type: ignore[no-untyped-def]
    client = login(owner)
    client.handler.enforce_csrf_checks = True
    response = client.post(PROBE, data=json.dumps({"name": "a", "quantity": 1}), content_type="application/json")
    assert response.status_code == 403
    assert _problem(response)["status"] == 403


@pytest.mark.django_db
def test_openapi_document_is_served() -> None:
    response = Client().get("/api/v1/openapi.json")
    schema = response.json()
    assert response.status_code == 200
    assert schema["info"]["title"] == "C-pass API"
    assert "/api/v1/audit/changes" in schema["paths"]
    assert "/api/v1/audit/changes/{object_type}/{object_id}" in schema["paths"]
    assert "/api/v1/audit/access-log" in schema["paths"]
    # Every operation documents its errors as problem+json (a `default` response), PDFs their own as well.
    problem = {"$ref": "#/components/schemas/Problem"}
    for operations in schema["paths"].values():
        for operation in operations.values():
            assert operation["responses"]["default"]["content"][PROBLEM]["schema"] == problem
    assert set(schema["components"]["schemas"]["Problem"]["required"]) == {"type", "title", "status", "detail"}


@pytest.mark.django_db
def test_docs_page_runs_under_the_csp_without_a_cdn(settings) -> None:  # type: ignore[no-untyped-def]
    # The test run has no collectstatic manifest; the page only needs the asset URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    response = Client().get("/api/v1/docs")
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert response.status_code == 200
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "cdn" not in html.lower()
    assert '<script src="/static/ninja/swagger-ui-bundle.js"></script>' in html
    assert '<script src="/static/ninja/swagger-ui-init.js"></script>' in html
    # The only inline <script> is the JSON settings block, which browsers never execute.
    assert html.count("<script") == 3
    assert '<script type="application/json" id="swagger-settings">' in html
    assert 'style="' not in html


@pytest.mark.django_db
@pytest.mark.parametrize("asset", ["ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"])
def test_docs_assets_are_served_locally(asset: str) -> None:
    assert finders.find(asset) is not None
