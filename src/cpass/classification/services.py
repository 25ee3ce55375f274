"""Writes: confirmed classifications, and rebuilding the search index and the embeddings."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cpass.classification import backends, embeddings, glossary
from cpass.classification.models import (
    NOMENCLATURE,
    ConfirmedClassification,
    EntryLevel,
    HsEmbedding,
    HsSearchEntry,
    IndexState,
)
from cpass.classification.text import index_terms, normalize_code, plain_text
from cpass.core.actor import Actor
from cpass.core.errors import NotFound, PermissionDenied, ValidationFailed
from cpass.tariff.models import HsNode, TariffLine

log = logging.getLogger(__name__)

MAX_DESCRIPTION_LENGTH = 1000
_JURISDICTION = re.compile(r"[A-Z]{2}")
_CODE = re.compile(r"[0-9]{4,14}")
_EMBED_BATCH = 64
_INSERT_BATCH = 2000

SEARCH_STATE = "search"
EMBEDDINGS_STATE = "embeddings"


def clean_jurisdiction(value: str, *, field: str = "jurisdiction") -> str:
    jurisdiction = (value or "").strip().upper()
    if not _JURISDICTION.fullmatch(jurisdiction):
        raise ValidationFailed.on(field, _("Give a jurisdiction as two letters, e.g. CN or US."))
    return jurisdiction


@dataclass(frozen=True)
class ConfirmedItem:
    """One confirmed code for `learn_confirmed_many`: a product's description and code."""

    description: str
    code: str
    product_id: int | None = None


def _check_enterprise(actor: Actor, enterprise_id: int) -> None:
    if enterprise_id not in actor.enterprise_ids_for("products", "write"):
        if enterprise_id in actor.enterprise_ids_for("products", "read"):
            raise PermissionDenied(_("You may not change this enterprise's products."))
        raise NotFound(_("No such enterprise, or you have no access to it."))


def _clean_confirmed(description: str, code: str, *, prefix: str = "") -> tuple[str, str]:
    """The description on one line and the code's digits, or ValidationFailed naming `prefix` + the field."""
    text = plain_text(description)
    if not text:
        raise ValidationFailed.on(f"{prefix}description", _("Describe the product."))
    if len(text) > MAX_DESCRIPTION_LENGTH:
        raise ValidationFailed.on(
            f"{prefix}description",
            _("The description is longer than %(max)s characters.") % {"max": MAX_DESCRIPTION_LENGTH},
        )
    digits = normalize_code(code or "")
    if not _CODE.fullmatch(digits):
        raise ValidationFailed.on(
            f"{prefix}code", _("An HS or national code has 4 to 14 digits (dots and spaces allowed).")
        )
    return text, digits


def _store_confirmed(
    *,
    actor: Actor,
    enterprise_id: int,
    jurisdiction: str,
    rows: list[tuple[str, str, int | None, bytes]],
) -> None:
    """Upsert (description, code, product id, embedding) rows: one per product, or per identical
    description when there is no product. Runs inside the caller's transaction."""
    scope = ConfirmedClassification.objects.for_actor(actor, "write").filter(
        enterprise_id=enterprise_id, jurisdiction=jurisdiction
    )
    product_ids = [product_id for _text, _code, product_id, _vector in rows if product_id is not None]
    descriptions = [text for text, _code, product_id, _vector in rows if product_id is None]
    existing: dict[tuple[int | None, str], ConfirmedClassification] = {}
    if product_ids:
        for row in scope.filter(product_id__in=product_ids).select_for_update():
            existing[(row.product_id, "")] = row
    if descriptions:
        for row in scope.filter(product_id__isnull=True, description__in=descriptions).select_for_update():
            existing[(None, row.description)] = row
    user = actor.user if actor.user.is_authenticated else None
    created: list[ConfirmedClassification] = []
    updated: list[ConfirmedClassification] = []
    for text, digits, product_id, vector in rows:
        key = (product_id, "") if product_id is not None else (None, text)
        row = existing.get(key)
        if row is None:
            row = ConfirmedClassification(
                enterprise_id=enterprise_id,
                description=text,
                code=digits,
                jurisdiction=jurisdiction,
                product_id=product_id,
                confirmed_by=user,
                embedding=vector,
            )
            created.append(row)
            existing[key] = row
        elif row.pk is None:  # the same key twice in one call: the later one wins
            row.description, row.code, row.embedding = text, digits, vector
        else:
            row.description, row.code, row.confirmed_by, row.embedding = text, digits, user, vector
            row.updated_at = timezone.now()
            updated.append(row)
    # Written only for `enterprise_id`, which _check_enterprise found writable; the rows updated were read via `scope`.
    ConfirmedClassification.objects.unscoped().bulk_create(created)
    scope.bulk_update(
        list({row.pk: row for row in updated}.values()),
        ["description", "code", "confirmed_by", "embedding", "updated_at"],
    )


