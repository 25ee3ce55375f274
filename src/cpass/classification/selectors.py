"""Reads: HS search (code prefix and full text) and the classification assistant's suggestions."""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from cpass.classification import backends, embeddings, glossary
from cpass.classification.glossary import Translation
from cpass.classification.models import (
    NOMENCLATURE,
    ConfirmedClassification,
    EntryLevel,
    HsSearchEntry,
    IndexState,
)
from cpass.classification.services import EMBEDDINGS_STATE, MAX_DESCRIPTION_LENGTH, SEARCH_STATE, clean_jurisdiction
from cpass.classification.text import (
    MAX_QUERY_LENGTH,
    cjk_runs,
    code_query,
    index_terms,
    is_mostly_chinese,
    jieba_words,
    plain_text,
    query_terms,
)
from cpass.core.actor import Actor
from cpass.core.errors import ValidationFailed
from cpass.core.platform import require_reference_read
from cpass.reference.models import localized

MAX_LIMIT = 50
#: Reciprocal rank fusion: score = sum of weight / (RRF_K + rank) over the signals.
RRF_K = 10
LEXICAL_WEIGHT = 1.0
SEMANTIC_WEIGHT = 1.5
CONFIRMED_WEIGHT = 3.0
#: A candidate in a chapter whose Chinese title shares a word with a Chinese description.
CHAPTER_WEIGHT = 0.5
#: A confirmed description at least this close (cosine) to the query counts as a similar product.
SIMILAR_PRODUCT_MIN = 0.86
#: How many of an enterprise's latest confirmed classifications are compared with a query.
CONFIRMED_WINDOW = 5000
_CANDIDATES = 50
#: A suggestion selects candidate entries only by words at most this many entries hold (about 6 % of
#: a full index). Measured on bench/ (PostgreSQL, labelled + held-out sets): at 2000 every accuracy
#: figure is the same as when selecting by every word; 500 made the full-text query about three times
#: faster and raised most figures but lowered English top-5 by two descriptions of 83.
_SELECTIVE = 2000
#: Word-search tiers (see _word_hits), in two rounds (the words as typed, then the English reading of their
#: Chinese terms): a hit's score is _TIERS - tier + its relevance squashed into 0..1.
_TIERS = 8
#: Queries of up to this many words are searched in tiers (see _word_hits).
_TIERED_TERMS = 4


@dataclass(frozen=True)
class PathItem:
    code: str
    level: str
    description_en: str
    description_zh: str

    @property
    def description(self) -> str:
        return localized(self.description_en, self.description_zh)


@dataclass(frozen=True)
class SearchHit:
    code: str
    level: str
    jurisdiction: str
    description_en: str
    description_zh: str
    #: Chapter, heading and subheading above this code (not the code itself).
    path: list[PathItem]
    matched_terms: list[str]
    #: Relative within one answer; code matches first.
    score: float

    @property
    def description(self) -> str:
        return localized(self.description_en, self.description_zh)


@dataclass(frozen=True)
class SimilarProduct:
    description: str
    code: str
    similarity: float


@dataclass
class Suggestion:
    code: str
    level: str
    description_en: str
    description_zh: str
    path: list[PathItem]
    #: 0..1: the fused score relative to a code that ranks first on every signal.
    score: float
    matched_terms: list[str] = field(default_factory=list)
    #: Cosine similarity of the query to the code's text (multilingual-e5-small), None if not among the nearest.
    semantic_similarity: float | None = None
    similar_products: list[SimilarProduct] = field(default_factory=list)
    national_lines: list[PathItem] = field(default_factory=list)
    #: Chinese terms of the description whose English reading (our glossary) matched this code's text.
    translations: list[Translation] = field(default_factory=list)

    @property
    def description(self) -> str:
        return localized(self.description_en, self.description_zh)


