"""Loaded by pytest (`-p tests.environment`) before Django's settings: test-only defaults."""

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]

os.environ.setdefault("CPASS_DATA_DIR", str(_ROOT / "var" / "test"))
os.environ.setdefault("CPASS_HUEY_IMMEDIATE", "1")
os.environ.setdefault("CPASS_EMAIL_BACKEND", "memory")
os.environ.setdefault("CPASS_DEBUG", "0")
os.environ.setdefault("CPASS_SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("CPASS_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")  # Playwright's sync API runs an event loop
