from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation

from cpass.accounts.tests.factories import UserFactory
from cpass.imports.framework import run_import
from cpass.organizations.tests.factories import EnterpriseFactory, PartnerGrantFactory
from cpass.parties.importers import RestrictedPartyImporter
from cpass.parties.models import Party, RestrictedList, ScreeningMatch
from cpass.parties.screening import party_screen
from cpass.parties.tests.factories import PartyFactory, ScreeningMatchFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def load_list():
    importer = RestrictedPartyImporter(options={"list": "View list", "publisher": "Test"})
    csv = "external_id,name,aliases,country\nE1,Red Falcon General Trading LLC,赤隼贸易,ARE\n".encode()
    assert run_import(importer, io.BytesIO(csv), filename="l.csv").committed


def form_data(**values):
    data = {"enterprise_id": "", "roles": ["consignee"], "name_local": "Hamburg Maschinenbau GmbH", "country": "DEU"}
    data.update(values)
    return data


def test_list_filters_badges_and_partner_rows(login, enterprise, other_enterprise, make_member):
    PartyFactory.create(enterprise=enterprise, name_local="Own carrier", roles=["carrier"], screening_status="blocked")
    PartyFactory.create(enterprise=other_enterprise, name_local="Client buyer", roles=["overseas_buyer"])
    PartnerGrantFactory.create(grantor=other_enterprise, grantee=enterprise, module="parties", access="read")
    client = login(make_member(enterprise, "viewer").user)
    body = text(client.get(reverse("parties:list")))
    assert ("Own carrier" in body, "Client buyer" in body, "Blocked" in body) == (True, True, True)
    assert reverse("parties:create") not in body
    filtered = text(client.get(reverse("parties:list"), {"role": "carrier"}))
    assert ("Own carrier" in filtered, "Client buyer" in filtered) == (True, False)
    assert "Client buyer" not in text(client.get(reverse("parties:list"), {"status": "blocked"}))


def test_create_with_inline_errors_then_detail_and_edit(login, enterprise, make_member):
    client = login(make_member(enterprise, "operator").user)
    bad = client.post(reverse("parties:create"), form_data(enterprise_id=enterprise.pk, uscc="123", scac="M4"))
    assert bad.status_code == 422
    body = text(bad)
    assert "is not a valid unified social credit code" in body
    assert "A SCAC has 2 to 4 letters" in body
    response = client.post(reverse("parties:create"), form_data(enterprise_id=enterprise.pk, vat_number="136695976"))
    party = Party.objects.unscoped().get()
    assert response["Location"] == reverse("parties:detail", args=[party.pk])
    detail = text(client.get(response["Location"]))
    assert ("DE136695976" in detail, "Clear" in detail, "History" in detail) == (True, True, True)
    edit = client.post(reverse("parties:edit", args=[party.pk]), form_data(city="Hamburg", is_active="on"))
    assert edit.status_code == 302
    party.refresh_from_db()
    assert (party.city, party.is_active) == ("Hamburg", True)
    client.post(reverse("parties:deactivate", args=[party.pk]))
    party.refresh_from_db()
    assert party.is_active is False


def test_review_queue_decision_with_reason(login, enterprise, make_member):
    load_list()
    client = login(make_member(enterprise, "operator").user)
    client.post(
        reverse("parties:create"),
        form_data(enterprise_id=enterprise.pk, name_local="赤隼贸易有限公司", name_en="", country="ARE"),
    )
    match = ScreeningMatch.objects.unscoped().get()
    queue = text(client.get(reverse("parties:screening")))
    assert "赤隼贸易有限公司" in queue
    assert reverse("parties:match", args=[match.pk]) in queue
    page = client.get(reverse("parties:match", args=[match.pk]))
    assert "Record decision" in text(page)
    no_reason = client.post(reverse("parties:match", args=[match.pk]), {"decision": "clear", "reason": ""})
    assert no_reason.status_code == 422
    done = client.post(reverse("parties:match", args=[match.pk]), {"decision": "clear", "reason": "Different firm."})
    assert done.status_code == 302
    match.refresh_from_db()
    assert (match.status, match.reason) == ("cleared", "Different firm.")
    assert "Nothing to review." in text(client.get(reverse("parties:screening")))
    assert "Different firm." in text(client.get(reverse("parties:screening"), {"status": "cleared"}))


