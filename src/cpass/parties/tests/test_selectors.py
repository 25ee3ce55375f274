from __future__ import annotations

import pytest

from cpass.accounts.tests.factories import UserFactory
from cpass.core.errors import NotFound, PermissionDenied, ValidationFailed
from cpass.organizations.tests.factories import EnterpriseFactory, PartnerGrantFactory
from cpass.parties import selectors
from cpass.parties.tests.factories import (
    PartyFactory,
    RestrictedEntryFactory,
    RestrictedListFactory,
    ScreeningMatchFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(enterprise, owner, make_actor):
    return make_actor(owner, enterprise)


def names(parties) -> list[str]:
    return [party.name_local for party in parties]


def test_party_list_filters_search_and_ordering(actor, enterprise):
    PartyFactory.create(
        enterprise=enterprise, name_local="上海恒通国际物流有限公司", country="CHN", uscc="91310000MA1FL3HTBR"
    )
    PartyFactory.create(
        enterprise=enterprise, name_local="Maersk A/S", name_en="Maersk", roles=["carrier"], country="DNK", scac="MAEU"
    )
    PartyFactory.create(
        enterprise=enterprise,
        name_local="Old Buyer Ltd",
        roles=["overseas_buyer", "consignee"],
        country="GBR",
        is_active=False,
        screening_status="blocked",
    )
    PartyFactory.create(name_local="Foreign Maersk Agent", scac="MAEX")
    assert names(selectors.party_list(actor=actor)) == ["Maersk A/S", "Old Buyer Ltd", "上海恒通国际物流有限公司"]
    assert names(selectors.party_list(actor=actor, role="carrier")) == ["Maersk A/S"]
    # Roles are matched as whole keys of the JSON list.
    assert names(selectors.party_list(actor=actor, role="overseas_buyer")) == ["Old Buyer Ltd"]
    assert names(selectors.party_list(actor=actor, country=" chn ")) == ["上海恒通国际物流有限公司"]
    assert names(selectors.party_list(actor=actor, status="blocked")) == ["Old Buyer Ltd"]
    assert names(selectors.party_list(actor=actor, active=True)) == ["Maersk A/S", "上海恒通国际物流有限公司"]
    assert names(selectors.party_list(actor=actor, active=False)) == ["Old Buyer Ltd"]
    assert names(selectors.party_list(actor=actor, q="恒通")) == ["上海恒通国际物流有限公司"]
    # Identifiers are searched in their stored, compact form: spaces and case do not matter.
    assert names(selectors.party_list(actor=actor, q="9131 0000 ma1f")) == ["上海恒通国际物流有限公司"]
    assert names(selectors.party_list(actor=actor, q="maeu")) == ["Maersk A/S"]
    assert names(selectors.party_list(actor=actor, q="%")) == []
    assert names(selectors.party_list(actor=actor, ordering="-country")) == [
        "Old Buyer Ltd",
        "Maersk A/S",
        "上海恒通国际物流有限公司",
    ]


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"role": "pirate"}, "role"),
        ({"status": "sunk"}, "status"),
        ({"q": "x" * 201}, "q"),
        ({"ordering": "uscc"}, "ordering"),
    ],
)
def test_party_list_refuses_bad_filters_naming_the_field(actor, filters, field):
    with pytest.raises(ValidationFailed) as caught:
        list(selectors.party_list(actor=actor, **filters))
    assert list(caught.value.errors) == [field]


def test_party_list_of_a_broker_includes_granted_clients_only(enterprise, other_enterprise, make_member, make_actor):
    PartyFactory.create(enterprise=enterprise, name_local="Own")
    PartyFactory.create(enterprise=other_enterprise, name_local="Client's")
    PartyFactory.create(enterprise=EnterpriseFactory.create(), name_local="Stranger's")
    broker = make_actor(make_member(enterprise, "viewer").user, enterprise)
    assert names(selectors.party_list(actor=broker)) == ["Own"]
    PartnerGrantFactory.create(grantor=other_enterprise, grantee=enterprise, module="parties", access="read")
    broker = make_actor(make_member(enterprise, "viewer").user, enterprise)
    assert names(selectors.party_list(actor=broker)) == ["Client's", "Own"]
    assert names(selectors.party_list(actor=broker, enterprise_id=other_enterprise.pk)) == ["Client's"]
    assert list(selectors.readable_enterprises(actor=broker)) == sorted(
        [enterprise, other_enterprise], key=lambda e: e.name
    )
    assert list(selectors.writable_enterprises(actor=broker)) == []
    # Documents granted is not parties granted.
    assert selectors.party_list(actor=make_actor(UserFactory.create())).count() == 0


