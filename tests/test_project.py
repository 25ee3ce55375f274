"""Project-wide checks: migrations, documented settings, complete translations, committed API
schema, the production security check, and no CDN references."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.core.management import call_command

from cpass.config.api import api

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "cpass"


@pytest.mark.django_db
def test_migrations_match_the_models() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_every_setting_is_documented_in_operations() -> None:
    names = set(re.findall(r'"(CPASS_[A-Z0-9_]+)"', (SRC / "config" / "env.py").read_text()))
    documented = (ROOT / "docs" / "operations.md").read_text()
    missing = sorted(name for name in names if name not in documented)
    assert names
    assert missing == [], f"document these settings in docs/operations.md: {missing}"


_TRANSLATABLE = re.compile(r"\b(gettext|gettext_lazy|_)\(|{% (translate|trans|blocktranslate|blocktrans)\b")


def _catalogues() -> list[Path]:
    return sorted(SRC.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_every_app_with_strings_has_a_chinese_catalogue() -> None:
    apps_with_strings = {
        path.relative_to(SRC).parts[0]
        for pattern in ("*/**/*.py", "*/templates/**/*.html")
        for path in SRC.glob(pattern)
        if "tests" not in path.parts and _TRANSLATABLE.search(path.read_text())
    }
    with_catalogue = {path.relative_to(SRC).parts[0] for path in _catalogues()}
    assert apps_with_strings - with_catalogue - {"config"} == set()


@pytest.mark.parametrize("po_path", _catalogues(), ids=lambda p: p.relative_to(SRC).parts[0])
def test_chinese_catalogue_is_complete(po_path: Path) -> None:
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or (isinstance(message.string, tuple) and not all(message.string))
            or (not isinstance(message.string, tuple) and not message.string)
        )
    ]
    assert untranslated == []


def test_every_message_shows_its_own_catalogue_translation() -> None:
    """Django merges every catalogue into one per language, and a message two catalogues translate shows the
    translation of the app listed first: an app's "Code" (验证码, two-factor) would label every code column.
    A message whose meaning differs by place carries a context (pgettext); the others agree everywhere."""
    from django.utils import translation

    shown_otherwise = []
    with translation.override("zh-hans"):
        for po_path in _catalogues():
            with po_path.open("rb") as handle:
                catalog = read_po(handle)
            for message in catalog:
                if not message.id or isinstance(message.id, tuple) or not message.string:
                    continue
                shown = (
                    translation.pgettext(message.context, message.id)
                    if message.context
                    else translation.gettext(message.id)
                )
                if shown != message.string:
                    app = po_path.relative_to(SRC).parts[0]
                    shown_otherwise.append(f"{app}: {message.id!r} is {message.string!r}, shown as {shown!r}")
    assert shown_otherwise == []


def test_the_change_log_names_every_object_and_field_in_both_languages() -> None:
    """The change log shows each audited row's model name, its text and its fields' labels: every one of them is
    translatable and has its Chinese translation (a field without a verbose_name showed its attribute name, and
    a model without __str__ "Invitation object (5)")."""
    from django.db import models
    from django.utils import translation
    from django.utils.functional import Promise

    from cpass.audit.registry import audited_models

    missing = []
    with translation.override("zh-hans"):
        for entry in audited_models():
            model = entry.model
            labels = [("model", model._meta.verbose_name)]
            labels += [
                (field.name, field.verbose_name)
                for field in model._meta.concrete_fields
                if field.name not in entry.exclude and not field.primary_key
            ]
            for name, label in labels:
                if not isinstance(label, Promise):
                    missing.append(f"{model._meta.label}.{name}: {label!r} is not translatable")
                elif not re.search(r"[\u4e00-\u9fff]", str(label)) and re.search(r"[a-z]", str(label)):  # UN/LOCODE
                    missing.append(f"{model._meta.label}.{name}: {label!r} has no Chinese translation")
            if model.__str__ is models.Model.__str__:
                missing.append(f"{model._meta.label}: no __str__")
    assert missing == []


def test_openapi_document_is_committed_and_current() -> None:
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text())
    current = json.loads(json.dumps(api.get_openapi_schema(), default=str))
    assert committed == current, "the API changed: run `make openapi` and commit docs/openapi.json"


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "CPASS_DEBUG": "0",
        "CPASS_DEMO": "0",
        "CPASS_HTTPS": "1",
        "CPASS_SECRET_KEY": "x7#kq9!pL2@vN5$wR8^tY1&zB4*cF6(hJ3)mD0_sG-eA+uQ=iO~",
        "CPASS_ALLOWED_HOSTS": "cpass.example.com",
        "CPASS_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "cpass.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_cdn_is_referenced() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in SRC.glob("**/*")
        if path.suffix in {".html", ".js", ".css", ".py"}
        and re.search(r"(cdn\.|unpkg\.com|jsdelivr|googleapis|cdnjs)", path.read_text(errors="ignore"))
    ]
    assert offenders == []


def test_every_post_operation_honours_idempotency_keys() -> None:
    missing = [
        f"{router_prefix}{path}"
        for router_prefix, router in api._routers
        for path, path_view in router.path_operations.items()
        for operation in path_view.operations
        if "POST" in operation.methods and not getattr(operation.view_func, "cpass_idempotent", False)
    ]
    assert missing == [], "add @idempotent under @router.post for these operations"
