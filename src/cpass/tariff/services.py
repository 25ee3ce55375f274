"""Writes of tariff reference data outside the bulk importers: jurisdictions, and loading a shipped file."""

from __future__ import annotations

import re
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from cpass.core.actor import Actor
from cpass.core.errors import ValidationFailed
from cpass.core.platform import require_platform_staff
from cpass.imports.command import import_path
from cpass.imports.framework import ImportResult
from cpass.tariff.models import Jurisdiction


@transaction.atomic
def jurisdiction_upsert(
    *,
    actor: Actor | None,
    code: str,
    name_en: str,
    name_zh: str,
    currency: str,
    national_code_length: int = 10,
    min_code_length: int | None = None,
    exchange_rate_rule: str = "",
    general_rate_origins: str = "",
) -> Jurisdiction:
    """Create or change a jurisdiction (platform staff; `actor=None` is the trusted command line and demo)."""
    if actor is not None:
        require_platform_staff(actor)
    code = code.strip().upper()
    errors: dict[str, list[str]] = {}
    if not re.fullmatch(r"[A-Z]{2}", code):
        errors["code"] = [_("A jurisdiction code is two letters (ISO 3166 alpha-2, or EU).")]
    if not re.fullmatch(r"[A-Z]{3}", currency):
        errors["currency"] = [_("A currency is an ISO 4217 code such as CNY.")]
    shortest = national_code_length if min_code_length is None else min_code_length
    if not 6 <= shortest <= national_code_length <= 14:
        errors["national_code_length"] = [_("Code lengths must satisfy 6 ≤ shortest ≤ longest ≤ 14.")]
    origins = general_rate_origins.split()
    if any(not re.fullmatch(r"[A-Z]{3}", origin) for origin in origins):
        errors["general_rate_origins"] = [_("Origins are ISO alpha-3 codes separated by spaces.")]
    if errors:
        raise ValidationFailed(_("The jurisdiction is not valid."), errors=errors)
    jurisdiction, _created = Jurisdiction.objects.update_or_create(
        code=code,
        defaults={
            "name_en": name_en,
            "name_zh": name_zh,
            "currency": currency,
            "national_code_length": national_code_length,
            "min_code_length": shortest,
            "exchange_rate_rule": exchange_rate_rule,
            "general_rate_origins": " ".join(sorted(set(origins))),
        },
    )
    return jurisdiction


def tariff_file_load(*, kind: str, path: Path, options: dict[str, str] | None = None) -> ImportResult:
    """Load a file shipped with the code (demo fixtures) through the import engine; any row issue is an error."""
    result = import_path(kind, path, options=options or {})
    if not result.committed:
        details = "; ".join(f"line {issue.line} {issue.column}: {issue.message}" for issue in result.issues[:10])
        raise ValidationFailed.on("file", f"{path.name}: {details}")
    return result
