from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpass.accounts import services
from cpass.accounts.models import ApiToken, User, UserSession
from cpass.accounts.tests.factories import UserFactory, current_totp, enable_totp
from cpass.core.api import token_hash
from cpass.core.errors import NotFound, PermissionDenied, RateLimited, ValidationFailed
from cpass.privacy.models import PolicyAcceptance
from cpass.privacy.policy import CURRENT_POLICY_VERSION

pytestmark = pytest.mark.django_db

STRONG = "Lantern-Harbour-2931"


def register(**overrides):
    data = {
        "name": "Li Wei",
        "email": "Li.Wei@Example.com",
        "phone": "13800138000",
        "password": STRONG,
        "language": "zh-hans",
        "accepted_policy_version": CURRENT_POLICY_VERSION,
        "ip_address": "203.0.113.5",
    }
    data.update(overrides)
    return services.user_register(**data)


def test_register_creates_unverified_user_with_e164_phone_and_policy_acceptance(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = register()
    user.refresh_from_db()
    assert user.email == "li.wei@example.com"
    assert user.phone == "+8613800138000"
    assert user.language == "zh-hans"
    assert user.is_verified is False
    assert user.check_password(STRONG)
    assert user.password.startswith("argon2$")
    acceptance = PolicyAcceptance.objects.get(user=user)
    assert (acceptance.version, acceptance.ip_address) == (CURRENT_POLICY_VERSION, "203.0.113.5")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["li.wei@example.com"]
    assert mail.outbox[0].subject == "[C-pass] 请确认您的电子邮箱地址"
    assert "http://127.0.0.1:8000/accounts/verify/" in mail.outbox[0].body


def test_register_rejects_duplicate_email_case_insensitively():
    UserFactory.create(email="li.wei@example.com")
    with pytest.raises(ValidationFailed) as exc:
        register(email="LI.WEI@example.com")
    assert exc.value.errors == {"email": ["An account with this e-mail address already exists."]}


@pytest.mark.parametrize(
    ("field", "value"),
    [("phone", "12345"), ("password", "password"), ("language", "fr"), ("accepted_policy_version", "2020-01-01")],
)
def test_register_rejects_bad_input(field, value):
    with pytest.raises(ValidationFailed) as exc:
        register(**{field: value})
    expected_field = "accept_policy" if field == "accepted_policy_version" else field
    assert list(exc.value.errors) == [expected_field]
    assert User.objects.count() == 0


def test_phone_to_e164_accepts_international_numbers():
    assert services.phone_to_e164("+44 20 7946 0958") == "+442079460958"
    assert services.phone_to_e164("138 0013 8000") == "+8613800138000"


def test_verify_email_link_marks_verified_and_is_bound_to_the_address():
    user = UserFactory.create(email_verified_at=None)
    token = services.email_verification_token(user=user, email=user.email)
    assert services.user_verify_email(token=token).pk == user.pk
    user.refresh_from_db()
    assert user.is_verified


def test_verify_email_rejects_tampered_and_expired_tokens(settings):
    user = UserFactory.create(email_verified_at=None)
    token = services.email_verification_token(user=user, email=user.email)
    with pytest.raises(ValidationFailed):
        services.user_verify_email(token=token + "x")
    settings.PASSWORD_RESET_TIMEOUT = -1
    with pytest.raises(ValidationFailed):
        services.user_verify_email(token=token)


def test_email_change_goes_to_pending_until_the_new_address_is_verified(django_capture_on_commit_callbacks):
    user = UserFactory.create(email="old@example.com")
    old_token = services.email_verification_token(user=user, email="old@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        services.user_update(user=user, email="New@Example.com")
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("old@example.com", "new@example.com")
    assert mail.outbox[-1].to == ["new@example.com"]
    token = services.email_verification_token(user=user, email="new@example.com")
    services.user_verify_email(token=token)
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("new@example.com", "")
    with pytest.raises(ValidationFailed):
        services.user_verify_email(token=old_token)


def test_email_change_to_a_taken_address_is_refused():
    UserFactory.create(email="taken@example.com")
    user = UserFactory.create()
    with pytest.raises(ValidationFailed) as exc:
        services.user_request_email_change(user=user, email="TAKEN@example.com")
    assert list(exc.value.errors) == ["email"]


def test_resend_verification_is_rate_limited(settings, django_capture_on_commit_callbacks):
    settings.CPASS_VERIFICATION_RESEND_SECONDS = 60
    user = UserFactory.create(email_verified_at=None, verification_sent_at=timezone.now() - timedelta(seconds=20))
    with pytest.raises(RateLimited) as exc:
        services.user_send_verification(user=user)
    assert 30 <= exc.value.retry_after <= 40
    User.objects.filter(pk=user.pk).update(verification_sent_at=timezone.now() - timedelta(seconds=61))
    with django_capture_on_commit_callbacks(execute=True):
        services.user_send_verification(user=user)
    assert mail.outbox[-1].to == [user.email]


def test_user_update_validates_time_zone_and_saves_preferences():
    user = UserFactory.create()
    with pytest.raises(ValidationFailed) as exc:
        services.user_update(user=user, time_zone="Mars/Base")
    assert list(exc.value.errors) == ["time_zone"]
    services.user_update(user=user, time_zone="Europe/Berlin", marketing_sms=True, notify_by_email=False)
    user.refresh_from_db()
    assert (user.time_zone, user.marketing_sms, user.notify_by_email, user.marketing_email) == (
        "Europe/Berlin",
        True,
        False,
        False,
    )


def test_totp_confirm_needs_a_valid_code_and_creates_ten_recovery_codes():
    user = UserFactory.create()
    device = services.totp_device_begin(user=user)
    with pytest.raises(ValidationFailed):
        services.totp_device_confirm(user=user, device_id=device.pk, code="000000")
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    confirmed, codes = services.totp_device_confirm(user=user, device_id=device.pk, code=current_totp(device))
    assert confirmed.confirmed is True
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10


def test_recovery_code_works_once():
    user = UserFactory.create()
    enable_totp(user)
    codes = services.recovery_codes_regenerate(user=user)
    assert services.two_factor_verify(user=user, code=codes[0].upper()).user_id == user.pk
    with pytest.raises(ValidationFailed):
        services.two_factor_verify(user=user, code=codes[0])


def test_two_factor_disable_requires_the_password():
    user = UserFactory.create()
    enable_totp(user)
    services.recovery_codes_regenerate(user=user)
    with pytest.raises(ValidationFailed) as exc:
        services.two_factor_disable(user=user, password="wrong")
    assert list(exc.value.errors) == ["password"]
    services.two_factor_disable(user=user, password="correct-horse-battery-9")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()


def test_api_token_create_stores_only_hash_and_prefix(enterprise, owner, make_actor):
    token, secret = services.api_token_create(
        actor=make_actor(owner, enterprise),
        name="ERP",
        enterprise_id=enterprise.pk,
        scopes=["documents:read", "account:read"],
        expires_in_days=30,
    )
    assert secret.startswith("cp_")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == token_hash(secret)
    assert stored.prefix == secret[:10]
    assert stored.scopes == ["account:read", "documents:read"]
    assert secret not in str(ApiToken.objects.values().get(pk=token.pk))


def test_api_token_create_validates_every_field(enterprise, other_enterprise, owner, make_actor, settings):
    settings.CPASS_API_TOKEN_MAX_DAYS = 365
    with pytest.raises(ValidationFailed) as exc:
        services.api_token_create(
            actor=make_actor(owner, enterprise),
            name=" ",
            enterprise_id=other_enterprise.pk,
            scopes=["documents:delete"],
            expires_in_days=366,
        )
    assert sorted(exc.value.errors) == ["enterprise", "expires_in_days", "name", "scopes"]


def test_a_token_cannot_create_tokens(enterprise, owner, make_actor):
    with pytest.raises(PermissionDenied):
        services.api_token_create(
            actor=make_actor(owner, enterprise, scopes=frozenset({"account:write"})),
            name="x",
            enterprise_id=enterprise.pk,
            scopes=["account:read"],
            expires_in_days=1,
        )


def test_api_token_revoke_only_own(enterprise, owner, make_member, make_actor):
    token, _secret = services.api_token_create(
        actor=make_actor(owner, enterprise),
        name="x",
        enterprise_id=enterprise.pk,
        scopes=["account:read"],
        expires_in_days=1,
    )
    stranger = make_member(enterprise).user
    with pytest.raises(NotFound):
        services.api_token_revoke(actor=make_actor(stranger, enterprise), token_id=token.pk)
    services.api_token_revoke(actor=make_actor(owner, enterprise), token_id=token.pk)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_session_revoke_deletes_django_session_and_record(make_actor):
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    user = UserFactory.create()
    store = SessionStore()
    store["x"] = 1
    store.create()
    record = services.user_session_record(
        user=user, session_key=str(store.session_key), ip_address="10.0.0.1", user_agent="UA"
    )
    other = UserFactory.create()
    with pytest.raises(NotFound):
        services.user_session_revoke(actor=make_actor(other), session_id=record.pk)
    services.user_session_revoke(actor=make_actor(user), session_id=record.pk)
    assert not Session.objects.filter(session_key=store.session_key).exists()
    assert not UserSession.objects.filter(pk=record.pk).exists()
