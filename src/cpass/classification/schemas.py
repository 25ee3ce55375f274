"""API schemas of /api/v1/classification."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema

from cpass.classification.models import EntryLevel
from cpass.core.api import InputSchema, one_of

EntryLevelValue = Annotated[str, one_of(EntryLevel)]


class HsPathItemOut(Schema):
    code: str
    level: EntryLevelValue
    description_en: str
    description_zh: str


class HsSearchHitOut(Schema):
    code: str
    level: EntryLevelValue
    jurisdiction: str = Field(description='"" for the HS nomenclature, else the national schedule (CN, US…)')
    description_en: str
    description_zh: str
    description: str = Field(description="In the request's language when there is one, else English")
    path: list[HsPathItemOut] = Field(description="Chapter, heading and subheading above the code")
    matched_terms: list[str]
    score: float


class SuggestIn(InputSchema):
    text: str = Field(description="Product description in English or Chinese (1 to 1000 characters)")
    jurisdiction: str = "CN"
    limit: int = 5


class SimilarProductOut(Schema):
    description: str
    code: str
    similarity: float


class TranslationOut(Schema):
    zh: str = Field(description="A Chinese term of the description")
    en: str = Field(description="The English words it is read as (our trade glossary)")


class SuggestionOut(Schema):
    code: str
    level: EntryLevelValue
    description_en: str
    description_zh: str
    description: str
    path: list[HsPathItemOut]
    score: float = Field(description="0..1, relative to a code ranked first by every signal")
    matched_terms: list[str] = Field(description="Words of the description found in the code's text")
    semantic_similarity: float | None = Field(description="Cosine similarity of the sentence embeddings")
    similar_products: list[SimilarProductOut] = Field(
        description="Your enterprise's (and clients') confirmed classifications of similar descriptions"
    )
    national_lines: list[HsPathItemOut]
    translations: list[TranslationOut] = Field(
        description="Chinese terms of the description whose English reading matched this code's text"
    )


class SuggestOut(Schema):
    suggestions: list[SuggestionOut]
    translations: list[TranslationOut] = Field(
        description="How the Chinese words of the description were read in English (our trade glossary)"
    )
