"""Forms of the enterprise pages: they only parse input; rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cpass.core.modules import module_choices
from cpass.organizations.choices import Access, EnterpriseKind, Role


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Registered name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=EnterpriseKind.choices)
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        help_text=_("18 characters, as on the business licence."),
    )
    customs_code = forms.CharField(
        label=_("Customs registration code"),
        max_length=20,
        required=False,
        help_text=_("10 letters or digits; leave empty if you do not declare to customs yourself."),
    )
    introduction = forms.CharField(label=_("Introduction"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    address = forms.CharField(label=_("Mailing address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        help_text=_("JPEG, PNG, WebP or GIF, at most 5 MB; shown at most 512 × 512 pixels."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[c for c in Role.choices if c[0] != Role.OWNER])


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"), choices=[c for c in Role.choices if c[0] != Role.OWNER], initial=Role.OPERATOR
    )


class TransferForm(forms.Form):
    membership = forms.TypedChoiceField(label=_("New owner"), coerce=int)

    def __init__(self, *args: object, members: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["membership"].choices = members  # type: ignore[attr-defined]


class GrantForm(forms.Form):
    grantee_uscc = forms.CharField(
        label=_("Partner's unified social credit code"),
        max_length=40,
        help_text=_("The partner must already be registered on C-pass."),
    )
    module = forms.ChoiceField(label=_("Module"))
    access = forms.ChoiceField(label=_("Access"), choices=Access.choices, initial=Access.READ)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["module"].choices = module_choices(delegable_only=True)  # type: ignore[attr-defined]
