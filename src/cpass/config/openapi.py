"""Print the OpenAPI document (`make openapi` writes it to docs/openapi.json, which CI compares)."""

from __future__ import annotations

import json
import os

import django


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpass.config.settings")
    os.environ.setdefault("CPASS_DEMO", "1")
    django.setup()
    from cpass.config.api import api  # the API module needs the app registry

    print(json.dumps(api.get_openapi_schema(), indent=2, ensure_ascii=False, sort_keys=True, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