def _clean_text(text: str, *, field_name: str, max_length: int) -> str:
    value = plain_text(text)
    if not value:
        raise ValidationFailed.on(field_name, _("Type a code or some words to search for."))
    if len(value) > max_length:
        raise ValidationFailed.on(
            field_name,
            _("The text is %(length)s characters long; at most %(max)s are searched. Shorten it.")
            % {"length": len(value), "max": max_length},
        )
    return value


def _clean_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed.on("limit", _("Ask for 1 to %(max)s results.") % {"max": MAX_LIMIT})
    return limit


def _paths(codes: set[str]) -> dict[str, PathItem]:
    """The nomenclature entries (chapter, heading, subheading) for every prefix of `codes`."""
    prefixes = {code[:n] for code in codes for n in (2, 4, 6) if len(code) > n or (n == 6 and len(code) >= 6)}
    rows = HsSearchEntry.objects.filter(jurisdiction=NOMENCLATURE, code__in=prefixes).values_list(
        "code", "level", "description_en", "description_zh"
    )
    return {row[0]: PathItem(*row) for row in rows}


def _path(code: str, nodes: dict[str, PathItem]) -> list[PathItem]:
    return [nodes[code[:n]] for n in (2, 4, 6) if len(code) > n and code[:n] in nodes]


def _matched(terms: list[str], entry_terms: str, prefix_last: bool) -> list[str]:
    words = set(entry_terms.split())
    matched = [term for term in terms if term in words]
    if prefix_last and terms and terms[-1] not in words and any(w.startswith(terms[-1]) for w in words):
        matched.append(terms[-1])
    return matched


def _word_hits(scopes: list[str], terms: list[str], prefix_last: bool, want: int) -> list[tuple[int, int, float]]:
    """Up to `want` (entry id, tier, relevance), best first, one full-text query per tier until enough
    are found: entries with all the words, then with any of them; in each, whole words before the
    last word as a prefix (typeahead: "refrig"). A tier ranks only its own matches, so a common word
    ("steel", "cotton") never makes the database rank thousands of rows when fewer hold every word,
    and "pumps" finds pumps before pumpkins.

    A longer text (a pasted description) is ranked in one query by any of its words, the last also
    as a prefix: on bench/, tiers lifted short queries but put long texts that happen to hold every
    word (chapter 99 provisions) before better matches of most words."""
    if len(terms) > _TIERED_TERMS:
        hits = backends.text_matches(scopes=scopes, terms=terms, prefix_last=prefix_last, limit=want)
        return [(pk, 0, rank) for pk, rank in hits]
    plans = [(True, False)] + ([(True, True)] if prefix_last else [])
    if len(terms) > 1:
        plans += [(False, False)] + ([(False, True)] if prefix_last else [])
    found: list[tuple[int, int, float]] = []
    seen: set[int] = set()
    for tier, (match_all, prefix) in enumerate(plans):
        hits = backends.text_matches(
            scopes=scopes,
            terms=terms,
            prefix_last=prefix,
            match_all=match_all,
            limit=want - len(found),
            exclude=frozenset(seen),
        )
        found += [(pk, tier, rank) for pk, rank in hits]
        seen.update(pk for pk, _rank in hits)
        if len(found) >= want:
            break
    return found


