"""Receipts' reasons stored as sentences in the language of whoever decided them (before migrations 0006–0008) are
read back into codes and told in the reader's language; a sentence none of ours is kept as it was."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from cpass.customs.models import GatewayReceipt

BEFORE = [("customs", "0005_service_events_told_at_display")]

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets: list[tuple[str, str]] | None = None):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes("customs")
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


STORED = {
    "info_en": ("applied", "Information only; the status does not change."),
    "info_zh": ("applied", "仅为通知，状态不变。"),
    "stale_en": ("stale", "Older than receipt R0, which is already applied."),
    "same_zh": ("duplicate", "与已处理的回执 R7 内容相同。"),
    "refused_en": ("quarantined", "A declaration that is Submitted cannot be moved by “Released by customs”."),
    "refused_zh": ("quarantined", "状态为“已申报”的报关单不能执行“海关放行”。"),
    "unknown_zh": ("quarantined", "未知的回执代码“Q”。"),
    "nomatch_en": ("quarantined", "No declaration matches CP-NOBODY."),
    "unreadable_en": ("quarantined", "Unreadable: not well-formed XML: syntax error: line 1, column 0"),
    "taken_zh": ("quarantined", "海关编号 223320261000000001 已属于另一份报关单。"),
    "dismissed_en": ("dismissed", "Dismissed by operator@cpass.demo: a test: from the gateway"),
    "dismissed_zh": ("dismissed", "由 operator@cpass.demo 驳回：网关测试报文"),
    "foreign": ("quarantined", "Something an older version said"),
}


def test_stored_sentences_become_reasons_told_in_the_readers_language() -> None:
    try:
        old = migrate(BEFORE).get_model("customs", "GatewayReceipt")
        for message_id, (state, sentence) in STORED.items():
            old.objects.create(
                gateway="sandbox",
                message_format="sw_xml",
                message_id=message_id,
                payload="<x/>",
                state=state,
                state_reason=sentence,
            )
    finally:
        migrate()
    receipts = {receipt.message_id: receipt for receipt in GatewayReceipt.objects.all()}
    assert {key: (receipt.reason, receipt.reason_params) for key, receipt in receipts.items()} == {
        "info_en": ("", {}),
        "info_zh": ("", {}),
        "stale_en": ("older", {"id": "R0"}),
        "same_zh": ("same_content", {"id": "R7"}),
        "refused_en": ("status_refused", {"status": "submitted", "action": "release"}),
        "refused_zh": ("status_refused", {"status": "submitted", "action": "release"}),
        "unknown_zh": ("unknown_code", {"code": "Q"}),
        "nomatch_en": ("no_declaration", {"key": "CP-NOBODY"}),
        "unreadable_en": ("unreadable", {"error": "not well-formed XML: syntax error: line 1, column 0"}),
        "taken_zh": ("entry_number_taken", {"number": "223320261000000001"}),
        "dismissed_en": ("dismissed", {"name": "operator@cpass.demo", "reason": "a test: from the gateway"}),
        "dismissed_zh": ("dismissed", {"name": "operator@cpass.demo", "reason": "网关测试报文"}),
        "foreign": ("stored", {"text": "Something an older version said"}),
    }
    with translation.override("en"):
        told_en = {key: receipt.display_state_reason for key, receipt in receipts.items()}
    with translation.override("zh-hans"):
        told_zh = {key: receipt.display_state_reason for key, receipt in receipts.items()}
    assert told_en["info_zh"] == "Information only; the status does not change."
    assert told_zh["info_en"] == "仅为通知，状态不变。"
    assert told_en["refused_zh"] == STORED["refused_en"][1]
    assert told_zh["refused_en"] == STORED["refused_zh"][1]
    assert told_en["same_zh"] == "Same content as receipt R7, already applied."
    assert told_zh["stale_en"] == "早于已处理的回执 R0。"
    assert told_en["dismissed_zh"] == "Dismissed by operator@cpass.demo: 网关测试报文"
    assert told_zh["foreign"] == told_en["foreign"] == "Something an older version said"
