"""Authorization matrix of every /api/v1/parties operation: anonymous, a member of another enterprise, a
signed-in person with no enterprise, a member without a writing role (viewer), a member with it
(operator), and platform staff for the restricted-party lists. Each case asserts the status and that
nothing leaked or changed."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.test import Client

from cpass.accounts.tests.factories import UserFactory
from cpass.organizations.tests.factories import EnterpriseFactory
from cpass.parties.models import Party, ScreeningMatch
from cpass.parties.tests.factories import (
    PartyFactory,
    RestrictedEntryFactory,
    RestrictedListFactory,
    ScreeningMatchFactory,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/parties"
NEW_PARTY = {"roles": ["consignee"], "name_local": "Matrix Trading GmbH", "country": "DEU"}


@dataclass
class World:
    party: Party
    match: ScreeningMatch
    list_id: int


@pytest.fixture
def world(enterprise) -> World:
    party = PartyFactory.create(enterprise=enterprise, name_local="Owned Party GmbH", city="Bremen")
    restricted_list = RestrictedListFactory.create()
    entry = RestrictedEntryFactory.create(restricted_list=restricted_list)
    match = ScreeningMatchFactory.create(enterprise=enterprise, party=party, entry=entry)
    return World(party=party, match=match, list_id=restricted_list.pk)


def call(client: Client, method: str, path: str, data: dict | None = None):
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, data=json.dumps(data or {}), content_type="application/json")


def operations(w: World) -> dict[str, tuple[str, str, dict | None]]:
    return {
        "list": ("get", BASE, None),
        # Always for the owner enterprise: another tenant may not add parties to it.
        "create": ("post", BASE, {**NEW_PARTY, "enterprise_id": w.party.enterprise_id}),
        "get": ("get", f"{BASE}/{w.party.pk}", None),
        "update": ("patch", f"{BASE}/{w.party.pk}", {"city": "Changed"}),
        "deactivate": ("delete", f"{BASE}/{w.party.pk}", None),
        "party_matches": ("get", f"{BASE}/{w.party.pk}/matches", None),
        "match_list": ("get", f"{BASE}/matches", None),
        "match_get": ("get", f"{BASE}/matches/{w.match.pk}", None),
        "decide": ("post", f"{BASE}/matches/{w.match.pk}/decision", {"decision": "clear", "reason": "Namesake."}),
        "lists": ("get", f"{BASE}/restricted-lists", None),
        "entries": ("get", f"{BASE}/restricted-lists/{w.list_id}/entries", None),
    }


def snapshot(w: World) -> tuple:
    party = Party.objects.unscoped().get(pk=w.party.pk)
    match = ScreeningMatch.objects.unscoped().get(pk=w.match.pk)
    return (party.city, party.is_active, match.status, match.reason, Party.objects.unscoped().count())


#: Status per operation for each kind of caller who is not allowed to change anything.
EXPECTED = {
    "anonymous": dict.fromkeys(
        (
            "list",
            "create",
            "get",
            "update",
            "deactivate",
            "party_matches",
            "match_list",
            "match_get",
            "decide",
            "lists",
            "entries",
        ),
        401,
    ),
    # Another enterprise's operator: our objects look absent; lists of its own are empty.
    "other_tenant": {
        "create": 422,
        "get": 404,
        "update": 404,
        "deactivate": 404,
        "party_matches": 404,
        "match_get": 404,
        "decide": 404,
        "lists": 403,
        "entries": 403,
    },
    # Signed in, verified, but a member of no enterprise.
    "no_enterprise": {
        "create": 422,
        "get": 404,
        "update": 404,
        "deactivate": 404,
        "party_matches": 404,
        "match_get": 404,
        "decide": 404,
        "lists": 403,
        "entries": 403,
    },
    # A member of the owner enterprise whose role only reads.
    "viewer": {
        "list": 200,
        "create": 403,
        "get": 200,
        "update": 403,
        "deactivate": 403,
        "party_matches": 200,
        "match_list": 200,
        "match_get": 200,
        "decide": 403,
        "lists": 403,
        "entries": 403,
    },
}


def client_for(kind: str, login, enterprise, make_member) -> Client:
    if kind == "anonymous":
        return Client()
    if kind == "other_tenant":
        return login(make_member(EnterpriseFactory.create(), "operator").user)
    if kind == "no_enterprise":
        return login(UserFactory.create())
    return login(make_member(enterprise, kind).user)


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_callers_without_the_right_change_nothing(kind, world, login, enterprise, make_member):
    client = client_for(kind, login, enterprise, make_member)
    before = snapshot(world)
    for name, (method, path, data) in operations(world).items():
        response = call(client, method, path, data)
        expected = EXPECTED[kind].get(name)
        if expected is None:
            # A list of what this caller may read: it answers, and holds none of the owner's rows.
            body = response.json()
            assert (name, response.status_code, body["count"]) == (name, 200, 0)
            continue
        assert (name, response.status_code) == (name, expected)
        if expected >= 400:
            assert response["Content-Type"] == "application/problem+json", name
            assert world.party.name_local not in response.content.decode(), name
    assert snapshot(world) == before


def test_member_with_the_role_does_everything_on_its_own_data(world, login, enterprise, make_member):
    client = login(make_member(enterprise, "operator").user)
    ops = operations(world)
    statuses = {}
    # The decision first: a change re-screens the party, which withdraws the (made-up) open item.
    for name in ("list", "get", "party_matches", "match_list", "match_get", "decide", "update", "create"):
        method, path, data = ops[name]
        statuses[name] = call(client, method, path, data).status_code
    statuses["deactivate"] = call(client, *ops["deactivate"][:2]).status_code
    for name in ("lists", "entries"):
        statuses[name] = call(client, *ops[name][:2]).status_code
    assert statuses == {
        "list": 200,
        "get": 200,
        "party_matches": 200,
        "match_list": 200,
        "match_get": 200,
        "update": 200,
        "decide": 200,
        "create": 201,
        "deactivate": 204,
        "lists": 403,
        "entries": 403,
    }
    party = Party.objects.unscoped().get(pk=world.party.pk)
    match = ScreeningMatch.objects.unscoped().get(pk=world.match.pk)
    assert (party.city, party.is_active, match.status, match.reason) == ("Changed", False, "cleared", "Namesake.")
    assert Party.objects.unscoped().filter(enterprise=enterprise, name_local=NEW_PARTY["name_local"]).count() == 1


def test_platform_staff_reads_the_lists_but_no_enterprise_data(world, login):
    staff = login(UserFactory.create(is_staff=True))
    assert staff.get(f"{BASE}/restricted-lists").json()["count"] == 1
    assert staff.get(f"{BASE}/restricted-lists/{world.list_id}/entries").json()["count"] == 1
    assert staff.get(f"{BASE}/restricted-lists/{world.list_id + 1000}/entries").status_code == 404
    assert staff.get(f"{BASE}/{world.party.pk}").status_code == 404
    assert staff.get(BASE).json()["count"] == 0
