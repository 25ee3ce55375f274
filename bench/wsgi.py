"""The WSGI application gunicorn serves in the benchmark.

Requests to the floor go to a Django handler with no middleware at all; everything else
goes to the platform's full middleware stack, exactly as in production.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from django.core.handlers.exception import convert_exception_to_response  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

platform = get_wsgi_application()  # sets Django up; bench.urls imports models

from bench.urls import FLOOR_PATH  # noqa: E402


class BareHandler(WSGIHandler):
    """Django's WSGI handler with an empty middleware chain: URL routing, the view, nothing else."""

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        self._middleware_chain = convert_exception_to_response(self._get_response)


bare = BareHandler()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("PATH_INFO") == FLOOR_PATH:
        return bare(environ, start_response)
    return platform(environ, start_response)
