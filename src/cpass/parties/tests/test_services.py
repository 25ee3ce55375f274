from __future__ import annotations

import io

import pytest
from django.contrib.contenttypes.models import ContentType

from cpass.audit.models import ObjectChange
from cpass.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cpass.imports.framework import run_import
from cpass.organizations.tests.factories import PartnerGrantFactory
from cpass.parties import services
from cpass.parties.importers import RestrictedPartyImporter
from cpass.parties.models import Party, RestrictedEntry, RestrictedList, ScreeningMatch
from cpass.parties.selectors import require_party_usable
from cpass.parties.tests.factories import PartyFactory, RestrictedEntryFactory

pytestmark = pytest.mark.django_db

HEADER = "external_id,name,aliases,country,address,programme,remarks\n"


def load_list(rows: str, name: str = "Test list"):
    importer = RestrictedPartyImporter(options={"list": name})
    return run_import(importer, io.BytesIO((HEADER + rows).encode()), filename="list.csv")


def create(actor, **values):
    values = {"roles": ["consignee"], "name_local": "Hamburg Maschinenbau GmbH", "country": "DEU", **values}
    return services.party_create(actor=actor, **values)


@pytest.fixture
def actor(enterprise, owner, make_actor):
    return make_actor(owner, enterprise)


def test_create_normalises_identifiers_and_screens(actor):
    party = create(
        actor,
        roles=["notify_party", "consignee", "consignee"],
        vat_number="136 695 976",
        eori="de4763214",
        lei="5493001KJTIIGC8Y1R12",
        contact_phone="040 3290 1180",
        country="deu",
    )
    assert (party.roles, party.country, party.vat_number, party.eori) == (
        ["consignee", "notify_party"],
        "DEU",
        "DE136695976",
        "DE4763214",
    )
    assert party.contact_phone == "+494032901180"
    assert (party.screening_status, party.screened_at is not None) == ("clear", True)


def test_create_reports_every_bad_field_at_once(actor):
    with pytest.raises(ValidationFailed) as caught:
        services.party_create(
            actor=actor,
            roles=["pirate"],
            name_local=" ",
            country="XXX",
            uscc="91310000MA1FL3HTBX",
            scac="M4EU",
            lei="123",
            contact_email="nope",
        )
    assert set(caught.value.errors) == {"roles", "name_local", "country", "uscc", "scac", "lei", "contact_email"}
    assert "“XXX” is not a code of the country table" in str(caught.value.errors["country"][0])
    with pytest.raises(ValidationFailed) as no_role:
        create(actor, roles=[])
    assert no_role.value.errors == {"roles": ["Choose at least one role."]}
    with pytest.raises(ValidationFailed) as long_name:
        create(actor, city="x" * 101)
    assert long_name.value.errors == {"city": ["At most 100 characters."]}
    with pytest.raises(ValidationFailed) as vat:
        create(actor, vat_number="DE136695977")
    assert list(vat.value.errors) == ["vat_number"]
    assert Party.objects.unscoped().count() == 0


def test_uscc_and_eori_unique_per_enterprise(actor, other_enterprise, make_member, make_actor):
    create(actor, uscc="91310000MA1FL3HTBR", country="CHN", name_local="上海恒通国际物流有限公司")
    with pytest.raises(ValidationFailed) as caught:
        create(actor, uscc="91310000ma1fl3htbr", country="CHN", name_local="Another")
    assert caught.value.errors["uscc"] == [
        "Another party of this enterprise, “上海恒通国际物流有限公司”, has this unified social credit code."
    ]
    other = make_actor(make_member(other_enterprise, "operator").user, other_enterprise)
    assert create(other, uscc="91310000MA1FL3HTBR", country="CHN").uscc == "91310000MA1FL3HTBR"


def test_update_deactivate_and_audit(actor):
    party = create(actor)
    updated = services.party_update(actor=actor, party_id=party.pk, city="Hamburg", contact_phone="+49 40 3290 1180")
    assert (updated.city, updated.name_local, updated.contact_phone) == ("Hamburg", party.name_local, "+494032901180")
    with pytest.raises(ValidationFailed):
        services.party_update(actor=actor, party_id=party.pk, bogus="x")
    assert services.party_deactivate(actor=actor, party_id=party.pk).is_active is False
    changes = ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Party), object_id=str(party.pk)
    ).order_by("id")
    assert [c.action for c in changes] == ["create", "update", "update"]
    assert changes[2].after == {"is_active": False}
    assert "screened_at" not in changes[0].after


