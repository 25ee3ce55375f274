"""Platform administration (/operators/): staff only, and only with two-factor verified in this session."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from cpass.accounts.models import ApiToken, User, UserSession
from cpass.accounts.views import admin_login


class CpassAdminSite(OTPAdminSite):
    """OTPAdminSite that reads the second factor from `user.otp_device` (User.is_verified means e-mail verified)
    and sends people to the normal login, which asks for the second factor."""

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "otp_device", None) is not None)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return admin_login(request, extra_context)


admin.site.__class__ = CpassAdminSite
admin.site.site_header = _("C-pass platform administration")
admin.site.site_title = _("C-pass administration")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "name", "is_verified", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "name", "phone")
    readonly_fields = ("date_joined", "last_login", "email_verified_at", "verification_sent_at")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal"), {"fields": ("name", "phone", "language", "time_zone", "pending_email")}),
        (
            _("Preferences"),
            {"fields": ("notify_by_email", "marketing_email", "marketing_sms", "marketing_phone", "marketing_post")},
        ),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("date_joined", "last_login", "email_verified_at", "verification_sent_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),)

    @admin.display(boolean=True, description=_("e-mail verified"))
    def is_verified(self, obj: User) -> bool:
        return obj.is_verified


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "ip_address", "created_at", "last_seen_at")
    search_fields = ("user__email", "ip_address")
    readonly_fields = ("user", "session_key", "ip_address", "user_agent", "created_at", "last_seen_at")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "user", "enterprise", "expires_at", "last_used_at", "revoked_at")
    search_fields = ("name", "prefix", "user__email")
    exclude = ("token_hash",)
    readonly_fields = ("user", "enterprise", "prefix", "scopes", "created_at", "last_used_at")
