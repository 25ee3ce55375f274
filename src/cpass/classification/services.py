"""Writes: confirmed classifications, and rebuilding the search index and the embeddings."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cpass.classification import embeddings
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
    again replaces the code. The description's embedding is computed here (about 10 ms).
    """
    if enterprise_id not in actor.enterprise_ids_for("products", "write"):
        if enterprise_id in actor.enterprise_ids_for("products", "read"):
            raise PermissionDenied(_("You may not change this enterprise's products."))
        raise NotFound(_("No such enterprise, or you have no access to it."))
    text = plain_text(description)
    if not text:
        raise ValidationFailed.on("description", _("Describe the product."))
    if len(text) > MAX_DESCRIPTION_LENGTH:
        raise ValidationFailed.on(
            "description",
            _("The description is longer than %(max)s characters.") % {"max": MAX_DESCRIPTION_LENGTH},
        )
    digits = normalize_code(code or "")
    if not _CODE.fullmatch(digits):
        raise ValidationFailed.on("code", _("An HS or national code has 4 to 14 digits (dots and spaces allowed)."))
    jurisdiction = clean_jurisdiction(jurisdiction)
    vector = embeddings.to_bytes(embeddings.embed_passages([text])[0])
    rows = ConfirmedClassification.objects.for_actor(actor, "write").filter(
        enterprise_id=enterprise_id, jurisdiction=jurisdiction
    )
    key = Q(product_id=product_id) if product_id is not None else Q(product_id__isnull=True, description=text)
    existing = rows.filter(key).select_for_update().first()
    if existing is None:
        ConfirmedClassification.objects.create(
            enterprise_id=enterprise_id,
            description=text,
            code=digits,
            jurisdiction=jurisdiction,
            product_id=product_id,
            confirmed_by=actor.user,
            embedding=vector,
        )
        return
    existing.description = text
    existing.code = digits
    existing.confirmed_by = actor.user
    existing.embedding = vector
    existing.save(update_fields=["description", "code", "confirmed_by", "embedding", "updated_at"])


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
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO classification_hs_fts(classification_hs_fts) VALUES ('rebuild')")
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
