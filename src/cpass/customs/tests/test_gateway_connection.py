"""An enterprise's customs connection: who chooses it, which one a submission goes through (the submitting
enterprise's, kept for the declaration's receipts), a connection that is no longer configured, the API and the
page in both languages."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from cpass.accounts.tests.factories import make_api_token
from cpass.audit.models import ObjectChange
from cpass.core.errors import PermissionDenied, ValidationFailed
from cpass.customs import services as customs_services
from cpass.customs.choices import DeclarationStatus, MessageFormat
from cpass.customs.gateway import selectors
from cpass.customs.gateway.services import customs_connection_set
from cpass.customs.models import CustomsConnection, Declaration, GatewayReceipt, GatewaySubmission
from cpass.customs.tests.factories import DeclarationFactory, DeclarationItemFactory
from cpass.organizations.tests.factories import EnterpriseFactory, MembershipFactory, PartnerGrantFactory

pytestmark = pytest.mark.django_db

CONNECTION_URL = "/api/v1/customs/connection"


def validated(enterprise) -> Declaration:
    declaration = DeclarationFactory.create(enterprise=enterprise, status=DeclarationStatus.VALIDATED)
    DeclarationItemFactory.create(enterprise=enterprise, declaration=declaration, specification="0|0|齿轮泵|液压")
    return declaration


def submit(actor, declaration: Declaration, capture) -> Declaration:
    with capture(execute=True):
        customs_services.declaration_transition(actor=actor, declaration_id=declaration.pk, transition="submit")
    return Declaration.objects.unscoped().get(pk=declaration.pk)


def test_without_a_choice_the_enterprise_uses_the_platform_default(actor, settings):
    settings.CPASS_CUSTOMS_GATEWAY = "sandbox-edifact"
    setting = selectors.customs_connection(actor=actor)
    assert setting.gateway is not None
    assert (setting.chosen, setting.gateway.name, setting.default.name) == ("", "sandbox-edifact", "sandbox-edifact")
    assert {gateway.name for gateway in setting.available} == {"sandbox", "sandbox-edifact"}


def test_a_manager_chooses_the_connection_and_the_change_is_audited(actor):
    connection = customs_connection_set(actor=actor, gateway="sandbox-edifact")
    assert connection is not None
    in_effect = selectors.customs_connection(actor=actor).gateway
    assert in_effect is not None
    assert in_effect.name == "sandbox-edifact"
    kind = ContentType.objects.get_for_model(CustomsConnection)
    assert ObjectChange.objects.filter(content_type=kind, object_id=str(connection.pk)).exists()
    assert customs_connection_set(actor=actor, gateway="") is None
    assert not CustomsConnection.objects.unscoped().filter(enterprise=actor.enterprise).exists()
    assert selectors.customs_connection(actor=actor).chosen == ""


def test_only_a_manager_chooses_and_only_a_known_connection(actor, enterprise, make_member, make_actor):
    operator = make_actor(make_member(enterprise, "operator").user, enterprise)
    with pytest.raises(PermissionDenied):
        customs_connection_set(actor=operator, gateway="sandbox-edifact")
    assert selectors.customs_connection(actor=operator).chosen == ""
    with pytest.raises(ValidationFailed) as refused:
        customs_connection_set(actor=actor, gateway="singlewindow-prod")
    assert list(refused.value.errors) == ["gateway"]
    assert not CustomsConnection.objects.unscoped().exists()


def test_a_submission_goes_through_the_enterprise_connection_and_keeps_it(
    actor, enterprise, quick_sandbox, rules_pass, django_capture_on_commit_callbacks
):
    customs_connection_set(actor=actor, gateway="sandbox-edifact")
    declaration = submit(actor, validated(enterprise), django_capture_on_commit_callbacks)
    assert declaration.gateway == "sandbox-edifact"
    submission = GatewaySubmission.objects.unscoped().get(declaration=declaration)
    assert submission.message_format == MessageFormat.EDIFACT
    assert submission.payload.startswith("UNA")
    receipts = GatewayReceipt.objects.filter(declaration=declaration)
    assert receipts.exists()
    assert set(receipts.values_list("message_format", flat=True)) == {MessageFormat.EDIFACT}
    # A later change of connection does not move a declaration already sent: its receipts come back the same way.
    customs_connection_set(actor=actor, gateway="sandbox")
    read = selectors.declaration_gateway(actor=actor, declaration=declaration)
    assert read.name == "sandbox-edifact"


def test_a_broker_files_a_client_declaration_through_its_own_connection(
    enterprise, make_actor, quick_sandbox, rules_pass, django_capture_on_commit_callbacks
):
    broker = EnterpriseFactory.create()
    broker_actor = make_actor(MembershipFactory.create(enterprise=broker, role="owner").user, broker)
    customs_connection_set(actor=broker_actor, gateway="sandbox-edifact")
    PartnerGrantFactory.create(grantor=enterprise, grantee=broker, module="customs", access="write")
    broker_actor = make_actor(broker_actor.user, broker)
    declaration = submit(broker_actor, validated(enterprise), django_capture_on_commit_callbacks)
    assert declaration.gateway == "sandbox-edifact"
    assert GatewaySubmission.objects.unscoped().get(declaration=declaration).message_format == MessageFormat.EDIFACT


def test_a_connection_no_longer_configured_stops_submission_without_a_silent_switch(
    actor, enterprise, quick_sandbox, rules_pass, django_capture_on_commit_callbacks
):
    CustomsConnection.objects.create(enterprise=enterprise, gateway="retired-gw")
    setting = selectors.customs_connection(actor=actor)
    assert (setting.chosen, setting.usable) == ("retired-gw", False)
    declaration = validated(enterprise)
    with pytest.raises(ValidationFailed) as refused:
        submit(actor, declaration, django_capture_on_commit_callbacks)
    assert list(refused.value.errors) == ["gateway"]
    kept = Declaration.objects.unscoped().get(pk=declaration.pk)
    assert (kept.status, kept.gateway) == (DeclarationStatus.VALIDATED, "")
    assert not GatewaySubmission.objects.unscoped().filter(declaration=declaration).exists()


def test_the_api_reads_and_chooses_the_connection(owner, enterprise, make_member):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {make_api_token(owner, enterprise, scopes=['customs:write'])}")
    read = client.get(CONNECTION_URL)
    assert read.status_code == 200, read.content
    assert read.json()["chosen"] == ""
    assert read.json()["gateway"]["name"] == "sandbox"
    assert read.json()["gateway"]["is_sandbox"] is True
    chosen = client.put(CONNECTION_URL, {"gateway": "sandbox-edifact"}, content_type="application/json")
    assert chosen.status_code == 200, chosen.content
    assert chosen.json()["chosen"] == "sandbox-edifact"
    assert chosen.json()["gateway"]["message_format"] == MessageFormat.EDIFACT

    unknown = client.put(CONNECTION_URL, {"gateway": "nowhere"}, content_type="application/json")
    assert unknown.status_code == 422
    assert unknown["Content-Type"].startswith("application/problem+json")
    assert "gateway" in str(unknown.json()["errors"])

    reader = Client(HTTP_AUTHORIZATION=f"Bearer {make_api_token(owner, enterprise, scopes=['customs:read'])}")
    assert reader.get(CONNECTION_URL).status_code == 200
    assert reader.put(CONNECTION_URL, {"gateway": ""}, content_type="application/json").status_code == 403
    operator = make_member(enterprise, "operator").user
    as_operator = Client(HTTP_AUTHORIZATION=f"Bearer {make_api_token(operator, enterprise, scopes=['customs:write'])}")
    assert as_operator.put(CONNECTION_URL, {"gateway": ""}, content_type="application/json").status_code == 403
    assert CustomsConnection.objects.unscoped().get(enterprise=enterprise).gateway == "sandbox-edifact"


def test_the_page_shows_and_changes_the_connection_in_both_languages(login, owner, enterprise, make_member):
    client = login(owner)
    page = client.get("/customs/gateway/connection/")
    assert page.status_code == 200
    assert "Platform default" in page.content.decode()
    saved = client.post("/customs/gateway/connection/", {"gateway": "sandbox-edifact"})
    assert saved.status_code == 302
    assert CustomsConnection.objects.unscoped().get(enterprise=enterprise).gateway == "sandbox-edifact"
    wrong = client.post("/customs/gateway/connection/", {"gateway": "nowhere"})
    assert wrong.status_code == 422
    assert "errorlist" in wrong.content.decode()

    chinese = client.get("/customs/gateway/connection/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = chinese.content.decode()
    assert "海关申报通道" in text
    assert "沙箱海关" in text

    operator = login(make_member(enterprise, "operator").user)
    read_only = operator.get("/customs/gateway/connection/")
    assert read_only.status_code == 200
    assert '<form method="post" class="stacked"' not in read_only.content.decode()
    assert operator.post("/customs/gateway/connection/", {"gateway": ""}).status_code == 403


def test_a_draft_shows_the_connection_it_would_be_sent_through(login, owner, enterprise):
    declaration = DeclarationFactory.create(enterprise=enterprise)
    client = login(owner)
    client.post("/customs/gateway/connection/", {"gateway": "sandbox-edifact"})
    page = client.get(f"/customs/declarations/{declaration.pk}/?tab=gateway")
    assert page.status_code == 200
    assert "UN/EDIFACT" in page.content.decode()