def hs_search(*, actor: Actor, q: str, jurisdiction: str = "CN", limit: int = 20) -> list[SearchHit]:
    """HS codes and the jurisdiction's national lines matching `q`: a code prefix or words (EN/中文).

    Code prefixes ("8413.60") list shorter codes first. Words: codes holding all of them first, then
    any, each ranked by bm25 / ts_rank, the last word also matching as a prefix (typeahead) when whole
    words find too few; Chinese words that find too few are also read in English through our glossary
    (冰箱 → refrigerators), after the direct matches; when nothing matches, misspelt English words are
    read as the closest indexed ones (PostgreSQL). FTS syntax in `q` is plain text.
    """
    require_reference_read(actor)
    text = _clean_text(q, field_name="q", max_length=MAX_QUERY_LENGTH)
    limit = _clean_limit(limit)
    jurisdiction = clean_jurisdiction(jurisdiction)
    digits = code_query(text)
    terms: list[str] = []
    prefix_last = False
    if digits is not None:
        ids = backends.code_prefix_ids(jurisdictions=[NOMENCLATURE, jurisdiction], digits=digits, limit=limit)
        tiered = [(pk, 0, 1.0) for pk in ids]
    else:
        terms = query_terms(text)
        prefix_last = bool(terms) and terms[-1].isascii() and len(terms[-1]) >= 3 and not text.endswith(" ")
        scopes = ["hs", jurisdiction.lower()]
        tiered = _word_hits(scopes, terms, prefix_last, limit * 2)
        reading = glossary.translate(text) if len(tiered) < limit else []
        if reading:
            # Chinese words the national lines do not hold (冰箱, 笔记本电脑) are read in the nomenclature's English.
            english = query_terms(" ".join(term.en for term in reading))
            seen = {pk for pk, _tier, _rank in tiered}
            after = max((tier for _pk, tier, _rank in tiered), default=-1) + 1
            tiered += [
                (pk, after + tier, rank)
                for pk, tier, rank in _word_hits(scopes, english, False, limit * 2)
                if pk not in seen
            ]
            terms = list(dict.fromkeys(terms + english))
        if not tiered:
            corrected = backends.similar_words(scopes=scopes, terms=terms)
            read_as = list(dict.fromkeys(corrected.get(term, term) for term in terms))
            if corrected and read_as != terms:
                terms, prefix_last = read_as, False
                tiered = _word_hits(scopes, terms, False, limit * 2)
    entries = HsSearchEntry.objects.in_bulk([pk for pk, _tier, _rank in tiered])
    # Equal relevance: the shorter (more general) code first.
    ordered = sorted(
        (hit for hit in tiered if hit[0] in entries),
        key=lambda hit: (hit[1], -round(hit[2], 6), len(entries[hit[0]].code), entries[hit[0]].code),
    )[:limit]
    nodes = _paths({entries[pk].code for pk, _tier, _rank in ordered})
    # The score falls with the tier, then with the relevance inside it (squashed into 0..1).
    return [
        SearchHit(
            code=entry.code,
            level=entry.level,
            jurisdiction=entry.jurisdiction,
            description_en=entry.description_en,
            description_zh=entry.description_zh,
            path=_path(entry.code, nodes),
            matched_terms=_matched(terms, entry.terms, prefix_last),
            score=1.0 if digits is not None else round(_TIERS - tier + rank / (1 + rank), 4),
        )
        for pk, tier, rank in ordered
        for entry in [entries[pk]]
    ]


def typeahead(*, actor: Actor, q: str, jurisdiction: str = "CN", limit: int = 10) -> list[SearchHit]:
    """Options for an HS code field: like hs_search, but a query that cannot be searched gives none."""
    if len((q or "").strip()) < 2:
        return []
    try:
        return hs_search(actor=actor, q=q, jurisdiction=jurisdiction, limit=limit)
    except ValidationFailed:
        return []


def _index_versions() -> dict[str, int]:
    """The version of the search index and of the embeddings (one query), e.g. {"search": 3, "embeddings": 2}."""
    return dict(IndexState.objects.filter(key__in=[SEARCH_STATE, EMBEDDINGS_STATE]).values_list("key", "version"))


