"""Forms of the document pages: parsing only; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cpass.documents.models import DocumentCategory
from cpass.organizations.models import Enterprise

ORDERING_CHOICES = [
    ("-created_at", _("Newest first")),
    ("created_at", _("Oldest first")),
    ("title", _("Title A–Z")),
    ("-size", _("Largest first")),
    ("enterprise__name", _("Owner enterprise")),
]


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    enterprise = forms.TypedChoiceField(label=_("Owner enterprise"), required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *DocumentCategory.choices]
    )
    ordering = forms.ChoiceField(label=_("Order"), required=False, choices=ORDERING_CHOICES)

    def __init__(self, *args: Any, enterprises: QuerySet[Enterprise], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [  # type: ignore[attr-defined]
            ("", _("All enterprises")),
            *[(e.pk, e.name) for e in enterprises],
        ]


class DocumentUploadForm(forms.Form):
    enterprise_id = forms.TypedChoiceField(label=_("Owner enterprise"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=DocumentCategory.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, enterprises: QuerySet[Enterprise], max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise_id"].choices = [(e.pk, e.name) for e in enterprises]  # type: ignore[attr-defined]
        self.fields["file"].help_text = _("At most %(size)d MB.") % {"size": max_bytes // 1_048_576}


class DocumentEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=DocumentCategory.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
