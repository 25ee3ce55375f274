"""The privacy policy versions. The current one must be accepted at registration."""

from __future__ import annotations

#: Bump when the policy text changes; templates/privacy/policy_<version>_<lang>.html hold the text.
CURRENT_POLICY_VERSION = "2026-11-01"
