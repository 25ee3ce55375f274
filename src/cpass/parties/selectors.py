"""Reads of parties, review items and restricted-party lists. Tenant rows always through for_actor."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cpass.core.actor import Actor
from cpass.core.api import apply_ordering
from cpass.core.errors import NotFound, PermissionDenied, ValidationFailed
from cpass.core.platform import require_reference_read
from cpass.organizations.models import Enterprise
from cpass.parties.choices import MatchStatus, PartyRole, ScreeningStatus
from cpass.parties.identifiers import compact
from cpass.parties.matching import name_keys
from cpass.parties.models import Party, RestrictedEntry, RestrictedList, ScreeningMatch

PARTY_ORDERING = ("name_local", "name_en", "country", "created_at", "updated_at", "screening_status")
MATCH_ORDERING = ("created_at", "updated_at", "score", "status")
#: Longest search text accepted; more is a mistake, not a query.
MAX_QUERY = 200
#: Parties a form's select lists (a record's own parties are added beyond it).
CHOICE_LIMIT = 500


def _query(q: str | None) -> str:
    text = (q or "").strip()
    if len(text) > MAX_QUERY:
        raise ValidationFailed.on("q", _("Search with at most %(limit)d characters.") % {"limit": MAX_QUERY})
    return text


def party_list(
    *,
    actor: Actor,
    enterprise_id: int | None = None,
    role: str | None = None,
    country: str | None = None,
    status: str | None = None,
    q: str | None = None,
    active: bool | None = None,
    ordering: str | None = None,
) -> QuerySet[Party]:
    """Parties the actor may read (its enterprise's and granted clients'), filtered.

    `q` searches both names and every identifier; `status` is a screening status.
    """
    parties = Party.objects.for_actor(actor, "read").select_related("enterprise")
    if enterprise_id is not None:
        parties = parties.filter(enterprise_id=enterprise_id)
    if role:
        if role not in PartyRole.values:
            raise ValidationFailed.on("role", _("Unknown role."))
        # Roles are a JSON list; the quoted key cannot be part of another key.
        parties = parties.filter(roles__icontains=f'"{role}"')
    if country:
        parties = parties.filter(country=country.strip().upper())
    if status:
        if status not in ScreeningStatus.values:
            raise ValidationFailed.on("status", _("Unknown screening status."))
        parties = parties.filter(screening_status=status)
    if active is not None:
        parties = parties.filter(is_active=active)
    text = _query(q)
    if text:
        code = compact(text)
        condition = Q(name_local__icontains=text) | Q(name_en__icontains=text)
        if code:
            for name in ("uscc", "customs_code", "eori", "vat_number", "lei", "aeo_number", "scac", "iata_code"):
                condition |= Q(**{f"{name}__icontains": code})
        parties = parties.filter(condition)
    return apply_ordering(parties, ordering, PARTY_ORDERING, "name_local")


def party_get(*, actor: Actor, party_id: int, action: str = "read") -> Party:
    """One party, or NotFound (another tenant's looks absent); PermissionDenied to change a read-only one."""
    party = Party.objects.for_actor(actor, action).select_related("enterprise").filter(pk=party_id).first()
    if party is not None:
        return party
    if action != "read" and Party.objects.for_actor(actor, "read").filter(pk=party_id).exists():
        raise PermissionDenied(_("You may read this party but not change it."))
    raise NotFound(_("No such party, or you have no access to it."))


def require_party_usable(party: Party, *, field: str = "party") -> None:
    """Refuse a party that may not go on a declaration: inactive, under review (an open match) or blocked
    (a confirmed match). `field` names the form or API field the error is reported on.

    For a party already fetched through tenancy; other apps usually call `party_require_usable`.
    """
    if not party.is_active:
        raise ValidationFailed.on(field, _("“%(name)s” is deactivated.") % {"name": party.name_local})
    statuses = set(
        ScreeningMatch.objects.unscoped()
        .filter(party_id=party.pk, status__in=[MatchStatus.OPEN, MatchStatus.CONFIRMED])
        .values_list("status", flat=True)
    )
    if MatchStatus.CONFIRMED in statuses:
        raise ValidationFailed.on(
            field,
            _("“%(name)s” is blocked: a person confirmed that it is on a restricted-party list.")
            % {"name": party.name_local},
        )
    if statuses:
        raise ValidationFailed.on(
            field,
            _("“%(name)s” matches a restricted-party list and cannot be used until a person clears it.")
            % {"name": party.name_local},
        )


def party_require_usable(*, actor: Actor, party_id: int, field: str = "party") -> Party:
    """The party the actor may read, if it may go on a declaration; otherwise a clear error.

    What declaration, shipment and other modules call for every party they name: NotFound for
    another tenant's party (it looks absent), ValidationFailed on `field` for an inactive,
    under-review or blocked one. Returns the party (with its enterprise) for the caller to use.
    """
    party = party_get(actor=actor, party_id=party_id)
    require_party_usable(party, field=field)
    return party


def usable_party_id(
    *, actor: Actor, field: str, party_id: Any, enterprise_id: int, current: int | None = None
) -> int | None:
    """The id of a usable party of `enterprise_id` for a form or API field (empty stays None): another tenant's
    party looks absent, a blocked or unreviewed one is refused, one of another enterprise the actor serves is
    named. Shipments and declarations check every party field with it.

    `current` is the party the record names now: naming it again keeps it whatever its state, so saving a form
    that leaves the field alone is no error (the declaration rules still stop a deactivated or blocked party
    before submission); only a new choice must be usable."""
    if party_id in (None, ""):
        return None
    try:
        pk = int(party_id)
    except (ValueError, TypeError):
        raise ValidationFailed.on(field, _("No such party, or you have no access to it.")) from None
    if current is not None and pk == current:
        return pk
    try:
        party = party_require_usable(actor=actor, party_id=pk, field=field)
    except NotFound:
        raise ValidationFailed.on(field, _("No such party, or you have no access to it.")) from None
    if party.enterprise_id != enterprise_id:
        raise ValidationFailed.on(
            field, _("“%(name)s” belongs to another enterprise than this record.") % {"name": party.name_local}
        )
    return party.pk


def party_choices(*, actor: Actor, enterprise_ids: Iterable[int], current: Iterable[Party | None] = ()) -> list[Party]:
    """The parties a form's select offers, by name: the active ones of `enterprise_ids` the actor may read (the
    first CHOICE_LIMIT), and the ones the record names now (`current`, read with the record) even when they are
    deactivated, past the limit or not readable on their own, so saving the form without touching them keeps them."""
    offered = list(
        Party.objects.for_actor(actor, "read")
        .filter(enterprise_id__in=list(enterprise_ids), is_active=True)
        .select_related("enterprise")
        .order_by("name_local", "pk")[:CHOICE_LIMIT]
    )
    listed = {party.pk for party in offered}
    kept = [party for party in current if party is not None and party.pk not in listed]
    if not kept:
        return offered
    return sorted([*offered, *{party.pk: party for party in kept}.values()], key=lambda p: (p.name_local, p.pk))


def match_list(
    *,
    actor: Actor,
    status: str | None = None,
    party_id: int | None = None,
    enterprise_id: int | None = None,
    ordering: str | None = None,
) -> QuerySet[ScreeningMatch]:
    """Review items the actor may read; the queue shows the open ones."""
    matches = ScreeningMatch.objects.for_actor(actor, "read").select_related("party", "enterprise", "decided_by")
    if status:
        if status not in MatchStatus.values:
            raise ValidationFailed.on("status", _("Unknown match status."))
        matches = matches.filter(status=status)
    if party_id is not None:
        matches = matches.filter(party_id=party_id)
    if enterprise_id is not None:
        matches = matches.filter(enterprise_id=enterprise_id)
    return apply_ordering(matches, ordering, MATCH_ORDERING, "-score")


def match_get(*, actor: Actor, match_id: int, action: str = "read") -> ScreeningMatch:
    match = (
        ScreeningMatch.objects.for_actor(actor, action)
        .select_related("party", "enterprise", "decided_by", "entry")
        .filter(pk=match_id)
        .first()
    )
    if match is not None:
        return match
    if action != "read" and ScreeningMatch.objects.for_actor(actor, "read").filter(pk=match_id).exists():
        raise PermissionDenied(_("You may read this review item but not decide it."))
    raise NotFound(_("No such review item, or you have no access to it."))


def readable_enterprises(*, actor: Actor) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(pk__in=actor.enterprise_ids_for("parties", "read")).order_by("name")


def writable_enterprises(*, actor: Actor) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(pk__in=actor.enterprise_ids_for("parties", "write")).order_by("name")


def can_see_restricted_lists(actor: Actor) -> bool:
    return bool(actor.user.is_authenticated and actor.user.is_staff and actor.has_scope("reference", "read"))


def _require_list_reader(actor: Actor) -> None:
    require_reference_read(actor)
    if not can_see_restricted_lists(actor):
        raise PermissionDenied(_("Only platform staff see the restricted-party lists."))


def restricted_list_list(*, actor: Actor) -> QuerySet[RestrictedList]:
    _require_list_reader(actor)
    return RestrictedList.objects.order_by("name")


def restricted_list_get(*, actor: Actor, list_id: int) -> RestrictedList:
    """One list; an unknown id is NotFound before the staff check, as for any other page."""
    restricted_list = RestrictedList.objects.filter(pk=list_id).first()
    if restricted_list is None:
        raise NotFound(_("No such restricted-party list."))
    _require_list_reader(actor)
    return restricted_list


def restricted_entry_list(*, actor: Actor, list_id: int, q: str | None = None) -> QuerySet[RestrictedEntry]:
    """Entries of one list; `q` finds the name, the id, or any name or alias written in another script
    (it is compared through the same transliterated keys screening uses: "сияние" finds "Siyanie")."""
    restricted_list = restricted_list_get(actor=actor, list_id=list_id)
    entries = RestrictedEntry.objects.filter(restricted_list=restricted_list).order_by("name", "pk")
    text = _query(q)
    if text:
        condition = Q(name__icontains=text) | Q(external_id__icontains=text)
        key = name_keys(text)
        if key is not None:
            # match_keys hold only ASCII letters, digits and spaces, so the JSON text is searchable as is.
            condition |= Q(match_keys__icontains=key.compact)
        entries = entries.filter(condition)
    return entries
