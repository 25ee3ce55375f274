"""The gateway's API operations and the staff quarantine pages, mounted here on their own until the lead wires
them into /api/v1 and the customs URLs."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import include, path

from cpass.accounts.tests.factories import make_api_token
from cpass.config.urls import urlpatterns as site_urls
from cpass.core.api import CpassAPI, SessionActorAuth, TokenAuth
from cpass.customs.choices import MessageFormat, ReceiptState
from cpass.customs.gateway.api import router
from cpass.customs.models import GatewayReceipt
from cpass.customs.tests.test_gateway import CLIENT_SEQ, submitted, sw

api = CpassAPI(
    title="gateway test",
    version="test",
    auth=[TokenAuth(), SessionActorAuth()],
    urls_namespace="gateway-test-api",
    docs_url=None,
    openapi_url=None,
)
api.add_router("/customs/gateway", router)
urlpatterns = [
    *site_urls,
    path("test-gateway/", include("cpass.customs.gateway.urls")),
    path("test-api/", api.urls),
]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


@pytest.fixture
def staff(enterprise, make_member):
    user = make_member(enterprise, "owner").user
    user.is_staff = True
    user.save()
    return user


def body(payload: str) -> dict[str, str]:
    return {"gateway": "sandbox", "message_format": MessageFormat.SINGLE_WINDOW_XML, "payload": payload}


def test_staff_post_receipts_and_the_state_says_what_became_of_each(staff, enterprise):
    declaration = submitted(enterprise=enterprise)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {make_api_token(staff, enterprise, scopes=['customs:write'])}")
    payload = sw("L", 2, entry="224820261000000042")
    first = client.post(
        "/test-api/customs/gateway/receipts", body(payload), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert first.status_code == 200, first.content
    assert first.json()["state"] == ReceiptState.APPLIED
    assert first.json()["declaration_id"] == declaration.pk
    again = client.post(
        "/test-api/customs/gateway/receipts", body(payload), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k2"
    )
    assert (again.json()["state"], again.json()["id"]) == (ReceiptState.DUPLICATE, None)
    broken = client.post("/test-api/customs/gateway/receipts", body("<DEC_RESULT>"), content_type="application/json")
    assert broken.json()["state"] == ReceiptState.QUARANTINED
    unknown = client.post(
        "/test-api/customs/gateway/receipts",
        {**body(payload), "gateway": "nowhere"},
        content_type="application/json",
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [
        {"field": "gateway", "message": "There is no customs gateway called “nowhere”."}
    ]


def test_only_staff_with_the_customs_write_scope_may_post_receipts(owner, staff, enterprise):
    url = "/test-api/customs/gateway/receipts"
    payload = body(sw("L", 2))
    assert Client().post(url, payload, content_type="application/json").status_code == 401
    member = Client(HTTP_AUTHORIZATION=f"Bearer {make_api_token(owner, enterprise, scopes=['customs:write'])}")
    assert member.post(url, payload, content_type="application/json").status_code == 403
    read_only = Client(HTTP_AUTHORIZATION=f"Bearer {make_api_token(staff, enterprise, scopes=['customs:read'])}")
    assert read_only.post(url, payload, content_type="application/json").status_code == 403
    assert GatewayReceipt.objects.count() == 0


def test_tenant_users_read_their_declarations_submissions_and_receipts_only(owner, enterprise, other_enterprise):
    declaration = submitted(enterprise=enterprise)
    foreign = submitted("CP-FOREIGN", enterprise=other_enterprise, reference="DC-2026-77777")
    GatewayReceipt.objects.all().delete()
    from cpass.customs.gateway.services import receipt_ingest

    receipt_ingest(gateway="sandbox", message_format="sw_xml", payload=sw("7", 1))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {make_api_token(owner, enterprise, scopes=['customs:read'])}")
    submissions = client.get(f"/test-api/customs/gateway/declarations/{declaration.pk}/submissions").json()
    assert [s["message_id"] for s in submissions["items"]] == [CLIENT_SEQ]
    receipts = client.get(f"/test-api/customs/gateway/declarations/{declaration.pk}/receipts").json()
    assert [r["code"] for r in receipts["items"]] == ["7"]
    for suffix in ("submissions", "receipts"):
        assert client.get(f"/test-api/customs/gateway/declarations/{foreign.pk}/{suffix}").status_code == 404


def test_the_quarantine_pages_list_show_apply_and_dismiss(staff, owner, login, enterprise):
    from cpass.customs.gateway.services import receipt_ingest

    orphan = receipt_ingest(gateway="sandbox", message_format="sw_xml", payload=sw("L", 2, client="CP-LATER"))
    hold = receipt_ingest(gateway="sandbox", message_format="sw_xml", payload=sw("C", 3, client="CP-LATER"))
    other = receipt_ingest(gateway="sandbox", message_format="sw_xml", payload=sw("Q", 4, client="CP-LATER"))
    assert login(owner).get("/test-gateway/receipts/quarantine/").status_code == 403
    browser = login(staff)
    page = browser.get("/test-gateway/receipts/quarantine/")
    assert page.status_code == 200
    assert "CP-LATER" in page.content.decode()
    detail = browser.get(f"/test-gateway/receipts/quarantine/{orphan.pk}/")
    assert "<CHANNEL>L</CHANNEL>" in detail.content.decode().replace("&lt;", "<").replace("&gt;", ">")
    refused = browser.post(f"/test-gateway/receipts/quarantine/{orphan.pk}/apply/")
    assert refused.status_code == 409
    assert "Still no declaration matches CP-LATER" in refused.content.decode()
    submitted(enterprise=enterprise)
    from cpass.customs.models import GatewaySubmission

    GatewaySubmission.objects.unscoped().update(message_id="CP-LATER")
    applied = browser.post(f"/test-gateway/receipts/quarantine/{orphan.pk}/apply/")
    assert applied.status_code == 302
    for receipt in (orphan, hold, other):
        receipt.refresh_from_db()
    # the hold that waited for the acceptance follows it; the unknown code stays for staff
    assert (orphan.state, hold.state, other.state) == (
        ReceiptState.APPLIED,
        ReceiptState.APPLIED,
        ReceiptState.QUARANTINED,
    )
    empty = browser.post(f"/test-gateway/receipts/quarantine/{other.pk}/dismiss/", {"reason": ""})
    assert empty.status_code == 422
    dismissed = browser.post(f"/test-gateway/receipts/quarantine/{other.pk}/dismiss/", {"reason": "sent by mistake"})
    assert dismissed.status_code == 302
    other.refresh_from_db()
    assert other.reason_params["reason"] == "sent by mistake"
