from __future__ import annotations

import pytest

from cpass.parties.demo import BROKER_PARTIES, DEMO_LIST, DEMO_PARTIES, load_demo
from cpass.parties.models import Party, RestrictedList, ScreeningMatch

pytestmark = pytest.mark.django_db


def test_demo_loads_valid_parties_once_with_one_open_review_item(
    enterprise, other_enterprise, owner, make_member, make_actor
):
    trader = make_actor(owner, enterprise)
    broker = make_actor(make_member(other_enterprise, "owner").user, other_enterprise)
    load_demo(trader=trader, broker=broker)
    load_demo(trader=trader, broker=broker)
    parties = Party.objects.unscoped()
    assert parties.filter(enterprise=enterprise).count() == len(DEMO_PARTIES)
    assert parties.filter(enterprise=other_enterprise).count() == len(BROKER_PARTIES)
    assert RestrictedList.objects.get(name=DEMO_LIST).entry_count == 6
    match = ScreeningMatch.objects.unscoped().get()
    assert (match.party.name_local, match.status, match.entry_external_id) == (
        "Red Falcon General Trading FZE",
        "open",
        "CPD-0001",
    )
    maersk = parties.get(scac="MAEU")
    assert (maersk.vat_number, maersk.screening_status) == ("DK22756214", "clear")
    assert parties.get(uscc="91310000MA1FL3HTBR").roles == ["customs_broker", "freight_forwarder"]
