"""Declaration elements (申报要素) against a heading's template: clean the values, join the
declared specification (规格型号).

A template (cpass.tariff.models.DeclarationElements.elements) is a list of
{"key", "name_en", "name_zh", "required", "choices"?}. A choice is a code string or an object
{"value", "label_en"?, "label_zh"?}; what is stored and declared is the value (the brand type
and the export preference go to customs as their numbers, e.g. "0" and "3").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from cpass.core.errors import ValidationFailed
from cpass.reference.models import localized

#: Customs separates the elements with "|", so a value may not contain one.
SEPARATOR = "|"
MAX_VALUE_LENGTH = 255
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ElementChoice:
    value: str
    label: str


@dataclass(frozen=True)
class Element:
    key: str
    name: str
    required: bool
    choices: tuple[ElementChoice, ...]
    hint: str = ""


def _choice(raw: Any) -> ElementChoice:
    if isinstance(raw, Mapping):
        value = str(raw.get("value", raw.get("code", ""))).strip()
        label = localized(str(raw.get("label_en", raw.get("en", ""))), str(raw.get("label_zh", raw.get("zh", ""))))
        return ElementChoice(value, f"{value} {label}".strip() if label and label != value else value)
    value = str(raw).strip()
    return ElementChoice(value, value)


def template_elements(raw: Sequence[Mapping[str, Any]] | None) -> list[Element]:
    """The template's elements in declaration order, names in the active language."""
    elements = []
    for item in raw or ():
        key = str(item.get("key", "")).strip()
        if not key:
            continue
        elements.append(
            Element(
                key=key,
                name=localized(str(item.get("name_en", "")), str(item.get("name_zh", ""))) or key,
                required=bool(item.get("required", False)),
                choices=tuple(_choice(choice) for choice in item.get("choices") or ()),
                hint=localized(str(item.get("hint_en", "")), str(item.get("hint_zh", ""))),
            )
        )
    return elements


def clean_element_values(elements: Sequence[Element], values: Mapping[str, Any]) -> dict[str, str]:
    """The values for `elements` (trimmed, empty ones dropped), or ValidationFailed naming each bad one.

    Errors are on the field "elements.<key>"; a key the template does not have is an error too.
    """
    errors: dict[str, list[str]] = {}
    known = {element.key for element in elements}
    for key in values:
        if key not in known:
            errors[f"elements.{key}"] = [
                _("“%(key)s” is not a declaration element of this code's template.") % {"key": key[:40]}
            ]
    cleaned: dict[str, str] = {}
    for element in elements:
        raw = values.get(element.key)
        value = "" if raw is None else str(raw).strip()
        field = f"elements.{element.key}"
        if not value:
            if element.required:
                errors[field] = [_("“%(name)s” is a required declaration element.") % {"name": element.name}]
            continue
        if _CONTROL.search(value):
            errors[field] = [
                _("“%(name)s” may not contain line breaks or control characters.") % {"name": element.name}
            ]
        elif SEPARATOR in value:
            errors[field] = [
                _("“%(name)s” may not contain “|”: customs uses it to separate the elements.") % {"name": element.name}
            ]
        elif len(value) > MAX_VALUE_LENGTH:
            errors[field] = [
                _("“%(name)s” can have at most %(max)d characters.") % {"name": element.name, "max": MAX_VALUE_LENGTH}
            ]
        elif element.choices and value not in {choice.value for choice in element.choices}:
            errors[field] = [
                _("“%(value)s” is not a choice of “%(name)s”: use one of %(choices)s.")
                % {"value": value, "name": element.name, "choices": ", ".join(c.value for c in element.choices)}
            ]
        else:
            cleaned[element.key] = value
    if errors:
        raise ValidationFailed(_("Some declaration elements are missing or invalid."), errors=errors)
    return cleaned


def join_specification(elements: Sequence[Element], values: Mapping[str, str]) -> str:
    """The declared specification: every element's value in template order, joined with "|"."""
    return SEPARATOR.join(str(values.get(element.key, "") or "").strip() for element in elements)


def split_specification(elements: Sequence[Element], text: str) -> dict[str, str]:
    """The inverse of `join_specification`, for files: values by key, or ValidationFailed on a wrong count."""
    parts = [part.strip() for part in text.split(SEPARATOR)]
    if len(parts) != len(elements):
        raise ValidationFailed.on(
            "declaration_elements",
            _("The template has %(expected)d elements but the text has %(given)d parts separated by “|”.")
            % {"expected": len(elements), "given": len(parts)},
        )
    return {element.key: part for element, part in zip(elements, parts, strict=True) if part}
