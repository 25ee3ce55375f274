from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from cpass.organizations.tests.factories import EnterpriseFactory
from cpass.parties.matching import keys_fingerprint, name_keys
from cpass.parties.models import Party, RestrictedEntry, RestrictedList, ScreeningMatch


class PartyFactory(factory.django.DjangoModelFactory[Party]):
    """A party row as stored (not screened: use the services for that)."""

    class Meta:
        model = Party

    enterprise = factory.SubFactory(EnterpriseFactory)
    roles = factory.LazyFunction(lambda: ["consignee"])
    name_local = factory.Sequence(lambda n: f"Party {n} Trading GmbH")
    country = "DEU"


class RestrictedListFactory(factory.django.DjangoModelFactory[RestrictedList]):
    class Meta:
        model = RestrictedList

    name = factory.Sequence(lambda n: f"Test list {n}")
    loaded_at = factory.LazyFunction(timezone.now)


def _keys(entry: RestrictedEntry) -> list[list[str]]:
    keys = [name_keys(name) for name in [entry.name, *entry.aliases]]
    return [[key.sorted_key, key.compact] for key in keys if key is not None]


class RestrictedEntryFactory(factory.django.DjangoModelFactory[RestrictedEntry]):
    class Meta:
        model = RestrictedEntry

    restricted_list = factory.SubFactory(RestrictedListFactory)
    external_id = factory.Sequence(lambda n: f"E-{n}")
    name = factory.Sequence(lambda n: f"Listed Entity {n}")
    aliases = factory.LazyFunction(list)
    country = ""
    match_keys = factory.LazyAttribute(_keys)
    fingerprint = factory.LazyAttribute(lambda e: keys_fingerprint([e.name, *e.aliases, e.country]))


class ScreeningMatchFactory(factory.django.DjangoModelFactory[ScreeningMatch]):
    class Meta:
        model = ScreeningMatch

    enterprise = factory.SubFactory(EnterpriseFactory)
    party = factory.SubFactory(PartyFactory, enterprise=factory.SelfAttribute("..enterprise"))
    entry = factory.SubFactory(RestrictedEntryFactory)
    list_name = factory.LazyAttribute(lambda m: m.entry.restricted_list.name)
    entry_external_id = factory.LazyAttribute(lambda m: m.entry.external_id)
    entry_name = factory.LazyAttribute(lambda m: m.entry.name)
    score = Decimal("92.0")
    matched_party_name = factory.LazyAttribute(lambda m: m.party.name_local)
    matched_entry_name = factory.LazyAttribute(lambda m: m.entry.name)
    basis = "x" * 64