def test_party_get_hides_foreign_and_refuses_writes_through_a_read_grant(
    actor, enterprise, other_enterprise, make_member, make_actor
):
    own = PartyFactory.create(enterprise=enterprise)
    assert selectors.party_get(actor=actor, party_id=own.pk, action="write") == own
    client_party = PartyFactory.create(enterprise=other_enterprise)
    with pytest.raises(NotFound):
        selectors.party_get(actor=actor, party_id=client_party.pk)
    with pytest.raises(NotFound):
        selectors.party_get(actor=actor, party_id=client_party.pk, action="write")
    PartnerGrantFactory.create(grantor=other_enterprise, grantee=enterprise, module="parties", access="read")
    broker = make_actor(make_member(enterprise, "operator").user, enterprise)
    assert selectors.party_get(actor=broker, party_id=client_party.pk) == client_party
    with pytest.raises(PermissionDenied):
        selectors.party_get(actor=broker, party_id=client_party.pk, action="write")
    viewer = make_actor(make_member(enterprise, "viewer").user, enterprise)
    with pytest.raises(PermissionDenied):
        selectors.party_get(actor=viewer, party_id=own.pk, action="write")


def test_party_require_usable_explains_why_a_party_cannot_be_used(actor, enterprise):
    clear = PartyFactory.create(enterprise=enterprise, name_local="Clear Co")
    assert selectors.party_require_usable(actor=actor, party_id=clear.pk) == clear

    reviewed = PartyFactory.create(enterprise=enterprise, name_local="Under Review Co")
    ScreeningMatchFactory.create(enterprise=enterprise, party=reviewed, status="open")
    with pytest.raises(ValidationFailed) as open_match:
        selectors.party_require_usable(actor=actor, party_id=reviewed.pk, field="consignee_id")
    assert open_match.value.errors == {
        "consignee_id": [
            "“Under Review Co” matches a restricted-party list and cannot be used until a person clears it."
        ]
    }

    blocked = PartyFactory.create(enterprise=enterprise, name_local="Blocked Co")
    ScreeningMatchFactory.create(enterprise=enterprise, party=blocked, status="confirmed")
    ScreeningMatchFactory.create(enterprise=enterprise, party=blocked, status="open")
    with pytest.raises(ValidationFailed) as confirmed:
        selectors.party_require_usable(actor=actor, party_id=blocked.pk)
    assert confirmed.value.errors == {
        "party": ["“Blocked Co” is blocked: a person confirmed that it is on a restricted-party list."]
    }

    # Cleared and withdrawn items do not stand in the way.
    cleared = PartyFactory.create(enterprise=enterprise, name_local="Cleared Co")
    ScreeningMatchFactory.create(enterprise=enterprise, party=cleared, status="cleared")
    ScreeningMatchFactory.create(enterprise=enterprise, party=cleared, status="withdrawn")
    assert selectors.party_require_usable(actor=actor, party_id=cleared.pk) == cleared

    inactive = PartyFactory.create(enterprise=enterprise, name_local="Gone Co", is_active=False)
    with pytest.raises(ValidationFailed) as deactivated:
        selectors.party_require_usable(actor=actor, party_id=inactive.pk)
    assert deactivated.value.errors == {"party": ["“Gone Co” is deactivated."]}

    foreign = PartyFactory.create()
    with pytest.raises(NotFound):
        selectors.party_require_usable(actor=actor, party_id=foreign.pk)


def test_party_choices_offer_active_parties_and_keep_the_current_ones(actor, enterprise, monkeypatch):
    monkeypatch.setattr(selectors, "CHOICE_LIMIT", 2)
    for name in ("Alpha Co", "Bravo Co", "Charlie Co"):
        PartyFactory.create(enterprise=enterprise, name_local=name)
    gone = PartyFactory.create(enterprise=enterprise, name_local="Bygone Co", is_active=False)
    PartyFactory.create(name_local="Aardvark Foreign Co")
    assert names(selectors.party_choices(actor=actor, enterprise_ids=[enterprise.pk])) == ["Alpha Co", "Bravo Co"]
    charlie = selectors.party_list(actor=actor, q="Charlie").get()
    kept = selectors.party_choices(actor=actor, enterprise_ids=[enterprise.pk], current=[gone, None, charlie, gone])
    assert names(kept) == ["Alpha Co", "Bravo Co", "Bygone Co", "Charlie Co"]
    assert "Bygone Co" not in names(selectors.party_choices(actor=actor, enterprise_ids=[enterprise.pk]))


