"""The two database-specific queries of HS search: full-text match and code prefix.

Terms reaching here come from cpass.classification.text and hold only letters, digits and CJK
characters; they are still passed as bound parameters, never formatted into SQL.
"""

from __future__ import annotations

from django.db import connection
from django.db.models.functions import Length

from cpass.classification.models import HsSearchEntry


def _sqlite_match(scopes: list[str], terms: list[str], prefix_last: bool) -> str:
    quoted = [f'"{term}"' for term in terms]
    if prefix_last:
        quoted[-1] += "*"
    return f"scope : ({' OR '.join(scopes)}) AND terms : ({' OR '.join(quoted)})"


def _postgres_tsquery(terms: list[str], prefix_last: bool) -> str:
    quoted = [f"'{term}'" for term in terms]
    if prefix_last:
        quoted[-1] += ":*"
    return " | ".join(quoted)


def text_matches(*, scopes: list[str], terms: list[str], prefix_last: bool, limit: int) -> list[tuple[int, float]]:
    """(entry id, relevance) best first: FTS5 bm25 on SQLite, ts_rank on PostgreSQL (higher is better)."""
    if not terms:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT e.id, ts_rank(e.search_vector, query, 1) AS rank "
                "FROM classification_hssearchentry e, to_tsquery('simple'::regconfig, %s) query "
                "WHERE e.scope = ANY(%s) AND e.search_vector @@ query "
                "ORDER BY rank DESC, length(e.code) LIMIT %s",
                [_postgres_tsquery(terms, prefix_last), scopes, limit],
            )
        else:
            cursor.execute(
                "SELECT rowid, bm25(classification_hs_fts, 0.0, 1.0) AS rank FROM classification_hs_fts "
                "WHERE classification_hs_fts MATCH %s ORDER BY rank LIMIT %s",
                [_sqlite_match(scopes, terms, prefix_last), limit],
            )
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return [(row[0], float(row[1])) for row in rows]
    return [(row[0], -float(row[1])) for row in rows]


def fuzzy_matches(*, scopes: list[str], text: str, limit: int) -> list[tuple[int, float]]:
    """Misspelt English words (PostgreSQL pg_trgm word similarity); SQLite has no trigram index: none."""
    if connection.vendor != "postgresql" or not text.strip():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, word_similarity(%s, lower(description_en)) AS rank FROM classification_hssearchentry "
            "WHERE scope = ANY(%s) AND %s <%% lower(description_en) ORDER BY rank DESC, length(code) LIMIT %s",
            [text.lower(), scopes, text.lower(), limit],
        )
        return [(row[0], float(row[1])) for row in cursor.fetchall()]


def code_prefix_ids(*, jurisdictions: list[str], digits: str, limit: int) -> list[int]:
    """Entries whose code starts with `digits`, shorter codes first."""
    entries = HsSearchEntry.objects.filter(jurisdiction__in=jurisdictions)
    if connection.vendor == "postgresql":
        entries = entries.filter(code__startswith=digits)  # the varchar_pattern_ops index
    else:
        entries = entries.filter(code__gte=digits, code__lt=digits + ":")  # ':' sorts right after '9'
    return list(entries.order_by(Length("code"), "code").values_list("pk", flat=True)[:limit])
