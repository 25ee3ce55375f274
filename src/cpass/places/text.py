"""How names and queries become search keys: ASCII-folded, lower case, words split on anything
that is not a letter or digit. Chinese input folds to pinyin (上海 → "shanghai")."""

from __future__ import annotations

import re

from anyascii import anyascii

_NON_WORD = re.compile(r"[^a-z0-9]+")
#: Keys are cut here: longer tails add nothing to a prefix search.
KEY_LENGTH = 120
#: The characters of keys and codes in the order every collation agrees on: digits, then letters.
_DIGITS_THEN_LETTERS = "0123456789abcdefghijklmnopqrstuvwxyz"


def search_key(text: str) -> str:
    """ "São Paulo (SP)" → "sao paulo sp"."""
    return _NON_WORD.sub(" ", anyascii(text).lower()).strip()[:KEY_LENGTH]


def word_tails(key: str) -> list[str]:
    """Every tail of `key` that starts at a later word: "shanghai pudong apt" → "pudong apt", "apt".

    The whole key is not among them: the name itself is searched on `Location.search_key`."""
    return [key[match.end() :] for match in re.finditer(" ", key)]


def prefix_end(prefix: str) -> str | None:
    """The first string after every string that starts with `prefix` (made of letters, digits and
    spaces), or None when nothing is: "san" → "sao", "saz" → "sb", "a9" → "aa", "zz" → None.

    It steps over spaces and from 9 to a, so the range [prefix, end) holds every string with that
    prefix under any collation, including those that ignore spaces and punctuation (en_US); a range
    may hold a few more, so a range is always paired with the exact `startswith` test."""
    stem = prefix.rstrip(" zZ")
    while stem:
        last = stem[-1]
        if last.lower() in _DIGITS_THEN_LETTERS:
            step = _DIGITS_THEN_LETTERS[_DIGITS_THEN_LETTERS.index(last.lower()) + 1]
            return stem[:-1] + (step.upper() if prefix.isupper() else step)
        stem = stem[:-1].rstrip(" zZ")
    return None
