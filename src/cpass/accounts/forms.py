"""Forms of the account pages. They parse input; the services validate the rules and save."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cpass.accounts.models import User
from cpass.core.modules import MODULES


@lru_cache(maxsize=1)
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=32, help_text=_("Chinese numbers can be entered as 13800138000.")
    )
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput(render_value=False))
    password_confirm = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(render_value=False)
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    accept_policy = forms.BooleanField(
        label=_("I have read and accept the privacy policy."),
        required=True,
        error_messages={"required": _("Please read and accept the privacy policy to register.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.input_type = "tel"
        self.fields["password"].widget.attrs["autocomplete"] = "new-password"
        self.fields["password_confirm"].widget.attrs["autocomplete"] = "new-password"
        if not self.is_bound:
            current = translation.get_language() or "en"
            self.fields["language"].initial = "zh-hans" if current.startswith("zh") else "en"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", _("The two passwords are not the same."))
        return cleaned


class LoginForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(autocomplete="email", autofocus=True)
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=pgettext_lazy("two-factor login", "Code"),
        max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(autocomplete="one-time-code", autofocus=True, inputmode="text")


class TotpConfirmForm(forms.Form):
    code = forms.CharField(label=_("6-digit code from the app"), max_length=10)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(autocomplete="one-time-code", inputmode="numeric")


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(label=_("Your password"), strip=False, widget=forms.PasswordInput)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), strip=False, widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("New password"), strip=False, widget=forms.PasswordInput)
    new_password_confirm = forms.CharField(label=_("New password again"), strip=False, widget=forms.PasswordInput)

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        value: str = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("The current password is not correct."))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        new, confirm = cleaned.get("new_password"), cleaned.get("new_password_confirm")
        if new and confirm and new != confirm:
            self.add_error("new_password_confirm", _("The two passwords are not the same."))
        return cleaned


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("We send a link to the new address; it takes effect when you open that link."),
    )


class SettingsForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("A new address takes effect after you open the link we send to it."),
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=32, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    notify_by_email = forms.BooleanField(
        label=_("E-mail me about activity in my enterprises"),
        required=False,
        help_text=_("Invitations, documents shared with you and similar events. Security e-mails are always sent."),
    )
    marketing_email = forms.BooleanField(label=_("News and offers by e-mail"), required=False)
    marketing_sms = forms.BooleanField(label=_("News and offers by SMS"), required=False)
    marketing_phone = forms.BooleanField(label=_("News and offers by phone call"), required=False)
    marketing_post = forms.BooleanField(label=_("News and offers by post"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.input_type = "tel"

    @property
    def marketing_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("marketing_email", "marketing_sms", "marketing_phone", "marketing_post")]

    @property
    def profile_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("name", "email", "phone", "language", "time_zone", "notify_by_email")]


def scope_choices() -> list[tuple[str, str]]:
    choices = []
    for module in MODULES.values():
        choices.append((f"{module.key}:read", _("%(module)s: read") % {"module": module.label}))
        choices.append((f"{module.key}:write", _("%(module)s: read and write") % {"module": module.label}))
    return choices


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("E.g. the system that will use the token."))
    enterprise = forms.TypedChoiceField(label=_("Enterprise"), coerce=int)
    scopes = forms.MultipleChoiceField(
        label=_("Permissions"), choices=scope_choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, enterprises: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = enterprises  # type: ignore[attr-defined]
        max_days = settings.CPASS_API_TOKEN_MAX_DAYS
        self.fields["expires_in_days"] = forms.IntegerField(
            label=_("Valid for (days)"),
            min_value=1,
            max_value=max_days,
            initial=min(90, max_days),
            help_text=_("From 1 to %(max)s days.") % {"max": max_days},
        )


class LocalizedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the e-mail is written in the recipient's language with our base URL."""

    def send_mail(self, *args: Any, **kwargs: Any) -> None:
        context = args[2] if len(args) > 2 else kwargs["context"]
        with translation.override(context["user"].language):
            super().send_mail(*args, **kwargs)
