"""Denied-party screening: compare a party's names with every restricted-party list and keep one
review item (ScreeningMatch) per party and listed entry.

System code: it works on the party it is handed (already fetched through tenancy by the calling
service, or every party for a list reload), so it reads matches with `unscoped()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone

from cpass.parties.choices import MatchStatus, ScreeningStatus
from cpass.parties.matching import Hit, ListIndex, cached_index, keys_fingerprint, name_keys
from cpass.parties.models import Party, RestrictedEntry, RestrictedList, ScreeningMatch

#: Parties handled per transaction when a list reload re-screens everyone.
RESCREEN_BATCH = 500


def _build_index(restricted_list_id: int) -> ListIndex:
    index = ListIndex()
    rows = (
        RestrictedEntry.objects.filter(restricted_list_id=restricted_list_id)
        .order_by("pk")
        .values_list("pk", "country", "name", "aliases", "match_keys")
    )
    for pk, country, name, aliases, keys in rows.iterator(chunk_size=5000):
        names = [name, *aliases][: len(keys)]
        index.add(pk, country, names, keys)
    return index


def list_indexes() -> list[tuple[RestrictedList, ListIndex]]:
    """Every loaded list with its in-memory index (rebuilt only when the list was reloaded)."""
    result = []
    for restricted_list in RestrictedList.objects.filter(loaded_at__isnull=False).order_by("pk"):
        stamp = (restricted_list.loaded_at, restricted_list.entry_count)
        index = cached_index(restricted_list.pk, stamp, partial(_build_index, restricted_list.pk))
        result.append((restricted_list, index))
    return result


def party_names(party: Party) -> list[str]:
    return [name for name in dict.fromkeys([party.name_local, party.name_en]) if name.strip()]


def _party_basis(party: Party) -> str:
    keys = [name_keys(name) for name in party_names(party)]
    return keys_fingerprint(sorted(key.sorted_key for key in keys if key is not None))


def party_screen(party: Party, indexes: list[tuple[RestrictedList, ListIndex]] | None = None) -> str:
    """Screen one party against every list; create, update, reopen or withdraw its review items and
    set its screening status. Returns the new status. Call inside the writing transaction."""
    indexes = list_indexes() if indexes is None else indexes
    names = party_names(party)
    hits: dict[int, tuple[RestrictedList, Hit]] = {}
    for restricted_list, index in indexes:
        for entry_id, hit in index.search(names, party.country).items():
            hits[entry_id] = (restricted_list, hit)
    existing = {m.entry_id: m for m in ScreeningMatch.objects.unscoped().filter(party=party) if m.entry_id}
    entries = RestrictedEntry.objects.in_bulk(list(hits))
    party_basis = _party_basis(party)
    for entry_id, (restricted_list, hit) in hits.items():
        entry = entries.get(entry_id)
        if entry is None:
            continue  # removed by a reload that is committing right now; the reload's re-screen sees it
        basis = keys_fingerprint([party_basis, entry.fingerprint])
        match = existing.get(entry_id) or ScreeningMatch(enterprise_id=party.enterprise_id, party=party, entry=entry)
        reopen = match.status == MatchStatus.WITHDRAWN or (match.status == MatchStatus.CLEARED and match.basis != basis)
        if reopen:
            match.status, match.decided_by, match.decided_at, match.reason = MatchStatus.OPEN, None, None, ""
        match.list_name = restricted_list.name
        match.entry_external_id = entry.external_id
        match.entry_name = entry.name
        match.entry_country = entry.country
        match.entry_programme = entry.programme
        match.score = hit.score
        match.matched_party_name = hit.party_name[:300]
        match.matched_entry_name = hit.entry_name[:300]
        if match.status != MatchStatus.CLEARED:
            match.basis = basis
        match.save()
    for entry_id, match in existing.items():
        if entry_id not in hits and match.status == MatchStatus.OPEN:
            match.status = MatchStatus.WITHDRAWN
            match.save(update_fields=["status", "updated_at"])
    # Items whose entry a reload removed stop blocking unless a person confirmed them.
    for match in ScreeningMatch.objects.unscoped().filter(party=party, entry__isnull=True, status=MatchStatus.OPEN):
        match.status = MatchStatus.WITHDRAWN
        match.save(update_fields=["status", "updated_at"])
    return party_refresh_status(party)


def party_refresh_status(party: Party) -> str:
    """Derive the party's status from its items: blocked if one is confirmed, under review if one is open."""
    statuses = set(ScreeningMatch.objects.unscoped().filter(party=party).values_list("status", flat=True))
    if MatchStatus.CONFIRMED in statuses:
        status = ScreeningStatus.BLOCKED
    elif MatchStatus.OPEN in statuses:
        status = ScreeningStatus.REVIEW
    else:
        status = ScreeningStatus.CLEAR
    now = timezone.now()
    if party.screening_status != status:
        party.screening_status = status
        party.screened_at = now
        party.save(update_fields=["screening_status", "screened_at", "updated_at"])
    else:
        # screened_at is kept out of the change log: a re-screen that changes nothing is no change.
        Party.objects.unscoped().filter(pk=party.pk).update(screened_at=now)
        party.screened_at = now
    return str(status)


def _party_ids_in_batches(ids: Iterable[int]) -> Iterable[list[int]]:
    batch: list[int] = []
    for pk in ids:
        batch.append(pk)
        if len(batch) >= RESCREEN_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def parties_rescreen_all() -> int:
    """Re-screen every party of every enterprise (after a list was loaded); returns how many.

    Inactive parties too: a reactivated party must not come back with a stale status.
    """
    indexes = list_indexes()
    ids = list(Party.objects.unscoped().order_by("pk").values_list("pk", flat=True))
    done = 0
    for batch in _party_ids_in_batches(ids):
        with transaction.atomic():
            for party in Party.objects.unscoped().filter(pk__in=batch).select_for_update().order_by("pk"):
                party_screen(party, indexes)
                done += 1
    return done
