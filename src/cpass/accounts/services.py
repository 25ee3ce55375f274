"""Writes for people: registration, e-mail verification, settings, sessions, two-factor and API tokens."""

from __future__ import annotations

import secrets
import zoneinfo
from datetime import timedelta
from importlib import import_module
from typing import Any

import phonenumbers
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpass.accounts.models import ApiToken, User, UserSession
from cpass.core.actor import Actor
from cpass.core.api import token_hash
from cpass.core.errors import NotFound, PermissionDenied, RateLimited, ValidationFailed
from cpass.core.modules import MODULES
from cpass.organizations.models import Membership
from cpass.privacy.policy import CURRENT_POLICY_VERSION
from cpass.privacy.services import policy_acceptance_record

_VERIFY_SALT = "cpass.accounts.verify-email"
RECOVERY_CODE_COUNT = 10
TOKEN_PREFIX_LENGTH = 10


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def phone_to_e164(raw: str, *, field: str = "phone") -> str:
    """A mobile number in E.164; national numbers are read as Chinese (+86)."""
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationFailed.on(field, _("Enter a valid mobile phone number, e.g. 13800138000.")) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationFailed.on(field, _("Enter a valid mobile phone number, e.g. 13800138000."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _normalize_email(email: str) -> str:
    address = email.strip().lower()
    try:
        validate_email(address)
    except ValidationError as exc:
        raise ValidationFailed.on("email", _("Enter a valid e-mail address.")) from exc
    return address


def _ensure_email_free(email: str, *, field: str = "email", exclude_user: User | None = None) -> None:
    others = User.objects.filter(email__iexact=email)
    if exclude_user is not None:
        others = others.exclude(pk=exclude_user.pk)
    if others.exists():
        raise ValidationFailed.on(field, _("An account with this e-mail address already exists."))


def _check_language(language: str) -> None:
    if language not in language_codes():
        raise ValidationFailed.on("language", _("Choose one of the offered languages."))


def _check_time_zone(time_zone: str) -> None:
    if time_zone not in zoneinfo.available_timezones():
        raise ValidationFailed.on("time_zone", _("Choose a time zone from the list, e.g. Asia/Shanghai."))


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationFailed(_("Choose a stronger password."), errors={"password": list(exc.messages)}) from exc


# --- e-mail verification -------------------------------------------------------------------


def email_verification_token(*, user: User, email: str) -> str:
    """A signed token for (user, address): a changed address makes older links useless."""
    return signing.dumps({"u": user.pk, "e": email.lower()}, salt=_VERIFY_SALT)


def _send_verification_email(user_id: int, email: str) -> None:
    user = User.objects.get(pk=user_id)
    token = email_verification_token(user=user, email=email)
    link = settings.CPASS_BASE_URL + reverse("accounts:verify_email", kwargs={"token": token})
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    with translation.override(user.language):
        subject = settings.EMAIL_SUBJECT_PREFIX + gettext("Confirm your e-mail address")
        body = render_to_string("accounts/email/verify_email.txt", {"user": user, "link": link, "hours": hours})
    send_mail(subject, body, None, [email])


def _queue_verification(user: User, email: str) -> None:
    user.verification_sent_at = timezone.now()
    user.save(update_fields=["verification_sent_at"])
    transaction.on_commit(lambda: _send_verification_email(user.pk, email))


def user_register(
    *,
    name: str,
    email: str,
    phone: str,
    password: str,
    language: str = "en",
    accepted_policy_version: str,
    ip_address: str | None = None,
) -> User:
    """Create an unverified account, record the privacy-policy acceptance and e-mail a verification link."""
    email = _normalize_email(email)
    name = name.strip()
    if not name:
        raise ValidationFailed.on("name", _("Enter your name."))
    if accepted_policy_version != CURRENT_POLICY_VERSION:
        raise ValidationFailed.on("accept_policy", _("Please read and accept the current privacy policy."))
    _check_language(language)
    e164 = phone_to_e164(phone)
    with transaction.atomic():
        _ensure_email_free(email)
        user = User(email=email, name=name, phone=e164, language=language)
        _check_password(password, user)
        user.set_password(password)
        user.save()
        policy_acceptance_record(user=user, version=accepted_policy_version, ip_address=ip_address)
        _queue_verification(user, email)
    return user


def user_send_verification(*, user: User) -> None:
    """Send the verification link again (to the pending address if there is one), at most once a period."""
    address = user.pending_email or (user.email if not user.is_verified else "")
    if not address:
        raise ValidationFailed.on("", _("Your e-mail address is already verified."))
    wait = settings.CPASS_VERIFICATION_RESEND_SECONDS
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.verification_sent_at is not None:
            remaining = int((locked.verification_sent_at + timedelta(seconds=wait) - timezone.now()).total_seconds())
            if remaining > 0:
                raise RateLimited(
                    _("We just sent you a link. You can ask for another one in %(seconds)s seconds.")
                    % {"seconds": remaining},
                    retry_after=remaining,
                )
        _queue_verification(locked, address)
    user.verification_sent_at = locked.verification_sent_at


def user_verify_email(*, token: str) -> User:
    """Apply a verification link: confirms the address, or switches to the pending new address."""
    invalid = ValidationFailed.on(
        "token", _("This link is invalid or has expired. Sign in and ask for a new verification e-mail.")
    )
    try:
        data = signing.loads(token, salt=_VERIFY_SALT, max_age=settings.PASSWORD_RESET_TIMEOUT)
    except signing.BadSignature as exc:
        raise invalid from exc
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data.get("u"), is_active=True).first()
        if user is None:
            raise invalid
        address = str(data.get("e", ""))
        if user.pending_email and user.pending_email.lower() == address:
            _ensure_email_free(address, field="token", exclude_user=user)
            user.email = address
            user.pending_email = ""
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email", "pending_email", "email_verified_at"])
        elif user.email.lower() == address:
            if user.email_verified_at is None:
                user.email_verified_at = timezone.now()
                user.save(update_fields=["email_verified_at"])
        else:
            raise invalid
    return user


def user_mark_email_verified(*, user: User) -> None:
    """Mark the current address verified without a link (demo data and tests)."""
    with transaction.atomic():
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])