def _semantic(
    query_vector: embeddings.Vector, jurisdiction: str, *, cross_lingual: bool, version: int | None
) -> dict[str, float]:
    """HS6 code -> best cosine similarity among the nearest nomenclature and national texts.

    `cross_lingual` (a Chinese description against mostly English texts) ranks by similarity minus
    hubness: measured on bench/, it lifts Chinese top-5 from 13 % to 28 % but costs English 10 points.
    `version` is the embeddings' IndexState version (None or 0: never built).
    """
    if not version:
        return {}
    subset = embeddings.nomenclature_matrix(version).subset(jurisdiction)
    if not subset.codes:
        return {}
    similarities = subset.vectors @ query_vector
    # Ranked by similarity minus hubness (see embeddings.GENERIC_QUERIES); the cosine is what is shown.
    ranking = similarities - subset.hubness if cross_lingual else similarities
    top = np.argpartition(-ranking, min(_CANDIDATES, len(subset.codes) - 1))[:_CANDIDATES]
    best: dict[str, float] = {}
    for index in top[np.argsort(-ranking[top])]:
        best.setdefault(subset.codes[index][:6], float(similarities[index]))
    return best


@dataclass(frozen=True)
class _ConfirmedSet:
    """The confirmed classifications one set of enterprises can read, as loaded, and what they were."""

    stamp: tuple[object, ...]
    descriptions: list[str]
    codes: list[str]
    vectors: npt.NDArray[np.float32]


_confirmed_lock = threading.Lock()
_confirmed_sets: OrderedDict[tuple[tuple[int, ...], str], _ConfirmedSet] = OrderedDict()
_CONFIRMED_SETS_KEPT = 64


def _confirmed_set(actor: Actor, jurisdiction: str) -> _ConfirmedSet:
    """The actor's readable confirmed classifications with their embeddings, kept in memory per set of
    enterprises and reloaded when their number, newest change or newest row differs (one cheap query)."""
    rows = ConfirmedClassification.objects.for_actor(actor, "read").filter(jurisdiction=jurisdiction)
    stamp = tuple(rows.aggregate(n=Count("pk"), changed=Max("updated_at"), last=Max("pk")).values())
    key = (tuple(sorted(actor.enterprise_ids_for(ConfirmedClassification.tenant_module, "read"))), jurisdiction)
    with _confirmed_lock:
        known = _confirmed_sets.get(key)
        if known is not None and known.stamp == stamp:
            _confirmed_sets.move_to_end(key)
            return known
    loaded = list(rows.values_list("description", "code", "embedding")[:CONFIRMED_WINDOW])
    vectors = np.frombuffer(b"".join(bytes(row[2]) for row in loaded), dtype=np.float16).astype(np.float32)
    found = _ConfirmedSet(
        stamp=stamp,
        descriptions=[row[0] for row in loaded],
        codes=[row[1] for row in loaded],
        vectors=vectors.reshape(len(loaded), embeddings.DIM),
    )
    with _confirmed_lock:
        _confirmed_sets[key] = found
        _confirmed_sets.move_to_end(key)
        while len(_confirmed_sets) > _CONFIRMED_SETS_KEPT:
            _confirmed_sets.popitem(last=False)
    return found


def _similar_products(confirmed: _ConfirmedSet, query_vector: embeddings.Vector) -> list[SimilarProduct]:
    """The confirmed classifications (the actor's readable ones) close to the query, closest first."""
    if not confirmed.codes:
        return []
    similarities = confirmed.vectors @ query_vector
    similar = [
        SimilarProduct(description=confirmed.descriptions[i], code=confirmed.codes[i], similarity=round(float(sim), 4))
        for i, sim in enumerate(similarities)
        if sim >= SIMILAR_PRODUCT_MIN
    ]
    return sorted(similar, key=lambda product: -product.similarity)[:10]


def query_translations(*, text: str) -> list[Translation]:
    """How the assistant reads the Chinese words of a description in English (our trade glossary)."""
    return glossary.translate(plain_text(text)[:MAX_DESCRIPTION_LENGTH])


@dataclass(frozen=True)
class _Chapters:
    version: int | None
    #: chapter code -> its Chinese title's tokens.
    terms: dict[str, frozenset[str]]


_chapters_cache: list[_Chapters] = []


