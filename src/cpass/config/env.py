"""Every CPASS_* environment variable the platform reads, with its safe default.

This is the only module that reads the environment. docs/operations.md documents each
variable; tests/test_docs.py fails when one is missing there.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[3]


def _str(name: str, default: str) -> str:
    return os.environ.get(name, default).strip()


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be 1/0, true/false, yes/no or on/off, not {raw!r}")


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from exc


def _list(name: str, default: str) -> list[str]:
    return [item.strip() for item in _str(name, default).split(",") if item.strip()]


def _ints(name: str, default: str) -> list[int]:
    items = _list(name, default)
    if not all(item.isdigit() for item in items):
        raise ValueError(f"{name} must be whole numbers separated by commas, not {_str(name, default)!r}")
    return [int(item) for item in items]


#: Where the SQLite database, Huey queue, uploaded files, outgoing mail (file backend) and cache live.
DATA_DIR = Path(_str("CPASS_DATA_DIR", str(BASE_DIR / "var"))).resolve()
#: The demo runs with DEBUG on and a fixed development key; never in production.
DEMO = _bool("CPASS_DEMO", False)
DEBUG = _bool("CPASS_DEBUG", DEMO)
SECRET_KEY = _str("CPASS_SECRET_KEY", "")
ALLOWED_HOSTS = _list("CPASS_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = _list("CPASS_CSRF_TRUSTED_ORIGINS", "")
#: Public base URL used in e-mailed links (verification, reset, invitations).
BASE_URL = _str("CPASS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
DATABASE_URL = _str("CPASS_DATABASE_URL", f"sqlite:///{DATA_DIR / 'cpass.sqlite3'}")
DATABASE_CONN_MAX_AGE = _int("CPASS_DATABASE_CONN_MAX_AGE", 60)
REDIS_URL = _str("CPASS_REDIS_URL", "")
#: Behind a TLS-terminating proxy: HTTPS redirect, HSTS, secure cookies.
HTTPS = _bool("CPASS_HTTPS", False)
HSTS_SECONDS = _int("CPASS_HSTS_SECONDS", 31536000)
#: Number of trusted reverse proxies in front of the app (for the client IP in X-Forwarded-For).
TRUSTED_PROXIES = _int("CPASS_TRUSTED_PROXIES", 0)
TIME_ZONE = _str("CPASS_TIME_ZONE", "Asia/Shanghai")
LANGUAGE_CODE = _str("CPASS_LANGUAGE_CODE", "en")

EMAIL_BACKEND = _str("CPASS_EMAIL_BACKEND", "file")  # file | console | smtp | memory
EMAIL_FILE_PATH = Path(_str("CPASS_EMAIL_FILE_PATH", str(DATA_DIR / "mail"))).resolve()
EMAIL_HOST = _str("CPASS_EMAIL_HOST", "localhost")
EMAIL_PORT = _int("CPASS_EMAIL_PORT", 587)
EMAIL_HOST_USER = _str("CPASS_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _str("CPASS_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _bool("CPASS_EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = _str("CPASS_DEFAULT_FROM_EMAIL", "C-pass <no-reply@cpass.local>")

#: Huey runs tasks in-process and at once (tests, one-off commands).
HUEY_IMMEDIATE = _bool("CPASS_HUEY_IMMEDIATE", False)

LOGIN_FAILURE_LIMIT = _int("CPASS_LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_MINUTES = _int("CPASS_LOGIN_LOCKOUT_MINUTES", 15)
VERIFICATION_RESEND_SECONDS = _int("CPASS_VERIFICATION_RESEND_SECONDS", 60)
INVITATION_DAYS = _int("CPASS_INVITATION_DAYS", 7)
ACCESS_LOG_RETENTION_DAYS = _int("CPASS_ACCESS_LOG_RETENTION_DAYS", 180)
#: Largest request body accepted (API JSON and form posts, excluding file parts).
MAX_REQUEST_BODY_BYTES = _int("CPASS_MAX_REQUEST_BODY_BYTES", 1_048_576)
#: Largest uploaded file (logos, documents).
MAX_UPLOAD_BYTES = _int("CPASS_MAX_UPLOAD_BYTES", 20 * 1_048_576)
#: Largest file loaded through the import page or API (tariffs, ports, product lists).
MAX_IMPORT_BYTES = _int("CPASS_MAX_IMPORT_BYTES", 200 * 1_048_576)
#: Read a large XLSX import's sheet in a Python process of its own, beside the one that checks and writes rows.
IMPORT_READER_PROCESS = _bool("CPASS_IMPORT_READER_PROCESS", True)
API_TOKEN_MAX_DAYS = _int("CPASS_API_TOKEN_MAX_DAYS", 365)
LOG_LEVEL = _str("CPASS_LOG_LEVEL", "INFO")
#: The customs gateway connection declarations are sent through ("sandbox" or "sandbox-edifact" for now).
CUSTOMS_GATEWAY = _str("CPASS_CUSTOMS_GATEWAY", "sandbox")
#: Seconds the sandbox customs waits before each of its receipts (the last value repeats).
SANDBOX_GATEWAY_DELAYS = _ints("CPASS_SANDBOX_GATEWAY_DELAYS", "5,20,30,60")
#: Share (%) of declarations the sandbox customs selects for inspection, by a hash of the reference.
SANDBOX_INSPECTION_RATE = _int("CPASS_SANDBOX_INSPECTION_RATE", 20)
