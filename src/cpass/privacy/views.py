"""The privacy policy page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from cpass.privacy.policy import CURRENT_POLICY_VERSION, policy_template


@require_GET
def policy(request: HttpRequest) -> HttpResponse:
    """The current policy in the visitor's language."""
    template = policy_template(CURRENT_POLICY_VERSION, translation.get_language() or "en")
    context = {
        "version": CURRENT_POLICY_VERSION,
        "policy_body": template,
        "retention_days": settings.CPASS_ACCESS_LOG_RETENTION_DAYS,
    }
    return render(request, "privacy/policy.html", context)
