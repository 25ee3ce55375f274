"""The privacy policy versions. The current one must be accepted at registration."""

from __future__ import annotations

#: Bump when the policy text changes; templates/privacy/policy_<version>_<lang>.html hold the text.
CURRENT_POLICY_VERSION = "2026-11-01"

#: The languages each policy text exists in; others fall back to English.
_POLICY_LANGUAGES = ("en", "zh-hans")


def policy_template(version: str, language: str) -> str:
    """The template holding policy `version` in `language` (English when there is no such translation)."""
    code = language.lower()
    if code not in _POLICY_LANGUAGES:
        code = "zh-hans" if code.startswith("zh") else "en"
    return f"privacy/policy_{version}_{code}.html"