@transaction.atomic
def learn_confirmed(
    *,
    actor: Actor,
    enterprise_id: int,
    description: str,
    code: str,
    jurisdiction: str = "CN",
    product_id: int | None = None,
) -> None:
    """Record that a person of `enterprise_id` confirmed `code` for a product `description`.

    One row per product (or per identical description when there is no product): confirming
    again replaces the code. The embedding of the description with the English reading of its
    Chinese terms (glossary.with_reading, as for queries) is computed here (about 10 ms).
    """
    _check_enterprise(actor, enterprise_id)
    text, digits = _clean_confirmed(description, code)
    jurisdiction = clean_jurisdiction(jurisdiction)
    vector = embeddings.to_bytes(embeddings.embed_passages([glossary.with_reading(text)])[0])
    _store_confirmed(
        actor=actor, enterprise_id=enterprise_id, jurisdiction=jurisdiction, rows=[(text, digits, product_id, vector)]
    )


def learn_confirmed_many(
    *, actor: Actor, enterprise_id: int, items: Sequence[ConfirmedItem], jurisdiction: str = "CN"
) -> int:
    """`learn_confirmed` for many products at once (a product import): every item is checked first,
    then the descriptions are embedded a batch at a time (one model call per batch) and each batch is
    stored in its own short transaction, so the model's CPU time never holds the database. Idempotent;
    returns how many items were learnt."""
    _check_enterprise(actor, enterprise_id)
    jurisdiction = clean_jurisdiction(jurisdiction)
    cleaned: list[tuple[str, str, int | None]] = []
    errors: dict[str, list[Any]] = {}
    for index, item in enumerate(items):
        try:
            text, digits = _clean_confirmed(item.description, item.code, prefix=f"items[{index}].")
        except ValidationFailed as exc:
            errors.update(exc.errors)
        else:
            cleaned.append((text, digits, item.product_id))
    if errors:
        raise ValidationFailed(_("Some confirmed codes are invalid."), errors=errors)
    for start in range(0, len(cleaned), _EMBED_BATCH):
        chunk = cleaned[start : start + _EMBED_BATCH]
        vectors = embeddings.embed_passages([glossary.with_reading(text) for text, _digits, _product_id in chunk])
        rows = [
            (text, digits, product_id, embeddings.to_bytes(vector))
            for (text, digits, product_id), vector in zip(chunk, vectors, strict=True)
        ]
        with transaction.atomic():
            _store_confirmed(actor=actor, enterprise_id=enterprise_id, jurisdiction=jurisdiction, rows=rows)
    return len(cleaned)


@transaction.atomic
def confirmed_classification_forget(*, actor: Actor, product_id: int) -> int:
    """Forget what the assistant learnt from a product (its description and confirmed codes, every
    jurisdiction): called when the product is deleted or loses its code, so data people delete is
    gone from the assistant too. Returns how many rows were deleted; forgetting twice deletes none."""
    rows = ConfirmedClassification.objects.for_actor(actor, "write").filter(product_id=product_id)
    deleted, _by_model = rows.delete()
    return deleted


# -- the search index ------------------------------------------------------------------------


def _bump(key: str, entries: int) -> None:
    state, _created = IndexState.objects.select_for_update().get_or_create(key=key)
    state.version += 1
    state.entries = entries
    state.built_at = timezone.now()
    state.save()


def _nomenclature_entries() -> Iterable[HsSearchEntry]:
    edition = HsNode.objects.aggregate(edition=Max("edition"))["edition"]
    if edition is None:
        return
    for code, level, en, zh in HsNode.objects.filter(edition=edition).values_list(
        "code", "level", "description_en", "description_zh"
    ):
        yield HsSearchEntry(
            jurisdiction=NOMENCLATURE,
            scope="hs",
            code=code,
            level=level,
            description_en=en,
            description_zh=zh,
            terms=index_terms(en, zh),
        )


def _line_entries(jurisdiction: str | None) -> Iterable[HsSearchEntry]:
    """Currently valid national lines, one entry per code (the first CIQ sub-code's text)."""
    today = timezone.localdate()
    lines = TariffLine.objects.filter(valid_from__lte=today).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    if jurisdiction:
        lines = lines.filter(jurisdiction__code=jurisdiction)
    edition = HsNode.objects.aggregate(edition=Max("edition"))["edition"]
    subheadings = dict(
        HsNode.objects.filter(edition=edition, level=EntryLevel.SUBHEADING).values_list("code", "description_en")
    )
    seen: set[tuple[str, str]] = set()
    for jur, code, en, zh in lines.order_by("jurisdiction__code", "code", "ciq_code").values_list(
        "jurisdiction__code", "code", "description_en", "description_zh"
    ):
        if (jur, code) in seen:
            continue
        seen.add((jur, code))
        # The subheading's words too: national texts are often just "Other".
        yield HsSearchEntry(
            jurisdiction=jur,
            scope=jur.lower(),
            code=code,
            level=EntryLevel.NATIONAL,
            description_en=en,
            description_zh=zh,
            terms=index_terms(en, zh, subheadings.get(code[:6], "")),
        )


