import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpass.accounts import services
from cpass.accounts.models import ApiToken, User, UserSession
from cpass.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory, current_totp, enable_totp
from cpass.core.api import token_hash
from cpass.privacy.models import PolicyAcceptance

pytestmark = pytest.mark.django_db

STRONG = "Lantern-Harbour-2931"


@pytest.fixture(autouse=True)
def _axes_reset():
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def mailed_link(index: int = -1) -> str:
    """The site-relative path of the link in an outgoing e-mail."""
    match = re.search(r"http://127\.0\.0\.1:8000(\S+)", str(mail.outbox[index].body))
    assert match is not None
    return match.group(1)


def registration(**overrides):
    data = {
        "name": "Li Wei",
        "email": "li.wei@example.com",
        "phone": "13800138000",
        "password": STRONG,
        "password_confirm": STRONG,
        "language": "en",
        "accept_policy": "on",
    }
    data.update(overrides)
    return data


def login_post(client, email, password, **extra):
    return client.post(reverse("accounts:login"), {"email": email, "password": password}, **extra)


# --- registration and verification ----------------------------------------------------------


def test_register_signs_in_sends_link_and_gates_until_verified(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register"), registration(), REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify_pending")
    user = User.objects.get(email="li.wei@example.com")
    assert PolicyAcceptance.objects.get(user=user).ip_address == "198.51.100.7"
    assert UserSession.objects.filter(user=user).count() == 1

    gated = client.get(reverse("core:dashboard"))
    assert gated.status_code == 200
    assert b'data-testid="verify-pending"' in gated.content
    assert client.get(reverse("privacy:policy")).status_code == 200

    response = client.get(mailed_link(0))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    user.refresh_from_db()
    assert user.is_verified
    assert b'data-testid="verify-pending"' not in client.get(reverse("core:dashboard")).content


