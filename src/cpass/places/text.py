"""How names and queries become search keys: ASCII-folded, lower case, words split on anything
that is not a letter or digit. Chinese input folds to pinyin (上海 → "shanghai")."""

from __future__ import annotations

import re

from anyascii import anyascii

_NON_WORD = re.compile(r"[^a-z0-9]+")
#: Keys are cut here: longer tails add nothing to a prefix search.
KEY_LENGTH = 120


def search_key(text: str) -> str:
    """ "São Paulo (SP)" → "sao paulo sp"."""
    return _NON_WORD.sub(" ", anyascii(text).lower()).strip()[:KEY_LENGTH]


def key_tails(key: str) -> list[str]:
    """Every tail of `key` that starts at a word: "shanghai pudong apt" → itself, "pudong apt", "apt"."""
    tails = [key] if key else []
    for match in re.finditer(" ", key):
        tails.append(key[match.end() :])
    return tails