def user_request_email_change(*, user: User, email: str) -> None:
    """Keep the new address as pending and e-mail a link to it; `email` changes only when it is verified."""
    email = _normalize_email(email)
    if email == user.email.lower():
        if user.pending_email:
            with transaction.atomic():
                user.pending_email = ""
                user.save(update_fields=["pending_email"])
        return
    with transaction.atomic():
        _ensure_email_free(email, exclude_user=user)
        user.pending_email = email
        user.save(update_fields=["pending_email"])
        _queue_verification(user, email)


# --- personal settings ---------------------------------------------------------------------


def user_update(
    *,
    user: User,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    language: str | None = None,
    time_zone: str | None = None,
    notify_by_email: bool | None = None,
    marketing_email: bool | None = None,
    marketing_sms: bool | None = None,
    marketing_phone: bool | None = None,
    marketing_post: bool | None = None,
) -> User:
    """Change personal settings; None leaves a value as it is. A new e-mail goes through verification."""
    changes: dict[str, Any] = {}
    if name is not None:
        if not name.strip():
            raise ValidationFailed.on("name", _("Enter your name."))
        changes["name"] = name.strip()
    if phone is not None:
        changes["phone"] = phone_to_e164(phone) if phone.strip() else ""
    if language is not None:
        _check_language(language)
        changes["language"] = language
    if time_zone is not None:
        _check_time_zone(time_zone)
        changes["time_zone"] = time_zone
    flags = {
        "notify_by_email": notify_by_email,
        "marketing_email": marketing_email,
        "marketing_sms": marketing_sms,
        "marketing_phone": marketing_phone,
        "marketing_post": marketing_post,
    }
    changes.update({key: value for key, value in flags.items() if value is not None})
    with transaction.atomic():
        for key, value in changes.items():
            setattr(user, key, value)
        if changes:
            user.save(update_fields=list(changes))
        if email is not None:
            user_request_email_change(user=user, email=email)
    return user


def user_set_language(*, user: User, language: str) -> None:
    """Remember the language the user picked in the language switch."""
    if language not in language_codes() or language == user.language:
        return
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


def user_change_password(*, user: User, password: str) -> None:
    _check_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])


# --- browser sessions ----------------------------------------------------------------------


def _session_store(session_key: str) -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def user_session_record(*, user: User, session_key: str, ip_address: str | None, user_agent: str) -> UserSession:
    """Remember a signed-in browser session so the user can see and revoke it."""
    with transaction.atomic():
        session, _created = UserSession.objects.update_or_create(
            session_key=session_key,
            defaults={
                "user": user,
                "ip_address": ip_address or None,
                "user_agent": user_agent[:512],
                "last_seen_at": timezone.now(),
            },
        )
    return session


def user_session_end(*, session_key: str) -> None:
    """Forget the record of a session that is logging out."""
    with transaction.atomic():
        UserSession.objects.filter(session_key=session_key).delete()