def test_register_shows_field_errors_for_duplicate_email_and_bad_phone(client):
    UserFactory.create(email="li.wei@example.com")
    response = client.post(
        reverse("accounts:register"), registration(email="LI.WEI@example.com", phone="123", password_confirm="x")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["password_confirm"] == ["The two passwords are not the same."]
    response = client.post(reverse("accounts:register"), registration(email="LI.WEI@example.com", phone="123"))
    errors = response.context["form"].errors
    assert errors["phone"] == ["Enter a valid mobile phone number, e.g. 13800138000."]
    response = client.post(reverse("accounts:register"), registration(email="LI.WEI@example.com"))
    assert response.context["form"].errors["email"] == ["An account with this e-mail address already exists."]


def test_register_requires_policy_acceptance_in_chinese(client):
    data = registration()
    del data["accept_policy"]
    response = client.post(reverse("accounts:register"), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.context["form"].errors["accept_policy"] == ["请阅读并同意隐私政策后再注册。"]
    assert User.objects.count() == 0


def test_resend_verification_is_rate_limited_with_seconds(client, settings, django_capture_on_commit_callbacks):
    settings.CPASS_VERIFICATION_RESEND_SECONDS = 60
    user = UserFactory.create(email_verified_at=None, verification_sent_at=timezone.now())
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("accounts:resend_verification"), follow=True)
    text = response.content.decode()
    match = re.search(r"You can ask for another one in (\d+) seconds\.", text)
    assert match is not None
    assert 50 <= int(match.group(1)) <= 60
    User.objects.filter(pk=user.pk).update(verification_sent_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:resend_verification"))
    assert mail.outbox[-1].to == [user.email]


def test_unverified_user_can_fix_email_address(client, django_capture_on_commit_callbacks):
    user = UserFactory.create(email="typo@exmaple.com", email_verified_at=None)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:settings_email"), {"email": "right@example.com"})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["right@example.com"]
    client.get(mailed_link())
    user.refresh_from_db()
    assert (user.email, user.is_verified) == ("right@example.com", True)


def test_invalid_verification_link_shows_error(client):
    response = client.get(reverse("accounts:verify_email", kwargs={"token": "nonsense"}))
    assert response.status_code == 400
    assert b"This link is invalid or has expired." in response.content


# --- login, lockout, two-factor ---------------------------------------------------------------


def test_login_sets_language_cookie_and_records_session(client):
    user = UserFactory.create(email="a@example.com", language="zh-hans")
    response = login_post(client, "A@Example.com", DEFAULT_PASSWORD, HTTP_USER_AGENT="Mozilla/5.0 Test")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    assert response.cookies["cpass_language"].value == "zh-hans"
    session = UserSession.objects.get(user=user)
    assert session.user_agent == "Mozilla/5.0 Test"
    assert session.session_key == client.session.session_key


def test_login_wrong_password_shows_error(client):
    UserFactory.create(email="a@example.com")
    response = login_post(client, "a@example.com", "wrong")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["The e-mail address or the password is not correct."]


def test_login_locks_out_account_after_failure_limit(client, settings):
    UserFactory.create(email="a@example.com")
    for _i in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login_post(client, "a@example.com", "wrong", REMOTE_ADDR=f"10.0.0.{_i + 1}").status_code == 200
    response = login_post(client, "a@example.com", "wrong", REMOTE_ADDR="10.0.1.1")
    assert response.status_code == 429
    assert b"Try again in 15 minutes." in response.content
    # Even the right password is refused while locked, from a fresh IP.
    response = login_post(client, "a@example.com", DEFAULT_PASSWORD, REMOTE_ADDR="10.0.2.1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_login_locks_out_ip_after_failure_limit_in_chinese(client, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        response = login_post(client, f"nobody{i}@example.com", "wrong", REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 429
    UserFactory.create(email="b@example.com")
    response = login_post(
        client, "b@example.com", DEFAULT_PASSWORD, REMOTE_ADDR="192.0.2.9", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 429
    assert "登录失败次数过多，已暂时禁止登录。请在 15 分钟后重试。" in response.content.decode()


def test_two_factor_login_with_totp_code(client):
    user = UserFactory.create(email="a@example.com")
    device = enable_totp(user)
    response = login_post(client, "a@example.com", DEFAULT_PASSWORD)
    assert response["Location"] == reverse("accounts:login_otp")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("accounts:login_otp"), {"code": "000000"})
    assert response.context["form"].errors["code"]
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    device.refresh_from_db()
    response = client.post(reverse("accounts:login_otp"), {"code": current_totp(device)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["otp_device_id"] == device.persistent_id


def test_two_factor_login_recovery_code_is_single_use(client):
    user = UserFactory.create(email="a@example.com")
    enable_totp(user)
    codes = services.recovery_codes_regenerate(user=user)
    login_post(client, "a@example.com", DEFAULT_PASSWORD)
    assert client.post(reverse("accounts:login_otp"), {"code": codes[0]}).status_code == 302
    other = Client()
    login_post(other, "a@example.com", DEFAULT_PASSWORD)
    response = other.post(reverse("accounts:login_otp"), {"code": codes[0]})
    assert response.status_code == 200
    assert "_auth_user_id" not in other.session


def test_logout_ends_session_record(client):
    user = UserFactory.create(email="a@example.com")
    login_post(client, "a@example.com", DEFAULT_PASSWORD)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")
    assert not UserSession.objects.filter(user=user).exists()


def test_language_switch_is_saved_to_the_user(client):
    user = UserFactory.create(email="a@example.com", language="en")
    login_post(client, "a@example.com", DEFAULT_PASSWORD)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    user.refresh_from_db()
    assert user.language == "zh-hans"


def test_user_time_zone_is_active(login):
    user = UserFactory.create(time_zone="Europe/Berlin")
    response = login(user).get(reverse("accounts:settings"))
    assert response.context["TIME_ZONE"] == "Europe/Berlin"


# --- password reset and change --------------------------------------------------------------


def test_password_reset_flow_in_users_language(client):
    user = UserFactory.create(email="a@example.com", language="zh-hans")
    response = client.post(reverse("accounts:password_reset"), {"email": "A@example.com"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    message = mail.outbox[-1]
    assert message.subject == "[C-pass] 设置新密码"
    response = client.get(mailed_link(), follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": STRONG, "new_password2": STRONG})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(STRONG)


def test_password_change_on_security_page(login):
    user = UserFactory.create()
    client = login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password": STRONG, "new_password_confirm": STRONG},
    )
    assert response.context["password_form"].errors["old_password"] == ["The current password is not correct."]
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password": "short", "new_password_confirm": "short"},
    )
    assert response.context["password_form"].errors["new_password"][0].startswith("This password is too short.")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password": STRONG, "new_password_confirm": STRONG},
    )
    assert response["Location"] == reverse("accounts:security")
    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert client.get(reverse("accounts:security")).status_code == 200  # still signed in


# --- security page: two-factor and sessions -------------------------------------------------


def test_enable_two_factor_shows_qr_and_recovery_codes_once(login):
    user = UserFactory.create()
    client = login(user)
    assert client.post(reverse("accounts:totp_setup"))["Location"] == reverse("accounts:totp_setup")
    page = client.get(reverse("accounts:totp_setup"))
    assert b"<svg" in page.content
    assert b"style=" not in page.content
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("accounts:totp_setup"), {"code": "000000"})
    assert response.context["form"].errors["code"]
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    device.refresh_from_db()
    response = client.post(reverse("accounts:totp_setup"), {"code": current_totp(device)})
    assert len(response.context["codes"]) == 10
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.session["otp_device_id"] == device.persistent_id
    page = client.get(reverse("accounts:security")).content.decode()
    assert "10 unused recovery codes left." in page
    assert response.context["codes"][0] not in page


def test_disable_two_factor_requires_password(login):
    user = UserFactory.create()
    enable_totp(user)
    client = login(user)
    response = client.post(reverse("accounts:two_factor_disable"), {"password": "wrong"})
    assert response.context["disable_form"].errors["password"] == ["The password is not correct."]
    assert TOTPDevice.objects.filter(user=user).exists()
    client.post(reverse("accounts:two_factor_disable"), {"password": DEFAULT_PASSWORD})
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_sessions_listed_and_revoked(client):
    user = UserFactory.create(email="a@example.com")
    other_device = Client()
    login_post(other_device, "a@example.com", DEFAULT_PASSWORD, HTTP_USER_AGENT="Phone")
    third = Client()
    login_post(third, "a@example.com", DEFAULT_PASSWORD, HTTP_USER_AGENT="Tablet")
    login_post(client, "a@example.com", DEFAULT_PASSWORD, HTTP_USER_AGENT="Laptop")
    page = client.get(reverse("accounts:security"))
    assert len(page.context["sessions"]) == 3
    assert page.content.decode().count("This device") == 1
    phone = UserSession.objects.get(user_agent="Phone")
    response = client.post(reverse("accounts:session_revoke", args=[phone.pk]))
    assert response["Location"] == reverse("accounts:security")
    assert other_device.get(reverse("accounts:settings"))["Location"].startswith(reverse("accounts:login"))
    client.post(reverse("accounts:sessions_revoke_others"))
    assert list(UserSession.objects.filter(user=user).values_list("user_agent", flat=True)) == ["Laptop"]
    assert not Session.objects.filter(session_key=UserSession.objects.get(user_agent="Laptop").session_key).count() == 0
    assert third.get(reverse("accounts:settings")).status_code == 302


def test_revoking_someone_elses_session_is_404(login):
    stranger = UserFactory.create()
    record = services.user_session_record(user=stranger, session_key="k" * 32, ip_address=None, user_agent="")
    assert login(UserFactory.create()).post(reverse("accounts:session_revoke", args=[record.pk])).status_code == 404
    assert UserSession.objects.filter(pk=record.pk).exists()


# --- settings --------------------------------------------------------------------------------


def test_settings_saves_preferences_and_email_change_waits_for_verification(login, django_capture_on_commit_callbacks):
    user = UserFactory.create(email="old@example.com")
    client = login(user)
    data = {
        "name": "Wang Fang",
        "email": "new@example.com",
        "phone": "13900139000",
        "language": "zh-hans",
        "time_zone": "Asia/Hong_Kong",
        "notify_by_email": "on",
        "marketing_post": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:settings"), data)
    assert response["Location"] == reverse("accounts:settings")
    assert response.cookies["cpass_language"].value == "zh-hans"
    user.refresh_from_db()
    assert (user.name, user.phone, user.time_zone) == ("Wang Fang", "+8613900139000", "Asia/Hong_Kong")
    assert (user.email, user.pending_email) == ("old@example.com", "new@example.com")
    assert (user.marketing_post, user.marketing_email, user.marketing_sms, user.marketing_phone) == (
        True,
        False,
        False,
        False,
    )
    assert mail.outbox[-1].to == ["new@example.com"]


def test_settings_rejects_unknown_time_zone_inline(login):
    user = UserFactory.create()
    response = login(user).post(
        reverse("accounts:settings"),
        {"name": "X", "email": user.email, "phone": "", "language": "en", "time_zone": "Mars/Base"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["time_zone"]


# --- API tokens page --------------------------------------------------------------------------


def test_tokens_page_creates_token_shown_once_and_revokes(login, enterprise, owner):
    client = login(owner)
    response = client.post(
        reverse("accounts:tokens"),
        {"name": "ERP", "enterprise": enterprise.pk, "scopes": ["documents:read"], "expires_in_days": 30},
    )
    secret = response.context["created"]["secret"]
    token = ApiToken.objects.get(user=owner)
    assert token.token_hash == token_hash(secret)
    assert secret in response.content.decode()
    listing = client.get(reverse("accounts:tokens")).content.decode()
    assert secret not in listing
    assert token.prefix in listing
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_tokens_page_rejects_foreign_enterprise_and_too_long_expiry(
    login, enterprise, other_enterprise, owner, settings
):
    response = login(owner).post(
        reverse("accounts:tokens"),
        {
            "name": "ERP",
            "enterprise": other_enterprise.pk,
            "scopes": [],
            "expires_in_days": settings.CPASS_API_TOKEN_MAX_DAYS + 1,
        },
    )
    errors = response.context["form"].errors
    assert sorted(errors) == ["enterprise", "expires_in_days", "scopes"]
    assert ApiToken.objects.count() == 0


def test_revoking_someone_elses_token_is_404(login, enterprise, owner, make_member, make_actor):
    token, _secret = services.api_token_create(
        actor=make_actor(owner, enterprise),
        name="x",
        enterprise_id=enterprise.pk,
        scopes=["account:read"],
        expires_in_days=1,
    )
    other = make_member(enterprise, "admin").user
    assert login(other).post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404


# --- admin ------------------------------------------------------------------------------------


def test_admin_needs_staff_with_two_factor(login):
    staff = UserFactory.create(is_staff=True, is_superuser=True)
    client = login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == reverse("accounts:security")
    device = enable_totp(staff)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