def test_viewer_cannot_decide(login, enterprise, make_member):
    load_list()
    party = PartyFactory.create(enterprise=enterprise, name_local="Red Falcon General Trading FZE", country="ARE")
    party_screen(party)
    match = ScreeningMatch.objects.unscoped().get()
    viewer = login(make_member(enterprise, "viewer").user)
    page = viewer.get(reverse("parties:match", args=[match.pk]))
    assert (page.status_code, "Record decision" in text(page)) == (200, False)
    assert (
        viewer.post(reverse("parties:match", args=[match.pk]), {"decision": "clear", "reason": "x"}).status_code == 403
    )


def test_restricted_list_pages_are_for_staff(login, enterprise, make_member):
    load_list()
    restricted_list = RestrictedList.objects.get()
    member = login(make_member(enterprise, "owner").user)
    assert member.get(reverse("parties:restricted_lists")).status_code == 403
    assert member.get(reverse("parties:restricted_list", args=[restricted_list.pk])).status_code == 403
    staff = login(UserFactory.create(is_staff=True))
    assert "View list" in text(staff.get(reverse("parties:restricted_lists")))
    entries = text(staff.get(reverse("parties:restricted_list", args=[restricted_list.pk]), {"q": "falcon"}))
    assert ("E1" in entries, "赤隼贸易" in entries) == (True, True)


def test_pages_in_chinese(login, enterprise, owner):
    PartyFactory.create(enterprise=enterprise, name_local="Maersk A/S", roles=["carrier"])
    client = login(owner)
    client.cookies["cpass_language"] = "zh-hans"
    body = text(client.get(reverse("parties:list")))
    with translation.override("zh-hans"):
        assert str(translation.gettext("Parties")) in body
        assert translation.gettext("Carrier") != "Carrier"
        assert translation.gettext("Carrier") in body


def test_pages_need_login_and_hide_other_tenants(client, login, enterprise, make_member):
    party = PartyFactory.create(enterprise=enterprise)
    match = ScreeningMatchFactory.create(enterprise=enterprise, party=party)
    pages = [
        reverse("parties:detail", args=[party.pk]),
        reverse("parties:edit", args=[party.pk]),
        reverse("parties:match", args=[match.pk]),
    ]
    for page in [reverse("parties:list"), reverse("parties:screening"), *pages]:
        response = client.get(page)
        assert (page, response.status_code, response["Location"].startswith(reverse("accounts:login"))) == (
            page,
            302,
            True,
        )
    stranger = login(make_member(EnterpriseFactory.create(), "owner").user)
    for page in pages:
        assert (page, stranger.get(page).status_code) == (page, 404)
    for action in ("deactivate", "rescreen"):
        assert stranger.post(reverse(f"parties:{action}", args=[party.pk])).status_code == 404
    decided = stranger.post(reverse("parties:match", args=[match.pk]), {"decision": "clear", "reason": "x"})
    assert decided.status_code == 404
    assert "Party" not in text(stranger.get(reverse("parties:list"))).split("<tbody>")[1].split("</tbody>")[0]
    party.refresh_from_db()
    match.refresh_from_db()
    assert (party.is_active, match.status) == (True, "open")


def test_viewer_sees_no_create_page_and_staff_gets_the_upload_link(login, enterprise, make_member):
    viewer = login(make_member(enterprise, "viewer").user)
    assert viewer.get(reverse("parties:create")).status_code == 403
    staff = login(UserFactory.create(is_staff=True))
    body = text(staff.get(reverse("parties:restricted_lists")))
    assert f"{reverse('imports:create')}?kind=restricted-parties" in body
