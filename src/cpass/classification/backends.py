"""The database-specific queries of HS search: full-text match, misspelt words, code prefix, upkeep.

Terms reaching here come from cpass.classification.text and hold only letters, digits and CJK
characters; they are still passed as bound parameters, never formatted into SQL.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models.functions import Length

from cpass.classification.models import HsSearchEntry


def _sqlite_match(scopes: list[str], terms: list[str], prefix_last: bool, match_all: bool) -> str:
    quoted = [f'"{term}"' for term in terms]
    if prefix_last:
        quoted[-1] += "*"
    joiner = " AND " if match_all else " OR "
    return f"scope : ({' OR '.join(scopes)}) AND terms : ({joiner.join(quoted)})"


def _postgres_tsquery(terms: Sequence[str], prefix_last: bool, match_all: bool) -> str:
    quoted = [f"'{term}'" for term in terms]
    if prefix_last:
        quoted[-1] += ":*"
    return (" & " if match_all else " | ").join(quoted)


def text_matches(
    *,
    scopes: list[str],
    terms: list[str],
    prefix_last: bool,
    limit: int,
    match_all: bool = False,
    exclude: frozenset[int] = frozenset(),
    select_by: Sequence[str] | None = None,
) -> list[tuple[int, float]]:
    """(entry id, relevance) best first: FTS5 bm25 on SQLite, ts_rank on PostgreSQL (higher is better).

    Entries holding any of `terms` (all of them with `match_all`), the last also as a prefix with
    `prefix_last`; ids in `exclude` (found by an earlier, stricter query) are left out.

    `select_by` (PostgreSQL): only entries holding one of these words (some of `terms`) are ranked,
    still by all of `terms`; ts_rank reads the vector of every entry it ranks, so leaving out those
    that hold only very common words saves most of its time. SQLite ignores it: FTS5's bm25 ranks
    from the index's own doclists and costs little.
    """
    if not terms:
        return []
    skip = sorted(exclude)
    match = _sqlite_match(scopes, terms, prefix_last, match_all)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ranked = _postgres_tsquery(terms, prefix_last, match_all)
            selected = _postgres_tsquery(select_by, False, False) if select_by else ranked
            cursor.execute(
                "SELECT e.id, ts_rank(e.search_vector, to_tsquery('simple'::regconfig, %s), 1) AS rank "
                "FROM classification_hssearchentry e "
                "WHERE e.scope = ANY(%s) AND e.search_vector @@ to_tsquery('simple'::regconfig, %s) "
                "AND e.id <> ALL(%s) ORDER BY rank DESC, length(e.code) LIMIT %s",
                [ranked, scopes, selected, skip, limit],
            )
        elif skip:
            # One JSON parameter however many ids: SQLite caps the number of bound parameters.
            cursor.execute(
                "SELECT rowid, bm25(classification_hs_fts, 0.0, 1.0) AS rank FROM classification_hs_fts "
                "WHERE classification_hs_fts MATCH %s AND rowid NOT IN (SELECT value FROM json_each(%s)) "
                "ORDER BY rank LIMIT %s",
                [match, f"[{','.join(map(str, skip))}]", limit],
            )
        else:
            cursor.execute(
                "SELECT rowid, bm25(classification_hs_fts, 0.0, 1.0) AS rank FROM classification_hs_fts "
                "WHERE classification_hs_fts MATCH %s ORDER BY rank LIMIT %s",
                [match, limit],
            )
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return [(row[0], float(row[1])) for row in rows]
    return [(row[0], -float(row[1])) for row in rows]


def entry_counts(*, scopes: list[str], terms: list[str]) -> dict[str, int]:
    """How many entries of the scopes hold each term, from the index's vocabulary (PostgreSQL; terms
    no entry holds are left out). On SQLite none: text_matches has no use for them there."""
    if connection.vendor != "postgresql" or not terms:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, sum(entries) FROM classification_hs_word "
            "WHERE word = ANY(%s) AND scope = ANY(%s) GROUP BY word",
            [terms, scopes],
        )
        return {word: int(count) for word, count in cursor.fetchall()}


def similar_words(*, scopes: list[str], terms: list[str]) -> dict[str, str]:
    """For misspelt English terms, the closest indexed word of the scopes (pg_trgm similarity over the
    index's vocabulary, classification_hs_word), e.g. {"refrigirator": "refrigerator"}. Terms that are
    indexed words themselves map to themselves; a term with no close word is left out. SQLite has no
    trigram index: none."""
    words = [term for term in terms if term.isascii() and term.isalpha() and len(term) >= 3]
    if connection.vendor != "postgresql" or not words:
        return {}
    with connection.cursor() as cursor:
        # `%` keeps the words of similarity >= pg_trgm.similarity_threshold (0.3), through the trigram index.
        cursor.execute(
            "SELECT t.term, w.word FROM unnest(%s::text[]) t(term) CROSS JOIN LATERAL ("
            " SELECT word FROM classification_hs_word WHERE scope = ANY(%s) AND word %% t.term"
            " ORDER BY word = t.term DESC, similarity(word, t.term) DESC, entries DESC, word LIMIT 1) w",
            [words, scopes],
        )
        return dict(cursor.fetchall())


def paths_and_lines_rows(
    *, nomenclature: str, prefixes: Sequence[str], jurisdiction: str, national_level: str, hs6_codes: Sequence[str]
) -> list[tuple[str, str, str, str, str]]:
    """(jurisdiction, code, level, description_en, description_zh) of the nomenclature entries with these
    codes and of the jurisdiction's national lines under each HS6 code. One statement of index range searches
    on (jurisdiction, code): the ORM spelt the same ranges in 2 ms of query building, as long as the query."""
    select = "SELECT jurisdiction, code, level, description_en, description_zh FROM classification_hssearchentry "
    selects: list[str] = []
    params: list[str] = []
    if prefixes:
        selects.append(select + f"WHERE jurisdiction = %s AND code IN ({', '.join(['%s'] * len(prefixes))})")
        params += [nomenclature, *prefixes]
    for code in hs6_codes:
        if connection.vendor == "postgresql":  # the varchar_pattern_ops index, whatever the collation
            selects.append(select + "WHERE jurisdiction = %s AND code LIKE %s AND level = %s")
            params += [jurisdiction, code + "%", national_level]
        else:  # ':' sorts right after '9'
            selects.append(select + "WHERE jurisdiction = %s AND code >= %s AND code < %s AND level = %s")
            params += [jurisdiction, code, code + ":", national_level]
    if not selects:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        return cursor.fetchall()


def code_prefix_ids(*, jurisdictions: list[str], digits: str, limit: int) -> list[int]:
    """Entries whose code starts with `digits`, shorter codes first."""
    entries = HsSearchEntry.objects.filter(jurisdiction__in=jurisdictions)
    if connection.vendor == "postgresql":
        entries = entries.filter(code__startswith=digits)  # the varchar_pattern_ops index
    else:
        entries = entries.filter(code__gte=digits, code__lt=digits + ":")  # ':' sorts right after '9'
    return list(entries.order_by(Length("code"), "code").values_list("pk", flat=True)[:limit])


def refresh_fulltext() -> None:
    """After the entries were rewritten (inside the rebuild's transaction): bring the full-text index
    and what the planner knows up to date, so the first searches after a tariff import are as fast
    as later ones.

    SQLite: rebuild the external-content FTS5 table and merge its segments. PostgreSQL: move the GIN
    index's pending list into the index (a bulk insert leaves it there until a vacuum, and every
    search scans it), refresh the vocabulary of misspelt-word matching and ANALYZE; after the commit,
    VACUUM the deleted rows away instead of waiting for autovacuum.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO classification_hs_fts(classification_hs_fts) VALUES ('rebuild')")
            cursor.execute("INSERT INTO classification_hs_fts(classification_hs_fts) VALUES ('optimize')")
            return
        if connection.vendor != "postgresql":
            return
        cursor.execute("SELECT gin_clean_pending_list('classif_entry_search_gin'::regclass)")
        cursor.execute("REFRESH MATERIALIZED VIEW classification_hs_word")
        cursor.execute("ANALYZE classification_hssearchentry")
        cursor.execute("ANALYZE classification_hs_word")
    transaction.on_commit(_vacuum_entries)


def _vacuum_entries() -> None:
    # VACUUM cannot run inside a transaction block (an enclosing atomic(), a test): autovacuum will.
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) classification_hssearchentry")
