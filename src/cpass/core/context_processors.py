"""What the page shell (navigation, enterprise switcher, notifications area) needs on every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from cpass.core.navigation import shell_context


def shell(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"cpass_demo": settings.CPASS_DEMO}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context.update(shell_context(request))
    return context
