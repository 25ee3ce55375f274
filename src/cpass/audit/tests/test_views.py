"""The change log page (admins and owners), its HTMX filter, and the personal access log page."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cpass.audit.models import AccessLog, ObjectChange
from cpass.documents.tests.factories import DocumentFactory

CHANGES = reverse("audit:changes")
ACCESS = reverse("audit:access_log")


def test_changes_page_for_owner(owner, enterprise, other_enterprise, login) -> None:  # type: ignore[no-untyped-def]
    DocumentFactory.create(enterprise=enterprise, title="Packing list 42")
    DocumentFactory.create(enterprise=other_enterprise, title="Secret of others")
    response = login(owner).get(CHANGES)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Packing list 42" in html
    assert "Secret of others" not in html
    assert 'data-testid="change-history"' in html
    assert "<ins>Packing list 42</ins>" in html


@pytest.mark.parametrize("role", ["operator", "viewer"])
def test_changes_page_404_for_non_admins(make_member, enterprise, login, role) -> None:  # type: ignore[no-untyped-def]
    assert login(make_member(enterprise, role).user).get(CHANGES).status_code == 404


def test_changes_page_requires_login(db) -> None:  # type: ignore[no-untyped-def]
    response = Client().get(CHANGES)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_changes_page_htmx_filter_returns_partial(owner, enterprise, login) -> None:  # type: ignore[no-untyped-def]
    DocumentFactory.create(enterprise=enterprise, title="Contract A")
    response = login(owner).get(CHANGES, {"object_type": "organizations.enterprise"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="change-results">')
    assert "<html" not in html
    assert "Contract A" not in html
    assert enterprise.name in html


def test_changes_page_date_range_error_is_inline(owner, login) -> None:  # type: ignore[no-untyped-def]
    response = login(owner).get(CHANGES, {"since": "2026-03-02", "until": "2026-03-01"})
    assert response.status_code == 200
    assert "The end date must not be before the start date." in response.content.decode()


def test_changes_page_in_chinese(owner, login) -> None:  # type: ignore[no-untyped-def]
    client = login(owner)
    client.cookies["cpass_language"] = "zh-hans"
    html = client.get(CHANGES).content.decode()
    assert "变更记录" in html


def test_changes_page_paginates(owner, enterprise, login) -> None:  # type: ignore[no-untyped-def]
    ct = ObjectChange.objects.first().content_type  # type: ignore[union-attr]
    ObjectChange.objects.bulk_create(
        [
            ObjectChange(enterprise=enterprise, action="update", content_type=ct, object_id="1", object_repr=f"row {i}")
            for i in range(60)
        ]
    )
    html = login(owner).get(CHANGES, {"page": 2}).content.decode()
    assert "Page 2 of 2" in html


def test_access_log_page_shows_own_requests(owner, login) -> None:  # type: ignore[no-untyped-def]
    AccessLog.objects.create(
        time=timezone.now(),
        method="POST",
        path="/documents/upload/",
        status=302,
        user_id=owner.pk,
        ip_address="203.0.113.9",
        browser="Firefox 128",
        operating_system="Windows",
        duration_ms=12,
    )
    AccessLog.objects.create(
        time=timezone.now(), method="GET", path="/not-mine/", status=200, user_id=None, duration_ms=1
    )
    html = login(owner).get(ACCESS).content.decode()
    assert "/documents/upload/" in html
    assert "203.0.113.9" in html
    assert "Firefox 128" in html
    assert "/not-mine/" not in html


def test_audit_models_are_read_only_in_admin() -> None:
    for model in (ObjectChange, AccessLog):
        model_admin = site._registry[model]
        assert model_admin.has_add_permission(None) is False  # type: ignore[arg-type]
        assert model_admin.has_change_permission(None) is False  # type: ignore[arg-type]
        assert model_admin.has_delete_permission(None) is False  # type: ignore[arg-type]
