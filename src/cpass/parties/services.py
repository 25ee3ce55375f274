"""Writes of parties and screening decisions. Every party write screens the party in the same transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cpass.core.actor import Actor
from cpass.core.errors import Conflict, Message, PermissionDenied, ValidationFailed
from cpass.parties import identifiers
from cpass.parties.choices import MatchDecision, MatchStatus, PartyRole
from cpass.parties.models import Party, ScreeningMatch
from cpass.parties.screening import party_refresh_status, party_screen
from cpass.parties.selectors import match_get, party_get
from cpass.reference.selectors import validate_code
from cpass.reference.tables import Table

#: Fields a party is created and changed with (services, forms and API share this list).
PARTY_FIELDS = (
    "roles",
    "name_local",
    "name_en",
    "country",
    "address_local",
    "address_en",
    "city",
    "postcode",
    "contact_name",
    "contact_phone",
    "contact_email",
    "uscc",
    "customs_code",
    "eori",
    "vat_number",
    "lei",
    "aeo_number",
    "scac",
    "iata_code",
    "iata_prefix",
    "notes",
    "is_active",
)
_REASON_MAX = 2000
_NOTES_MAX = 5000

#: Identifier fields and their checks; those taking the party's country get its alpha-2 code.
_IDENTIFIERS: dict[str, Callable[[str], str]] = {
    "uscc": identifiers.clean_uscc,
    "customs_code": identifiers.clean_customs_code,
    "eori": identifiers.clean_eori,
    "lei": identifiers.clean_lei,
    "aeo_number": identifiers.clean_aeo,
    "scac": identifiers.clean_scac,
    "iata_code": identifiers.clean_iata_code,
    "iata_prefix": identifiers.clean_iata_prefix,
    "contact_email": identifiers.clean_email,
}
_BY_COUNTRY: dict[str, Callable[[str, str], str]] = {
    "vat_number": identifiers.clean_vat,
    "contact_phone": identifiers.clean_phone,
}


def _clean_party(values: dict[str, Any]) -> dict[str, Any]:
    """Check every field at once, so a form shows all its errors together; returns the stored values."""
    errors: dict[str, list[Message]] = {}
    clean: dict[str, Any] = {}

    def fail(name: str, message: Message) -> None:
        errors.setdefault(name, []).append(message)

    roles = values.get("roles") or []
    if isinstance(roles, str) or not isinstance(roles, list | tuple):
        roles = [roles]
    unknown = [str(role) for role in roles if role not in PartyRole.values]
    if unknown:
        fail("roles", _("Unknown role(s): %(roles)s.") % {"roles": ", ".join(unknown)})
    elif not roles:
        fail("roles", _("Choose at least one role."))
    # Stored in the order of PartyRole, without repeats.
    clean["roles"] = [role for role in PartyRole.values if role in roles]

    for name in PARTY_FIELDS:
        if name in {"roles", "is_active"}:
            continue
        value = values.get(name)
        clean[name] = ("" if value is None else str(value)).strip()
    clean["is_active"] = bool(values.get("is_active", True))

    if not clean["name_local"]:
        fail("name_local", _("Enter the party's name."))
    country = clean["country"].upper()
    clean["country"] = country
    alpha2 = ""
    if not country:
        fail("country", _("Choose the party's country."))
    else:
        try:
            validate_code(Table.COUNTRY, country, field="country")
        except ValidationFailed as exc:
            for message in exc.errors.get("country", [exc.detail]):
                fail("country", message)
        else:
            alpha2 = identifiers.alpha2(country)

    for name, check in _IDENTIFIERS.items():
        if clean[name]:
            try:
                clean[name] = check(clean[name])
            except ValueError as exc:
                fail(name, str(exc))
    for name, check_in_country in _BY_COUNTRY.items():
        if clean[name] and "country" not in errors:
            try:
                clean[name] = check_in_country(clean[name], alpha2)
            except ValueError as exc:
                fail(name, str(exc))

    for name in PARTY_FIELDS:
        limit = _NOTES_MAX if name == "notes" else getattr(Party._meta.get_field(name), "max_length", None)
        if limit and isinstance(clean[name], str) and len(clean[name]) > limit and name not in errors:
            fail(name, _("At most %(limit)d characters.") % {"limit": limit})
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first if len(errors) == 1 else _("Some fields are not valid."), errors=errors)
    return clean


def _check_unique(clean: dict[str, Any], *, enterprise_id: int, party_id: int | None) -> None:
    errors: dict[str, list[Message]] = {}
    for name, label in (("uscc", _("unified social credit code")), ("eori", _("EORI number"))):
        if not clean[name]:
            continue
        other = (
            Party.objects.unscoped()
            .filter(enterprise_id=enterprise_id, **{name: clean[name]})
            .exclude(pk=party_id)
            .values_list("name_local", flat=True)
            .first()
        )
        if other is not None:
            errors[name] = [
                _("Another party of this enterprise, “%(name)s”, has this %(label)s.") % {"name": other, "label": label}
            ]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors=errors)


def _save(party: Party) -> None:
    try:
        with transaction.atomic():
            party.save()
    except IntegrityError:
        # Two requests racing for the same identifier: the constraint caught the second one.
        raise ValidationFailed(
            _("Another party of this enterprise has this identifier."),
            errors={"uscc": [_("Check the unified social credit code and EORI number: one is already used.")]},
        ) from None


@transaction.atomic
def party_create(*, actor: Actor, enterprise_id: int | None = None, **values: Any) -> Party:
    """Create a party for the actor's enterprise (or a client's that granted `parties` write) and screen it."""
    unknown = set(values) - set(PARTY_FIELDS)
    if unknown:
        raise ValidationFailed.on(sorted(unknown)[0], _("Unknown field."))
    owner_id = enterprise_id if enterprise_id is not None else actor.enterprise_id
    if owner_id is None or owner_id not in actor.enterprise_ids_for("parties", "write"):
        if owner_id is not None and owner_id in actor.enterprise_ids_for("parties", "read"):
            # A member without a writing role (or a read-only grant): a refusal, not a bad field.
            raise PermissionDenied(_("Your role does not allow adding parties for this enterprise."))
        raise ValidationFailed.on("enterprise_id", _("You may not add parties for this enterprise."))
    clean = _clean_party(values)
    _check_unique(clean, enterprise_id=owner_id, party_id=None)
    party = Party(enterprise_id=owner_id, **clean)
    _save(party)
    party_screen(party)
    # Re-read through tenancy inside the transaction: nobody writes what they could not see.
    return party_get(actor=actor, party_id=party.pk, action="write")


@transaction.atomic
def party_update(*, actor: Actor, party_id: int, **values: Any) -> Party:
    """Change some fields of a party (the others keep their values) and screen it again."""
    unknown = set(values) - set(PARTY_FIELDS)
    if unknown:
        raise ValidationFailed.on(sorted(unknown)[0], _("Unknown field."))
    party = party_get(actor=actor, party_id=party_id, action="write")
    party = Party.objects.for_actor(actor, "write").select_for_update().get(pk=party.pk)
    merged = {name: getattr(party, name) for name in PARTY_FIELDS}
    merged.update(values)
    clean = _clean_party(merged)
    _check_unique(clean, enterprise_id=party.enterprise_id, party_id=party.pk)
    for name, value in clean.items():
        setattr(party, name, value)
    _save(party)
    party_screen(party)
    return party_get(actor=actor, party_id=party.pk, action="write")


def party_deactivate(*, actor: Actor, party_id: int) -> Party:
    """Stop offering the party for new documents; it stays on the ones that name it."""
    return party_update(actor=actor, party_id=party_id, is_active=False)


@transaction.atomic
def party_rescreen(*, actor: Actor, party_id: int) -> Party:
    """Screen a party again now (lists change; the person wants to see the result at once)."""
    party = party_get(actor=actor, party_id=party_id, action="write")
    party = Party.objects.for_actor(actor, "write").select_for_update().get(pk=party.pk)
    party_screen(party)
    return party_get(actor=actor, party_id=party.pk, action="write")


@transaction.atomic
def screening_match_decide(*, actor: Actor, match_id: int, decision: str, reason: str) -> ScreeningMatch:
    """A person confirms a match (the party is blocked) or clears it as a false positive, with a reason.

    A confirmed match may later be cleared (e.g. the party was delisted) and a clearance confirmed;
    a withdrawn item is no longer a match and takes no decision.
    """
    match = match_get(actor=actor, match_id=match_id, action="write")
    match = ScreeningMatch.objects.for_actor(actor, "write").select_for_update().get(pk=match.pk)
    if decision not in MatchDecision.values:
        raise ValidationFailed.on("decision", _("Choose confirm or clear."))
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed.on("reason", _("Give the reason for the decision; it is kept in the change log."))
    if len(text) > _REASON_MAX:
        raise ValidationFailed.on("reason", _("At most %(limit)d characters.") % {"limit": _REASON_MAX})
    target = MatchStatus.CONFIRMED if decision == MatchDecision.CONFIRM else MatchStatus.CLEARED
    if match.status == MatchStatus.WITHDRAWN:
        raise Conflict(_("This item no longer matches the list, so it takes no decision."))
    if match.status == target:
        raise Conflict(_("This item has already been decided that way."))
    match.status = target
    match.reason = text
    match.decided_by = actor.user
    match.decided_at = timezone.now()
    match.save()
    party = Party.objects.unscoped().select_for_update().get(pk=match.party_id)
    party_refresh_status(party)
    return match_get(actor=actor, match_id=match.pk, action="write")
