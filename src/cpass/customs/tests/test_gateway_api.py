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


def test_a_message_that_never_reached_the_gateway_is_sent_again(
    owner, enterprise, login, monkeypatch, rules_pass, django_capture_on_commit_callbacks
):
    from cpass.customs.gateway.base import GatewayError
    from cpass.customs.gateway.sandbox import SandboxGateway
    from cpass.customs.gateway.services import declaration_send
    from cpass.customs.models import GatewaySubmission

    declaration = submitted(enterprise=enterprise)
    GatewaySubmission.objects.unscoped().filter(declaration=declaration).delete()
    real_send = SandboxGateway.send

    def unreachable(self, message, *, submission_id):  # the transport fails, as a real gateway's can
        raise GatewayError("connection refused")

    monkeypatch.setattr(SandboxGateway, "send", unreachable)
    with pytest.raises(GatewayError):
        declaration_send(declaration_id=declaration.pk)
    failed = GatewaySubmission.objects.unscoped().get(declaration=declaration)
    assert (failed.sent_at, failed.error) == (None, "connection refused")

    browser = login(owner)
    tab = browser.get(f"/customs/declarations/{declaration.pk}/?tab=gateway").content.decode()
    assert 'data-testid="resend"' in tab
    monkeypatch.setattr(SandboxGateway, "send", real_send)
    reader = Client(HTTP_AUTHORIZATION=f"Bearer {make_api_token(owner, enterprise, scopes=['customs:read'])}")
    url = f"/test-api/customs/gateway/declarations/{declaration.pk}/submissions/resend"
    assert reader.post(url).status_code == 403
    writer = Client(HTTP_AUTHORIZATION=f"Bearer {make_api_token(owner, enterprise, scopes=['customs:write'])}")
    with django_capture_on_commit_callbacks(execute=True):
        assert writer.post(url).status_code == 202
    sent = GatewaySubmission.objects.unscoped().get(declaration=declaration)
    assert (sent.pk, sent.payload, sent.error) == (failed.pk, failed.payload, "")  # the same message, once
    assert sent.sent_at is not None
    again = writer.post(url)
    assert (again.status_code, again.json()["detail"]) == (
        409,
        "Its message has reached the gateway; customs' receipts will follow.",
    )
    assert (
        'data-testid="resend"'
        not in browser.get(f"/customs/declarations/{declaration.pk}/?tab=gateway").content.decode()
    )
    refused = browser.post(f"/test-gateway/declarations/{declaration.pk}/resend/")
    assert refused.status_code == 302


def test_staff_handle_the_quarantine_through_the_api(staff, owner, enterprise):
    from cpass.customs.gateway.services import receipt_ingest

    orphan = receipt_ingest(gateway="sandbox", message_format="sw_xml", payload=sw("L", 2, client="CP-LATER"))
    base = "/test-api/customs/gateway/receipts"
    member = Client(HTTP_AUTHORIZATION=f"Bearer {make_api_token(owner, enterprise, scopes=['customs:write'])}")
    assert member.get(f"{base}/quarantine").status_code == 403
    assert member.post(f"{base}/{orphan.pk}/reapply").status_code == 404
    client = Client(HTTP_AUTHORIZATION=f"Bearer {make_api_token(staff, enterprise, scopes=['customs:write'])}")
    listed = client.get(f"{base}/quarantine", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["items"]
    assert [(r["id"], r["state_reason_code"], r["state_reason"]) for r in listed] == [
        (orphan.pk, "no_declaration", "没有与 CP-LATER 对应的报关单。")
    ]
    still = client.post(f"{base}/{orphan.pk}/reapply")
    assert (still.status_code, still.json()["detail"]) == (409, "Still no declaration matches CP-LATER.")
    blank = client.post(f"{base}/{orphan.pk}/dismiss", {"reason": " "}, content_type="application/json")
    assert blank.status_code == 422
    dismissed = client.post(f"{base}/{orphan.pk}/dismiss", {"reason": "test message"}, content_type="application/json")
    assert (dismissed.status_code, dismissed.json()["state"], dismissed.json()["state_reason_code"]) == (
        200,
        "dismissed",
        "dismissed",
    )
    assert client.get(f"{base}/quarantine").json()["items"] == []