def test_usable_party_id_keeps_the_current_party_but_refuses_it_as_a_new_choice(actor, enterprise):
    gone = PartyFactory.create(enterprise=enterprise, name_local="Gone Co", is_active=False)
    assert (
        selectors.usable_party_id(
            actor=actor, field="consignor_id", party_id=str(gone.pk), enterprise_id=enterprise.pk, current=gone.pk
        )
        == gone.pk
    )
    with pytest.raises(ValidationFailed) as refused:
        selectors.usable_party_id(actor=actor, field="consignee_id", party_id=gone.pk, enterprise_id=enterprise.pk)
    assert refused.value.errors == {"consignee_id": ["“Gone Co” is deactivated."]}
    with pytest.raises(ValidationFailed) as bad:
        selectors.usable_party_id(
            actor=actor, field="consignee_id", party_id="x", enterprise_id=enterprise.pk, current=gone.pk
        )
    assert bad.value.errors == {"consignee_id": ["No such party, or you have no access to it."]}


def test_match_list_and_get(actor, enterprise, make_member, make_actor):
    party = PartyFactory.create(enterprise=enterprise)
    low = ScreeningMatchFactory.create(enterprise=enterprise, party=party, score="89.0")
    high = ScreeningMatchFactory.create(enterprise=enterprise, score="99.5")
    done = ScreeningMatchFactory.create(enterprise=enterprise, party=party, status="cleared", score="95.0")
    foreign = ScreeningMatchFactory.create()
    assert list(selectors.match_list(actor=actor)) == [high, done, low]
    assert list(selectors.match_list(actor=actor, status="open")) == [high, low]
    assert list(selectors.match_list(actor=actor, party_id=party.pk, ordering="score")) == [low, done]
    with pytest.raises(ValidationFailed) as bad:
        selectors.match_list(actor=actor, status="maybe")
    assert list(bad.value.errors) == ["status"]
    assert selectors.match_get(actor=actor, match_id=low.pk, action="write") == low
    with pytest.raises(NotFound):
        selectors.match_get(actor=actor, match_id=foreign.pk)
    viewer = make_actor(make_member(enterprise, "viewer").user, enterprise)
    assert selectors.match_get(actor=viewer, match_id=low.pk) == low
    with pytest.raises(PermissionDenied):
        selectors.match_get(actor=viewer, match_id=low.pk, action="write")


def test_restricted_lists_are_for_platform_staff(actor, make_actor):
    restricted_list = RestrictedListFactory.create(name="Denied persons")
    RestrictedEntryFactory.create(restricted_list=restricted_list, external_id="DP-1", name="Ivan Petrov")
    RestrictedEntryFactory.create(
        restricted_list=restricted_list, external_id="DP-2", name="Borealis OOO", aliases=["Северное сияние"]
    )
    RestrictedEntryFactory.create(name="On another list")
    with pytest.raises(PermissionDenied):
        selectors.restricted_list_list(actor=actor)
    with pytest.raises(PermissionDenied):
        selectors.restricted_list_get(actor=actor, list_id=restricted_list.pk)
    with pytest.raises(NotFound):
        selectors.restricted_list_get(actor=actor, list_id=restricted_list.pk + 1000)
    staff = make_actor(UserFactory.create(is_staff=True))
    assert selectors.can_see_restricted_lists(staff) is True
    assert selectors.can_see_restricted_lists(actor) is False
    assert [item.name for item in selectors.restricted_list_list(actor=staff)][0] == "Denied persons"
    entries = selectors.restricted_entry_list(actor=staff, list_id=restricted_list.pk)
    assert [entry.external_id for entry in entries] == ["DP-2", "DP-1"]
    by_alias = selectors.restricted_entry_list(actor=staff, list_id=restricted_list.pk, q="сияние")
    assert [entry.external_id for entry in by_alias] == ["DP-2"]
    assert [
        e.external_id for e in selectors.restricted_entry_list(actor=staff, list_id=restricted_list.pk, q="dp-1")
    ] == ["DP-1"]
    token_without_reference = make_actor(staff.user, scopes=frozenset({"parties:read"}))
    with pytest.raises(PermissionDenied):
        selectors.restricted_list_list(actor=token_without_reference)
