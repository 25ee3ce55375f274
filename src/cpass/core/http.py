"""Request helpers shared by middleware, lockout and audit."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's IP address, trusting X-Forwarded-For only for the configured proxy count."""
    proxies: int = getattr(settings, "CPASS_TRUSTED_PROXIES", 0)
    if proxies > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", "") or "0.0.0.0")  # noqa: S104