def _chapter_terms(version: int | None = None) -> dict[str, frozenset[str]]:
    """The Chinese title tokens of every HS chapter, kept per search index version (read when not given)."""
    if version is None:
        version = IndexState.objects.filter(key=SEARCH_STATE).values_list("version", flat=True).first()
    if _chapters_cache and _chapters_cache[0].version == version:
        return _chapters_cache[0].terms
    rows = HsSearchEntry.objects.filter(jurisdiction=NOMENCLATURE, level=EntryLevel.CHAPTER).exclude(description_zh="")
    terms = {code: frozenset(index_terms(zh).split()) for code, zh in rows.values_list("code", "description_zh")}
    _chapters_cache[:] = [_Chapters(version, terms)]
    return terms


def _chapters(text: str, translations: list[Translation] | None = None, version: int | None = None) -> list[str]:
    """Chapters whose Chinese title shares the most words (two characters or more) with `text`, best first."""
    found = glossary.translate(text) if translations is None else translations
    words = {word for run in cjk_runs(text) for word in jieba_words(run) if len(word) >= 2}
    words |= {term.zh for term in found if len(term.zh) >= 2}
    if not words:
        return []
    counts = {code: len(words & terms) for code, terms in _chapter_terms(version).items()}
    return sorted((code for code, count in counts.items() if count), key=lambda code: (-counts[code], code))[:3]