def test_roles_and_tenancy(enterprise, other_enterprise, make_member, make_actor):
    viewer = make_actor(make_member(enterprise, "viewer").user, enterprise)
    with pytest.raises(PermissionDenied):
        create(viewer)
    with pytest.raises(ValidationFailed) as foreign_owner:
        create(viewer, enterprise_id=other_enterprise.pk)
    assert list(foreign_owner.value.errors) == ["enterprise_id"]
    party = PartyFactory.create(enterprise=other_enterprise)
    operator = make_actor(make_member(enterprise, "operator").user, enterprise)
    with pytest.raises(NotFound):
        services.party_update(actor=operator, party_id=party.pk, city="X")
    PartnerGrantFactory.create(grantor=other_enterprise, grantee=enterprise, module="parties", access="read")
    reader = make_actor(make_member(enterprise, "operator").user, enterprise)
    with pytest.raises(PermissionDenied):
        services.party_update(actor=reader, party_id=party.pk, city="X")


def test_broker_with_write_grant_works_on_client_parties(enterprise, other_enterprise, make_member, make_actor):
    PartnerGrantFactory.create(grantor=other_enterprise, grantee=enterprise, module="parties", access="write")
    broker = make_actor(make_member(enterprise, "operator").user, enterprise)
    party = create(broker, enterprise_id=other_enterprise.pk)
    assert party.enterprise_id == other_enterprise.pk
    assert services.party_update(actor=broker, party_id=party.pk, city="Bremen").city == "Bremen"


def test_screening_on_create_and_change_and_decisions(actor):
    assert load_list(
        "E1,Red Falcon General Trading LLC,Red Falcon Trading,ARE,,Demo,\nE2,北极星精密机械有限公司,,CHN,,Demo,\n"
    ).committed
    clean = create(actor, name_local="Great Lakes Industrial Supply Inc.", country="USA")
    assert clean.screening_status == "clear"
    party = create(actor, name_local="Red Falcon General Trading FZE", country="ARE")
    assert party.screening_status == "review"
    match = ScreeningMatch.objects.unscoped().get(party=party)
    assert (match.status, match.entry_external_id, match.score, match.list_name) == ("open", "E1", 100, "Test list")
    with pytest.raises(ValidationFailed, match="cannot be used until a person clears it"):
        require_party_usable(party)

    with pytest.raises(ValidationFailed) as no_reason:
        services.screening_match_decide(actor=actor, match_id=match.pk, decision="clear", reason="  ")
    assert list(no_reason.value.errors) == ["reason"]
    with pytest.raises(ValidationFailed):
        services.screening_match_decide(actor=actor, match_id=match.pk, decision="maybe", reason="x")
    decided = services.screening_match_decide(
        actor=actor, match_id=match.pk, decision="clear", reason="Different trade licence number and address."
    )
    assert (decided.status, decided.decided_by, decided.decided_at is not None) == ("cleared", actor.user, True)
    party.refresh_from_db()
    assert party.screening_status == "clear"
    require_party_usable(party)
    with pytest.raises(Conflict):
        services.screening_match_decide(actor=actor, match_id=match.pk, decision="clear", reason="again")
    changes = ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(ScreeningMatch), object_id=str(match.pk), action="update"
    )
    assert any((c.after or {}).get("status") == "cleared" and (c.after or {}).get("reason") for c in changes)

    # A re-screen with the same names keeps the clearance.
    assert services.party_rescreen(actor=actor, party_id=party.pk).screening_status == "clear"
    # Confirming blocks the party.
    services.screening_match_decide(actor=actor, match_id=match.pk, decision="confirm", reason="Same owner.")
    party.refresh_from_db()
    assert party.screening_status == "blocked"
    with pytest.raises(ValidationFailed):
        require_party_usable(party)

    # A Chinese entry is found from a pinyin name.
    pinyin = create(actor, name_local="Beijixing Jingmi Jixie Youxian Gongsi", country="CHN")
    assert pinyin.screening_status == "review"


def test_a_renamed_party_reopens_a_cleared_match_and_a_different_name_withdraws_it(actor):
    load_list("E1,Borealis Precision Instruments OOO,,RUS,,,\n")
    party = create(actor, name_local="Borealis Precision Instruments GmbH")
    match = ScreeningMatch.objects.unscoped().get(party=party)
    services.screening_match_decide(actor=actor, match_id=match.pk, decision="clear", reason="German namesake.")
    party = services.party_update(actor=actor, party_id=party.pk, name_local="Borealis Precision Instrument GmbH")
    match.refresh_from_db()
    assert (match.status, party.screening_status) == ("open", "review")
    party = services.party_update(actor=actor, party_id=party.pk, name_local="Nordlicht Messtechnik GmbH")
    match.refresh_from_db()
    assert (match.status, party.screening_status) == ("withdrawn", "clear")
    with pytest.raises(Conflict):
        services.screening_match_decide(actor=actor, match_id=match.pk, decision="confirm", reason="x")


