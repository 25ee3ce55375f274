"""Account pages: register, verify, log in (with two-factor), settings, security and API tokens."""

from __future__ import annotations

import base64
import time
from typing import Any

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cpass.accounts import selectors, services
from cpass.accounts.forms import (
    ApiTokenForm,
    CodeForm,
    EmailChangeForm,
    LocalizedPasswordResetForm,
    LoginForm,
    PasswordChangeForm,
    PasswordConfirmForm,
    RegistrationForm,
    SettingsForm,
    TotpConfirmForm,
)
from cpass.accounts.middleware import verify_pending_context
from cpass.accounts.models import User
from cpass.core.errors import ServiceError
from cpass.core.forms import add_service_error
from cpass.core.http import client_ip
from cpass.organizations.selectors import memberships_for_user
from cpass.privacy.policy import CURRENT_POLICY_VERSION

#: Session key for a login that passed the password and waits for the second factor.
PENDING_2FA_SESSION_KEY = "cpass_pending_2fa"
_PENDING_2FA_SECONDS = 300
_PENDING_2FA_ATTEMPTS = 5
_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _set_language_cookie(response: HttpResponseBase, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _sign_in(request: HttpRequest, user: User, *, device: Any = None, next_url: str | None = None) -> HttpResponse:
    """Start the session: Django login, the verified second factor, the session record and the language cookie."""
    login(request, user, backend=getattr(user, "backend", _MODEL_BACKEND))
    if device is not None:
        django_otp.login(request, device)
    if request.session.session_key is None:
        request.session.save()
    services.user_session_record(
        user=user,
        session_key=str(request.session.session_key),
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
    )
    response = redirect(_safe_next(request, next_url))
    _set_language_cookie(response, user.language)
    return response


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes calls this when an account or an IP address is locked out after too many failures."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "accounts/lockout.html", {"minutes": minutes}, status=429)


# --- registration and verification --------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_register(
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                password=data["password"],
                language=data["language"],
                accepted_policy_version=CURRENT_POLICY_VERSION,
                ip_address=client_ip(request),
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            user.backend = _MODEL_BACKEND  # type: ignore[attr-defined]  # what authenticate() would set
            return _sign_in(request, user, next_url=reverse("accounts:verify_pending"))
    return render(request, "accounts/register.html", {"form": form, "policy_version": CURRENT_POLICY_VERSION})


@require_GET
def verify_pending(request: HttpRequest) -> HttpResponse:
    """The "check your inbox" page (also what the verification gate shows on any other page)."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if _user(request).is_verified and not _user(request).pending_email:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/verify_pending.html", verify_pending_context(request))


@require_GET
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = services.user_verify_email(token=token)
    except ServiceError as exc:
        return render(request, "accounts/verify_failed.html", {"detail": exc.detail}, status=400)
    messages.success(request, _("Thank you: your e-mail address %(email)s is verified.") % {"email": user.email})
    if request.user.is_authenticated and request.user.pk == user.pk:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return redirect("accounts:login")


@login_required
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    try:
        services.user_send_verification(user=_user(request))
    except ServiceError as exc:
        messages.error(request, str(exc.detail))
    else:
        address = _user(request).pending_email or _user(request).email
        messages.success(request, _("We sent a new link to %(email)s.") % {"email": address})
    return redirect("accounts:verify_pending" if not _user(request).is_verified else "accounts:settings")


# --- login and logout ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.user.is_authenticated:
        return redirect(_safe_next(request, next_url))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        user = authenticate(request, email=email, password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, _("The e-mail address or the password is not correct."))
        elif selectors.has_two_factor(user=user):  # type: ignore[arg-type]
            request.session[PENDING_2FA_SESSION_KEY] = {
                "user_id": user.pk,
                "backend": getattr(user, "backend", _MODEL_BACKEND),
                "started": int(time.time()),
                "attempts": 0,
                "next": next_url,
            }
            return redirect("accounts:login_otp")
        else:
            return _sign_in(request, user, next_url=next_url)  # type: ignore[arg-type]
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_http_methods(["GET", "POST"])
def login_otp(request: HttpRequest) -> HttpResponse:
    """Second login step: a code from the authenticator app or a recovery code."""
    pending: dict[str, Any] | None = request.session.get(PENDING_2FA_SESSION_KEY)
    if pending is None:
        return redirect("accounts:login")
    expired = time.time() - pending["started"] > _PENDING_2FA_SECONDS
    if expired or pending["attempts"] >= _PENDING_2FA_ATTEMPTS:
        request.session.pop(PENDING_2FA_SESSION_KEY, None)
        messages.error(request, _("Please log in again."))
        return redirect("accounts:login")
    user = User.objects.filter(pk=pending["user_id"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_2FA_SESSION_KEY, None)
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_verify(user=user, code=form.cleaned_data["code"])
        except ServiceError as exc:
            pending["attempts"] += 1
            request.session[PENDING_2FA_SESSION_KEY] = pending
            add_service_error(form, exc)
        else:
            request.session.pop(PENDING_2FA_SESSION_KEY, None)
            user.backend = pending["backend"]  # type: ignore[attr-defined]
            return _sign_in(request, user, device=device, next_url=pending.get("next"))
    return render(request, "accounts/login_otp.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.session.session_key:
        services.user_session_end(session_key=request.session.session_key)
    logout(request)
    messages.success(request, _("You are logged out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


# --- password reset (Django's views with our templates) ----------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    form_class = LocalizedPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"base_url": settings.CPASS_BASE_URL}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- personal settings -------------------------------------------------------------------


def _settings_initial(user: User) -> dict[str, Any]:
    names = ["name", "email", "phone", "language", "time_zone", "notify_by_email"]
    names += ["marketing_email", "marketing_sms", "marketing_phone", "marketing_post"]
    return {name: getattr(user, name) for name in names}


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = SettingsForm(request.POST or None, initial=_settings_initial(user))
    if request.method == "POST" and form.is_valid():
        old_email = user.email
        try:
            services.user_update(user=user, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            if user.pending_email and form.cleaned_data["email"].lower() != old_email.lower():
                messages.info(
                    request,
                    _("We sent a link to %(email)s. Your address changes when you open it.")
                    % {"email": user.pending_email},
                )
            messages.success(request, _("Your settings are saved."))
            response = redirect("accounts:settings")
            _set_language_cookie(response, user.language)
            return response
    return render(request, "accounts/settings.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def settings_email(request: HttpRequest) -> HttpResponse:
    """Change the e-mail address; reachable before verification, to fix a mistyped address."""
    user = _user(request)
    form = EmailChangeForm(request.POST or None, initial={"email": user.pending_email or user.email})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_request_email_change(user=user, email=form.cleaned_data["email"])
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            if user.pending_email:
                messages.info(request, _("We sent a link to %(email)s.") % {"email": user.pending_email})
            return redirect("accounts:verify_pending" if not user.is_verified else "accounts:settings")
    return render(request, "accounts/settings_email.html", {"form": form})


# --- security: password, two-factor, sessions ---------------------------------------------


def _security_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    context: dict[str, Any] = {
        "password_form": PasswordChangeForm(user),
        "disable_form": PasswordConfirmForm(),
        "two_factor": selectors.has_two_factor(user=user),
        "two_factor_this_session": getattr(user, "otp_device", None) is not None,
        "recovery_remaining": selectors.recovery_codes_remaining(user=user),
        "sessions": selectors.user_sessions_list(user=user),
        "current_session_key": request.session.session_key,
    }
    context.update(extra)
    return context


@login_required
@require_GET
def security(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/security.html", _security_context(request))


@login_required
@require_POST
def password_change(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PasswordChangeForm(user, request.POST)
    if form.is_valid():
        try:
            services.user_change_password(user=user, password=form.cleaned_data["new_password"])
        except ServiceError as exc:
            add_service_error(form, exc, {"password": "new_password"})
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password is changed."))
            return redirect("accounts:security")
    return render(request, "accounts/security.html", _security_context(request, password_form=form))


def _qr_svg(url: str) -> str:
    return mark_safe(segno.make(url, error="m").svg_inline(scale=1, omitsize=True, title=""))  # noqa: S308


@login_required
@require_http_methods(["GET", "POST"])
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: POST without a code starts, POST with a code confirms."""
    user = _user(request)
    if request.method == "POST" and "code" not in request.POST:
        services.totp_device_begin(user=user)
        return redirect("accounts:totp_setup")
    device = selectors.pending_totp_device(user=user)
    if device is None:
        return redirect("accounts:security")
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed, codes = services.totp_device_confirm(
                user=user, device_id=device.pk, code=form.cleaned_data["code"]
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            django_otp.login(request, confirmed)
            messages.success(request, _("Two-factor authentication is on."))
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": _qr_svg(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "accounts/totp_setup.html", context)


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    try:
        codes = services.recovery_codes_regenerate(user=_user(request))
    except ServiceError as exc:
        messages.error(request, str(exc.detail))
        return redirect("accounts:security")
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    form = PasswordConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.two_factor_disable(user=_user(request), password=form.cleaned_data["password"])
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("accounts:security")
    return render(request, "accounts/security.html", _security_context(request, disable_form=form))


@login_required
@require_POST
def session_revoke(request: HttpRequest, session_id: int) -> HttpResponse:
    services.user_session_revoke(actor=request.actor, session_id=session_id)  # type: ignore[attr-defined]
    messages.success(request, _("The session is signed out."))
    return redirect("accounts:security")


@login_required
@require_POST
def sessions_revoke_others(request: HttpRequest) -> HttpResponse:
    count = services.user_sessions_revoke_others(
        actor=request.actor,  # type: ignore[attr-defined]
        current_session_key=str(request.session.session_key),
    )
    messages.success(request, _("Signed out of %(count)s other session(s).") % {"count": count})
    return redirect("accounts:security")


# --- API tokens -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    enterprises = [(m.enterprise_id, m.enterprise.name) for m in memberships_for_user(user=user)]
    form = ApiTokenForm(request.POST or None, enterprises=enterprises)
    created = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            token, secret = services.api_token_create(
                actor=request.actor,  # type: ignore[attr-defined]
                name=data["name"],
                enterprise_id=data["enterprise"],
                scopes=data["scopes"],
                expires_in_days=data["expires_in_days"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            created = {"token": token, "secret": secret}
            form = ApiTokenForm(enterprises=enterprises)
    context = {
        "form": form,
        "created": created,
        "tokens": selectors.api_tokens_list(user=user),
        "has_enterprises": bool(enterprises),
    }
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    services.api_token_revoke(actor=request.actor, token_id=token_id)  # type: ignore[attr-defined]
    messages.success(request, _("The token is revoked."))
    return redirect("accounts:tokens")


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The platform administration signs in through our login (password + two-factor), never its own form."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={reverse('admin:index')}")
    if request.user.is_staff and getattr(request.user, "otp_device", None) is None:
        messages.warning(
            request, _("Platform administration needs two-factor authentication: turn it on, then log in again.")
        )
        return redirect("accounts:security")
    raise Http404