def suggest(*, actor: Actor, text: str, jurisdiction: str = "CN", limit: int = 5) -> list[Suggestion]:
    """Up to `limit` HS subheadings for a product description (English or Chinese), best first, with why.

    Signals fused by weighted reciprocal rank: words matching the nomenclature (full text; the Chinese
    words also read in English through our glossary), sentence-embedding similarity
    (multilingual-e5-small), the enterprise's own confirmed classifications of similar descriptions and,
    for Chinese, the chapters whose Chinese titles share its words. Nothing is applied: a person confirms.
    """
    require_reference_read(actor)
    value = _clean_text(text, field_name="text", max_length=MAX_DESCRIPTION_LENGTH)
    limit = _clean_limit(limit)
    jurisdiction = clean_jurisdiction(jurisdiction)
    translations = glossary.translate(value)
    english = " ".join(term.en for term in translations)
    read_as = [(term, set(query_terms(term.en))) for term in translations]
    terms = list(dict.fromkeys(query_terms(value)[:32] + (query_terms(english)[:32] if english else [])))
    # The embedding reads the description with its English reading appended: measured on bench/, this
    # lifts Chinese top-5 from 28 % to 83 % (held-out set: 21 % to 57 %) and leaves English unchanged. It is
    # computed in a thread while the lexical search below runs.
    embedding = embeddings.embed_query_in_background(glossary.with_reading(value, translations))
    scopes = ["hs", jurisdiction.lower()]
    # PostgreSQL: rows are selected by the description's rarer words and ranked by all of them; a word
    # thousands of entries hold ("steel", "no", "5") would make ts_rank read them all, for candidates
    # that on bench/ did not hold the right code any more often (see _SELECTIVE).
    counts = backends.entry_counts(scopes=scopes, terms=terms)
    selective = [term for term in terms if 0 < counts.get(term, 0) <= _SELECTIVE]
    if not selective:
        selective = sorted(counts, key=lambda term: counts[term])[:2]
    lexical_hits = backends.text_matches(
        scopes=scopes, terms=terms, prefix_last=False, limit=_CANDIDATES * 2, select_by=selective or None
    )
    entries = {
        pk: (code, entry_terms)
        for pk, code, entry_terms in HsSearchEntry.objects.filter(
            pk__in=[pk for pk, _score in lexical_hits], level__in=[EntryLevel.SUBHEADING, EntryLevel.NATIONAL]
        ).values_list("pk", "code", "terms")
    }
    lexical: dict[str, list[str]] = {}
    for pk, _score in lexical_hits:
        if pk not in entries:
            continue
        code, entry_terms = entries[pk]
        matched = _matched(terms, entry_terms, False)
        known = lexical.setdefault(code[:6], [])
        known.extend(term for term in matched if term not in known)
        if len(lexical) >= _CANDIDATES:
            break
    chinese = is_mostly_chinese(value)
    versions = _index_versions()
    chapters = _chapters(value, translations, versions.get(SEARCH_STATE)) if chinese else []
    confirmed = _confirmed_set(actor, jurisdiction)
    query_vector = embedding.result()
    semantic = _semantic(query_vector, jurisdiction, cross_lingual=chinese, version=versions.get(EMBEDDINGS_STATE))
    similar = _similar_products(confirmed, query_vector)

    scores: dict[str, float] = defaultdict(float)
    for rank, key in enumerate(lexical, start=1):
        scores[key] += LEXICAL_WEIGHT / (RRF_K + rank)
    for rank, key in enumerate(semantic, start=1):
        scores[key] += SEMANTIC_WEIGHT / (RRF_K + rank)
    by_code: dict[str, list[SimilarProduct]] = defaultdict(list)
    for product in similar:
        by_code[product.code[:6]].append(product)
    for rank, key in enumerate(by_code, start=1):
        scores[key] += CONFIRMED_WEIGHT / (RRF_K + rank)
    for rank, chapter in enumerate(chapters, start=1):
        for key in scores:
            if key.startswith(chapter):
                scores[key] += CHAPTER_WEIGHT / (RRF_K + rank)
    best = sorted(scores, key=lambda key: (-scores[key], key))[:limit]
    if not best:
        return []
    ceiling = (
        LEXICAL_WEIGHT
        + SEMANTIC_WEIGHT
        + (CONFIRMED_WEIGHT if by_code else 0.0)
        + (CHAPTER_WEIGHT if chapters else 0.0)
    ) / (RRF_K + 1)
    nodes, lines = _paths_and_lines(jurisdiction, best, {p.code for products in by_code.values() for p in products})
    suggestions = []
    for key in best:
        node = nodes.get(key)
        matched_terms = lexical.get(key, [])
        suggestions.append(
            Suggestion(
                code=key,
                level=node.level if node else EntryLevel.SUBHEADING,
                description_en=node.description_en if node else "",
                description_zh=node.description_zh if node else "",
                path=_path(key, nodes),
                score=round(min(scores[key] / ceiling, 1.0), 3),
                matched_terms=matched_terms,
                semantic_similarity=round(semantic[key], 4) if key in semantic else None,
                similar_products=by_code.get(key, [])[:3],
                national_lines=lines.get(key, []),
                translations=[term for term, words in read_as if words.intersection(matched_terms)],
            )
        )
    return suggestions


def _paths_and_lines(
    jurisdiction: str, hs6_codes: list[str], confirmed: set[str]
) -> tuple[dict[str, PathItem], dict[str, list[PathItem]]]:
    """In one query: the nomenclature path of each HS6 code (as _paths) and up to five national lines
    of the jurisdiction under each, confirmed codes first."""
    prefixes = sorted({code[:n] for code in hs6_codes for n in (2, 4, 6) if len(code) >= n})
    rows = backends.paths_and_lines_rows(
        nomenclature=NOMENCLATURE,
        prefixes=prefixes,
        jurisdiction=jurisdiction,
        national_level=EntryLevel.NATIONAL,
        hs6_codes=hs6_codes,
    )
    nodes: dict[str, PathItem] = {}
    candidates: list[PathItem] = []
    for owner, *item in rows:
        if owner == NOMENCLATURE:
            nodes[item[0]] = PathItem(*item)
        else:
            candidates.append(PathItem(*item))
    lines: dict[str, list[PathItem]] = defaultdict(list)
    for line in sorted(candidates, key=lambda line: (line.code not in confirmed, line.code)):
        bucket = lines[line.code[:6]]
        if len(bucket) < 5:
            bucket.append(line)
    return nodes, lines
