"""The platform's URLs plus the floor view, which exists only in the benchmark."""

from __future__ import annotations

from django.urls import include, path

from bench.views import floor

FLOOR_PATH = "/bench/floor"

urlpatterns = [
    path(FLOOR_PATH.lstrip("/"), floor, name="bench-floor"),
    path("", include("cpass.config.urls")),
]
