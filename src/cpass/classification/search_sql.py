"""The full-text index that the migration creates next to HsSearchEntry, per database.

SQLite: an external-content FTS5 table over (scope, terms), rebuilt after every index rebuild.
PostgreSQL: a generated tsvector column with a GIN index, a trigram index on the English text
(pg_trgm, for misspelt words) and a pattern index for code prefixes.

Migration 0002 adds, on PostgreSQL, the index's vocabulary (each term and how many entries hold it):
the suggestion selects rows by its rarer words, and a misspelt word is compared with the vocabulary's
words instead of every description.
"""

from __future__ import annotations

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE classification_hs_fts USING fts5("
    "scope, terms, content='classification_hssearchentry', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0', prefix='2 3')",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS classification_hs_fts"]

POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE classification_hssearchentry ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, terms)) STORED",
    "CREATE INDEX classif_entry_search_gin ON classification_hssearchentry USING gin (search_vector)",
    "CREATE INDEX classif_entry_trgm ON classification_hssearchentry USING gin (lower(description_en) gin_trgm_ops)",
    "CREATE INDEX classif_entry_code_prefix ON classification_hssearchentry (jurisdiction, code varchar_pattern_ops)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS classif_entry_code_prefix",
    "DROP INDEX IF EXISTS classif_entry_trgm",
    "DROP INDEX IF EXISTS classif_entry_search_gin",
    "ALTER TABLE classification_hssearchentry DROP COLUMN IF EXISTS search_vector",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def create_fulltext(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE})


def drop_fulltext(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})


#: PostgreSQL: the index's vocabulary, every term with the number of entries holding it per scope (a
#: materialized view, refreshed by backends.refresh_fulltext after a rebuild, with a trigram index for
#: misspelt words). SQLite needs none (FTS5 ranks cheaply and has no trigram matching here).
POSTGRES_WORDS_CREATE = [
    "CREATE MATERIALIZED VIEW classification_hs_word AS "
    "SELECT e.scope, u.lexeme AS word, count(*) AS entries "
    "FROM classification_hssearchentry e, unnest(e.search_vector) u GROUP BY e.scope, u.lexeme",
    "CREATE INDEX classif_word_word ON classification_hs_word (word)",
    "CREATE INDEX classif_word_trgm ON classification_hs_word USING gin (word gin_trgm_ops)",
]
POSTGRES_WORDS_DROP = ["DROP MATERIALIZED VIEW IF EXISTS classification_hs_word"]


def create_words(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"postgresql": POSTGRES_WORDS_CREATE})


def drop_words(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"postgresql": POSTGRES_WORDS_DROP})
