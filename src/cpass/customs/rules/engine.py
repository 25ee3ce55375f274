"""The rule engine: a rule is a small registered function with a stable code, a severity, what it checks and
when it applies; it reads the prefetched `Context` and yields hits (field, message). The engine turns hits into
`Finding`s and collects them in a `ValidationReport`.

Messages are lazy: a finding renders in whatever language is active when it is shown (the page, the API's
`to_json(language)`), not the language active when the rules ran.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from django.utils import translation
from django.utils.functional import lazy

from cpass.core.errors import Message
from cpass.reference.models import localized

if TYPE_CHECKING:
    from cpass.customs.rules.context import Context

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"


def _render(template: Message, params: Mapping[str, Any]) -> str:
    text = str(template)
    return text % {key: str(value) for key, value in params.items()} if params else text


_lazy_render = lazy(_render, str)


def say(template: Message, **params: Any) -> Message:
    """`template % params`, evaluated when shown: the template (gettext_lazy) and any lazy parameter
    render in the language active at that moment."""
    return _lazy_render(template, params)  # type: ignore[no-any-return]


def _join(separator: str, parts: Iterable[Message]) -> str:
    return separator.join(str(part) for part in parts)


#: `separator.join(parts)` of lazy parts, evaluated when shown.
joined: Callable[[str, Iterable[Message]], Message] = lazy(_join, str)

#: A name from data in both languages (an element's name, a code's name), rendered in the active language.
bilingual: Callable[[str, str], Message] = lazy(localized, str)


@dataclass(frozen=True)
class Finding:
    """One problem of a declaration: a stable rule code, its severity, the field it points at ("trade_mode",
    "items[3].hs_code", "documents", "containers") and a message in the active language."""

    code: str
    severity: Severity
    field: str
    message: Message
    item_number: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "field": self.field,
            "item_number": self.item_number,
            "message": str(self.message),
        }


@dataclass
class ValidationReport:
    """Every finding of one validation run: the header's first, then each item's in item order."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == WARNING]

    @property
    def has_errors(self) -> bool:
        return any(finding.severity == ERROR for finding in self.findings)

    def for_field(self, field: str) -> list[Finding]:
        """Findings on `field`, and for a field with parts ("items[2]", "elements") on any part of it."""
        return [f for f in self.findings if f.field == field or f.field.startswith((f"{field}.", f"{field}["))]

    def codes(self) -> list[str]:
        return [finding.code for finding in self.findings]

    def field_errors(self) -> dict[str, list[Message]]:
        """The errors as field → messages, the shape of ValidationFailed(errors=...)."""
        errors: dict[str, list[Message]] = {}
        for finding in self.errors:
            errors.setdefault(finding.field, []).append(finding.message)
        return errors

    def to_json(self, language: str | None = None) -> list[dict[str, Any]]:
        """The findings as plain dicts, messages in `language` (the active language when None)."""
        if language is None:
            return [finding.to_json() for finding in self.findings]
        with translation.override(language):
            return [finding.to_json() for finding in self.findings]


@dataclass(frozen=True)
class Hit:
    """What a rule yields: the field and the message; the item number for item fields."""

    field: str
    message: Message
    item_number: int | None = None


def item_field(number: int, name: str) -> str:
    return f"items[{number}].{name}"


def item_hit(number: int, name: str, message: Message) -> Hit:
    return Hit(item_field(number, name), message, number)


@dataclass(frozen=True)
class Rule:
    """One registered rule. `check` yields hits; `applies` says whether the rule runs for a declaration at all
    (direction, trade mode, transport mode...). `title` and `basis` feed the rule list in the docs.
    `from_items`: its findings on the declaration's fields (licence number, documents) come from what single
    items carry (the licences their tariff lines call for, the certificates they claim), so checking one item
    shows them too."""

    code: str
    severity: Severity
    title: Message
    check: Callable[[Context], Iterable[Hit]]
    applies: Callable[[Context], bool]
    basis: str = ""
    from_items: bool = False

    def run(self, context: Context) -> Iterator[Finding]:
        if not self.applies(context):
            return
        for hit in self.check(context):
            yield Finding(self.code, self.severity, hit.field, hit.message, hit.item_number)


#: Every rule by code, in registration order (the modules of this package register on import).
RULES: dict[str, Rule] = {}


def _always(context: Context) -> bool:
    return True


def rule(
    code: str,
    severity: Severity,
    title: Message,
    *,
    applies: Callable[[Context], bool] = _always,
    basis: str = "",
    from_items: bool = False,
) -> Callable[[Callable[[Context], Iterable[Hit]]], Callable[[Context], Iterable[Hit]]]:
    """Register the decorated check under `code` (codes are unique and never reused)."""

    def register(check: Callable[[Context], Iterable[Hit]]) -> Callable[[Context], Iterable[Hit]]:
        if code in RULES:
            raise ValueError(f"rule code {code} registered twice")
        RULES[code] = Rule(code, severity, title, check, applies, basis, from_items)
        return check

    return register


def _sort_key(finding: Finding) -> tuple[int, int]:
    # A stable sort: findings of one item (or of the header) keep the rules' order and each rule's field order.
    return (0 if finding.item_number is None else 1, finding.item_number or 0)


def run_rules(context: Context, rules: Iterable[Rule] | None = None) -> ValidationReport:
    findings = [finding for registered in (rules or RULES.values()) for finding in registered.run(context)]
    findings.sort(key=_sort_key)
    return ValidationReport(findings)
