"""People who use C-pass, their browser sessions and their personal API tokens."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True, email_verified_at=timezone.now())
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with e-mail and password; belongs to any number of enterprises.

    Marketing consent is opt-in per channel and off by default (privacy policy).
    """

    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=150)
    phone = models.CharField(_("mobile phone"), max_length=32, blank=True, help_text=_("E.164, e.g. +8613800138000"))
    language = models.CharField(_("language"), max_length=10, default="en")
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    #: A new address waiting for verification; `email` changes only once it is verified.
    pending_email = models.EmailField(_("new e-mail awaiting verification"), blank=True)
    verification_sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("verification sent at"))
    notify_by_email = models.BooleanField(_("e-mail me about activity in my enterprises"), default=True)
    marketing_email = models.BooleanField(_("marketing by e-mail"), default=False)
    marketing_sms = models.BooleanField(_("marketing by SMS"), default=False)
    marketing_phone = models.BooleanField(_("marketing by phone"), default=False)
    marketing_post = models.BooleanField(_("marketing by post"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("platform staff"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None


class UserSession(models.Model):
    """A signed-in browser session, listed on the settings page so the user can revoke it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="browser_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.ip_address or '?'}"


class ApiToken(models.Model):
    """A personal API token: bound to one enterprise, limited by scopes and expiry.

    Only a SHA-256 of the secret is stored; the secret is shown once at creation.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    enterprise = models.ForeignKey(
        "organizations.Enterprise", on_delete=models.CASCADE, related_name="+", verbose_name=_("enterprise")
    )
    name = models.CharField(_("name"), max_length=100)
    #: First characters of the token, shown in lists so a person can tell tokens apart.
    prefix = models.CharField(max_length=16, db_index=True, verbose_name=_("prefix"))
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list, verbose_name=_("scopes"))
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