def _bulk_insert(entries: Iterable[HsSearchEntry]) -> int:
    batch: list[HsSearchEntry] = []
    count = 0
    for entry in entries:
        batch.append(entry)
        if len(batch) >= _INSERT_BATCH:
            HsSearchEntry.objects.bulk_create(batch)
            count += len(batch)
            batch.clear()
    HsSearchEntry.objects.bulk_create(batch)
    return count + len(batch)


@transaction.atomic
def rebuild_search_index(*, jurisdiction: str | None = None) -> int:
    """Rebuild the HS search index from the tariff app's rows; return the number of entries.

    Without `jurisdiction`, everything: the newest HS edition's nodes and every jurisdiction's
    currently valid lines. With one ("CN"), only that jurisdiction's lines. Readers keep seeing
    the old index until the transaction commits.
    """
    entries = HsSearchEntry.objects.all()
    if jurisdiction:
        jurisdiction = clean_jurisdiction(jurisdiction)
        entries = entries.filter(jurisdiction=jurisdiction)
    entries.delete()
    if not jurisdiction:
        _bulk_insert(_nomenclature_entries())
    _bulk_insert(_line_entries(jurisdiction))
    backends.refresh_fulltext()
    total = HsSearchEntry.objects.count()
    _bump(SEARCH_STATE, total)
    log.info("HS search index rebuilt: %s entries", total)
    return total


def _passages() -> dict[tuple[str, str], str]:
    """What gets embedded: HS subheadings, and national lines with a Chinese text.

    A subheading's passage starts with its heading ("Horses, asses...: Horses; live, pure-bred"),
    so short texts such as "Other" keep their meaning.
    """
    rows = list(
        HsSearchEntry.objects.filter(
            Q(jurisdiction=NOMENCLATURE, level__in=[EntryLevel.HEADING, EntryLevel.SUBHEADING])
            | (Q(level=EntryLevel.NATIONAL) & ~Q(description_zh=""))
        ).values_list("jurisdiction", "code", "level", "description_en", "description_zh")
    )
    headings = {code: en for jur, code, level, en, _zh in rows if jur == NOMENCLATURE and level == EntryLevel.HEADING}
    subheadings = {
        code: en for jur, code, level, en, _zh in rows if jur == NOMENCLATURE and level == EntryLevel.SUBHEADING
    }
    passages = {}
    for jur, code, level, en, zh in rows:
        if level == EntryLevel.HEADING:
            continue  # suggestions are subheadings; headings only give them context
        parent = headings.get(code[:4], "")
        if level == EntryLevel.NATIONAL:
            parent = subheadings.get(code[:6], parent)
        passages[(jur, code)] = " ".join(part for part in (f"{parent}:" if parent else "", en, zh) if part)
    return passages


def build_embeddings() -> int:
    """Embed every index entry whose passage changed since the last build; return how many were embedded.

    Runs in batches outside one long transaction (the 5,600 subheadings of a full HS edition take
    several minutes of CPU: about 11 on a busy 2-core machine); the version is bumped at the end so
    searching processes reload the matrix once.
    """
    passages = _passages()
    stored = dict(
        ((jur, code), text_hash)
        for jur, code, text_hash in HsEmbedding.objects.values_list("jurisdiction", "code", "text_hash")
    )
    hashes = {key: hashlib.sha256(text.encode()).hexdigest() for key, text in passages.items()}
    stale = [key for key in stored if key not in passages]
    todo = [key for key, text_hash in hashes.items() if stored.get(key) != text_hash]
    for start in range(0, len(stale), 500):
        chunk = stale[start : start + 500]
        condition = Q()
        for jur, code in chunk:
            condition |= Q(jurisdiction=jur, code=code)
        HsEmbedding.objects.filter(condition).delete()
    for start in range(0, len(todo), _EMBED_BATCH):
        chunk = todo[start : start + _EMBED_BATCH]
        vectors = embeddings.embed_passages([passages[key] for key in chunk])
        with transaction.atomic():
            condition = Q()
            for jur, code in chunk:
                condition |= Q(jurisdiction=jur, code=code)
            HsEmbedding.objects.filter(condition).delete()
            HsEmbedding.objects.bulk_create(
                HsEmbedding(
                    jurisdiction=jur, code=code, text_hash=hashes[(jur, code)], vector=embeddings.to_bytes(vector)
                )
                for (jur, code), vector in zip(chunk, vectors, strict=True)
            )
    with transaction.atomic():
        _bump(EMBEDDINGS_STATE, len(passages))
    log.info("HS embeddings: %s embedded, %s removed, %s in all", len(todo), len(stale), len(passages))
    return len(todo)
