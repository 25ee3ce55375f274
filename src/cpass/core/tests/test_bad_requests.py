"""The error pages are ours, in the person's language, and a business error a view leaves unhandled is one."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from cpass.accounts.models import User

PROBLEM = "application/problem+json"


@pytest.mark.django_db
def test_unknown_page_is_our_404_page(owner: User, login) -> None:  # type: ignore[no-untyped-def]
    response = login(owner).get("/shipments/no-such-page/")
    text = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in text
    assert "Go to the dashboard" in text
    chinese = Client().get("/no-such-page/", headers={"Accept-Language": "zh-hans"})
    assert chinese.status_code == 404
    assert "页面不存在" in chinese.content.decode()


def test_server_error_page_needs_no_request_context() -> None:
    response = server_error(RequestFactory().get("/"))
    text = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in text
    assert "服务器出错了" in text


@pytest.mark.django_db
def test_business_error_a_view_leaves_unhandled_is_a_page_with_its_message(owner: User, login) -> None:  # type: ignore[no-untyped-def]
    response = login(owner).get("/imports/new/", {"kind": "no-such-importer"})
    text = response.content.decode()
    assert response.status_code == 422
    assert "There is no importer “no-such-importer”." in text
    assert 'data-testid="error-page"' in text
