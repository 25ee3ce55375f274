import pytest
from django.urls import reverse

from cpass.privacy.policy import CURRENT_POLICY_VERSION, policy_template

pytestmark = pytest.mark.django_db


def test_policy_in_english(client, settings):
    settings.CPASS_ACCESS_LOG_RETENTION_DAYS = 180
    response = client.get(reverse("privacy:policy"), HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert response.status_code == 200
    assert f"Version {CURRENT_POLICY_VERSION}" in text
    assert "It is kept for 180 days and then deleted automatically." in text
    assert "All of them are off until you turn them on" in text


def test_policy_in_chinese(client, settings):
    settings.CPASS_ACCESS_LOG_RETENTION_DAYS = 90
    response = client.get(reverse("privacy:policy"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    text = response.content.decode()
    assert "隐私政策" in text
    assert f"版本 {CURRENT_POLICY_VERSION}" in text
    assert "访问日志保存 90 天，之后自动删除。" in text


def test_policy_open_to_unverified_users(login):
    from cpass.accounts.tests.factories import UserFactory

    response = login(UserFactory.create(email_verified_at=None)).get(reverse("privacy:policy"))
    assert b'data-testid="privacy-policy"' in response.content


def test_policy_template_falls_back_to_english():
    assert policy_template("2026-11-01", "fr") == "privacy/policy_2026-11-01_en.html"
    assert policy_template("2026-11-01", "zh-hant") == "privacy/policy_2026-11-01_zh-hans.html"