def user_session_revoke(*, actor: Actor, session_id: int) -> None:
    """Sign one of the actor's browser sessions out; someone else's session is not found."""
    with transaction.atomic():
        session = UserSession.objects.filter(pk=session_id, user=actor.user).first()
        if session is None:
            raise NotFound(_("No such session."))
        _session_store(session.session_key).delete()
        session.delete()


def user_sessions_revoke_others(*, actor: Actor, current_session_key: str) -> int:
    """Sign out every browser session of the actor except this one; returns how many ended."""
    with transaction.atomic():
        others = list(UserSession.objects.filter(user=actor.user).exclude(session_key=current_session_key))
        for session in others:
            _session_store(session.session_key).delete()
        UserSession.objects.filter(pk__in=[s.pk for s in others]).delete()
    return len(others)


# --- two-factor ------------------------------------------------------------------------------


def totp_device_begin(*, user: User) -> TOTPDevice:
    """Start enrolling an authenticator app: a fresh, unconfirmed TOTP device (earlier attempts dropped)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def totp_device_confirm(*, user: User, device_id: int, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator with a valid code; returns the device and the new recovery codes."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
        if device is None:
            raise NotFound(_("This set-up has expired. Start again."))
        if not device.verify_token(code.strip().replace(" ", "")):
            raise ValidationFailed.on("code", _("That code is not right. Enter the current 6-digit code from the app."))
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
    return device, codes


def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Replace all recovery codes with ten new single-use ones (the old ones stop working)."""
    with transaction.atomic():
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ValidationFailed.on("", _("Turn on two-factor authentication first."))
        return _new_recovery_codes(user)


def two_factor_disable(*, user: User, password: str) -> None:
    """Turn two-factor off after re-checking the password: removes the app and all recovery codes."""
    if not user.check_password(password):
        raise ValidationFailed.on("password", _("The password is not correct."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def two_factor_verify(*, user: User, code: str) -> Device:
    """Check a login code: a 6-digit app code or an unused recovery code (which is then used up)."""
    cleaned = code.strip().replace(" ", "").replace("-", "").lower()
    with transaction.atomic():
        if cleaned.isdigit():
            for totp in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
                if totp.verify_token(cleaned):
                    return totp
        else:
            for static in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
                if static.verify_token(cleaned):
                    return static
    raise ValidationFailed.on("code", _("That code is not right. Enter the code from your app or a recovery code."))


# --- API tokens ------------------------------------------------------------------------------


def token_scope_choices() -> list[str]:
    return [f"{key}:{action}" for key in MODULES for action in ("read", "write")]


def api_token_create(
    *, actor: Actor, name: str, enterprise_id: int, scopes: list[str], expires_in_days: int
) -> tuple[ApiToken, str]:
    """Create a personal API token; returns it and its secret, which is shown once and never stored."""
    if actor.scopes is not None:
        raise PermissionDenied(_("API tokens cannot create tokens. Create tokens in the browser, signed in."))
    errors: dict[str, list[Any]] = {}
    name = name.strip()
    if not name:
        errors["name"] = [_("Give the token a name, e.g. the system that will use it.")]
    if not Membership.objects.filter(user=actor.user, enterprise_id=enterprise_id).exists():
        errors["enterprise"] = [_("Choose one of your enterprises.")]
    allowed = set(token_scope_choices())
    unknown = sorted(set(scopes) - allowed)
    if not scopes:
        errors["scopes"] = [_("Choose at least one permission.")]
    elif unknown:
        errors["scopes"] = [_("Unknown permission: %(scopes)s.") % {"scopes": ", ".join(unknown)}]
    max_days = settings.CPASS_API_TOKEN_MAX_DAYS
    if not 1 <= expires_in_days <= max_days:
        errors["expires_in_days"] = [_("Choose between 1 and %(max)s days.") % {"max": max_days}]
    if errors:
        raise ValidationFailed(_("The token could not be created."), errors=errors)
    secret = "cp_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor.user,
            enterprise_id=enterprise_id,
            name=name,
            prefix=secret[:TOKEN_PREFIX_LENGTH],
            token_hash=token_hash(secret),
            scopes=sorted(set(scopes)),
            expires_at=timezone.now() + timedelta(days=expires_in_days),
        )
    return token, secret


def api_token_revoke(*, actor: Actor, token_id: int) -> None:
    """Revoke one of the actor's tokens at once; someone else's token is not found."""
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token_id, user=actor.user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    if not updated:
        raise NotFound(_("No such token."))