def test_list_reload_is_an_upsert_and_rescreens_every_party(
    actor, other_enterprise, make_member, make_actor, django_capture_on_commit_callbacks
):
    other = make_actor(make_member(other_enterprise, "operator").user, other_enterprise)
    mine = create(actor, name_local="Zephyr Dynamics Shipping GmbH")
    theirs = create(other, name_local="Karakum Heavy Industries AG", country="DEU")
    assert (mine.screening_status, theirs.screening_status) == ("clear", "clear")

    with django_capture_on_commit_callbacks(execute=True):
        result = load_list(
            "E1,Zephyr Dynamics Shipping Company,,PRK,,,\nE2,Karakum Heavy Industries Corporation,,IRN,,,\n"
        )
    assert (result.committed, result.written) == (True, 2)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.screening_status, theirs.screening_status) == ("review", "review")
    assert ScreeningMatch.objects.unscoped().get(party=theirs).enterprise_id == other_enterprise.pk
    restricted_list = RestrictedList.objects.get(name="Test list")
    first_ids = dict(RestrictedEntry.objects.values_list("external_id", "pk"))

    # Reload: E1 stays (same row), E2 is gone, E3 is new; Karakum's open item is withdrawn.
    with django_capture_on_commit_callbacks(execute=True):
        load_list("E1,Zephyr Dynamics Shipping Company,,PRK,,,\nE3,Someone Else Entirely,,,,,\n")
    restricted_list.refresh_from_db()
    assert restricted_list.entry_count == 2
    assert dict(RestrictedEntry.objects.values_list("external_id", "pk"))["E1"] == first_ids["E1"]
    assert set(RestrictedEntry.objects.values_list("external_id", flat=True)) == {"E1", "E3"}
    theirs.refresh_from_db()
    item = ScreeningMatch.objects.unscoped().get(party=theirs)
    assert (theirs.screening_status, item.status, item.entry_id, item.entry_name) == (
        "clear",
        "withdrawn",
        None,
        "Karakum Heavy Industries Corporation",
    )


def test_a_changed_entry_reopens_a_clearance(actor, django_capture_on_commit_callbacks):
    load_list("E1,Zephyr Dynamics Shipping Company,,PRK,,,\n")
    party = create(actor, name_local="Zephyr Dynamics Shipping GmbH")
    match = ScreeningMatch.objects.unscoped().get(party=party)
    services.screening_match_decide(actor=actor, match_id=match.pk, decision="clear", reason="Other company.")
    with django_capture_on_commit_callbacks(execute=True):
        load_list("E1,Zephyr Dynamics Shipping Company,,PRK,,,\n")  # unchanged: stays cleared
    match.refresh_from_db()
    assert match.status == "cleared"
    with django_capture_on_commit_callbacks(execute=True):
        load_list("E1,Zephyr Dynamics Shipping Company,Zephyr Hamburg,PRK,,,\n")
    match.refresh_from_db()
    assert match.status == "open"


def test_bad_list_rows_change_nothing():
    RestrictedEntryFactory.create()
    before = RestrictedEntry.objects.count()
    result = load_list(
        "E1,Good Name,,,,,\nE1,Duplicate,,,,,\n,No id,,,,,\nE3,,,,,,\nE4,Bad Country,,XX,,,\nE5,!!!,,,,,\n"
    )
    assert result.committed is False
    assert [(i.line, i.column) for i in result.issues] == [
        (3, "external_id"),
        (4, "external_id"),
        (5, "name"),
        (6, "country"),
        (7, "name"),
    ]
    assert "already on line 2" in result.issues[0].message
    assert RestrictedEntry.objects.count() == before
    assert not RestrictedList.objects.filter(name="Test list").exists()
    with pytest.raises(ValidationFailed):
        RestrictedPartyImporter(options={})
    with pytest.raises(ValidationFailed):
        RestrictedPartyImporter(options={"list": "X", "version": "1.1.2026"})


def test_require_party_usable_refuses_inactive(actor):
    party = create(actor)
    require_party_usable(party)
    services.party_deactivate(actor=actor, party_id=party.pk)
    party.refresh_from_db()
    with pytest.raises(ValidationFailed, match="deactivated"):
        require_party_usable(party)
