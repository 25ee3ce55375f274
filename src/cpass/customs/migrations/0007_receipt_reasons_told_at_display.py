"""Why a receipt was not applied was stored as a sentence in the language of the background job (or the staff
member) that decided it; it is now a code with parameters, told in the reader's language
(GatewayReceipt.display_state_reason). Stored sentences are read back into codes in either language; one that
matches no known sentence is kept as it was ("stored")."""

import re

from django.db import migrations, models

#: The sentences as the services stored them, in each language they ran in: (reason code, pattern).
SENTENCES = [
    ("same_content", r"Same content as receipt (?P<id>.+), already applied\."),
    ("same_content", r"与已处理的回执 (?P<id>.+) 内容相同。"),
    ("older", r"Older than receipt (?P<id>.+), which is already applied\."),
    ("older", r"早于已处理的回执 (?P<id>.+)。"),
    ("unreadable", r"Unreadable: (?P<error>.*)"),
    ("unreadable", r"无法读取：(?P<error>.*)"),
    ("unknown_code", r"Unknown receipt code “(?P<code>.*)”\."),
    ("unknown_code", r"未知的回执代码“(?P<code>.*)”。"),
    ("no_declaration", r"No declaration matches (?P<key>.*)\."),
    ("no_declaration", r"没有与 (?P<key>.*) 对应的报关单。"),
    ("status_refused", r"A declaration that is (?P<status>.+) cannot be moved by “(?P<action>.+)”\."),
    ("status_refused", r"状态为“(?P<status>.+)”的报关单不能执行“(?P<action>.+)”。"),
    ("entry_number_taken", r"Entry number (?P<number>.+) already belongs to another declaration\."),
    ("entry_number_taken", r"海关编号 (?P<number>.+) 已属于另一份报关单。"),
    ("dismissed", r"Dismissed by (?P<name>[^:]+): (?P<reason>.*)"),
    ("dismissed", r"由 (?P<name>.+?) 驳回：(?P<reason>.*)"),
]
#: Declaration statuses and customs' transitions by the labels they had in each language, back to their codes.
STATUSES = {
    **dict.fromkeys(["Draft", "草稿"], "draft"),
    **dict.fromkeys(["Validated", "已校验"], "validated"),
    **dict.fromkeys(["Submitted", "已申报"], "submitted"),
    **dict.fromkeys(["Accepted", "已接受"], "accepted"),
    **dict.fromkeys(["Returned", "已退单"], "returned"),
    **dict.fromkeys(["Held for inspection", "查验中"], "inspection"),
    **dict.fromkeys(["Duties assessed", "税费已核定"], "assessed"),
    **dict.fromkeys(["Duties paid", "税费已缴纳"], "paid"),
    **dict.fromkeys(["Released", "已放行"], "released"),
    **dict.fromkeys(["Closed", "已关闭"], "closed"),
    **dict.fromkeys(["Cancelled", "已取消"], "cancelled"),
}
ACTIONS = {
    **dict.fromkeys(["Accepted by customs", "海关已接受"], "accept"),
    **dict.fromkeys(["Returned by customs", "海关退单"], "return"),
    **dict.fromkeys(["Held for inspection", "查验中"], "hold"),
    **dict.fromkeys(["Duties assessed", "税费已核定"], "assess"),
    **dict.fromkeys(["Released by customs", "海关放行"], "release"),
}
#: The information-only sentence (migration 0006 cleared it; a database between the two may still hold it).
INFORMATION_ONLY = ("Information only; the status does not change.", "仅为通知，状态不变。")


def reason_of(sentence: str) -> tuple[str, dict[str, str]]:
    """The code and parameters of one stored sentence; ("stored", {"text": …}) when it is none of ours."""
    if sentence in INFORMATION_ONLY:
        return "", {}
    for code, pattern in SENTENCES:
        found = re.fullmatch(pattern, sentence, re.DOTALL)
        if found is None:
            continue
        params = found.groupdict()
        if code == "status_refused":
            if params["status"] not in STATUSES or params["action"] not in ACTIONS:
                continue
            params = {"status": STATUSES[params["status"]], "action": ACTIONS[params["action"]]}
        return code, params
    return "stored", {"text": sentence}


def read_stored_reasons(apps, schema_editor):  # type: ignore[no-untyped-def]
    GatewayReceipt = apps.get_model("customs", "GatewayReceipt")
    stored = GatewayReceipt.objects.exclude(state_reason="").only("pk", "state_reason")
    for receipt in stored.iterator(chunk_size=2000):
        code, params = reason_of(receipt.state_reason)
        GatewayReceipt.objects.filter(pk=receipt.pk).update(reason=code, reason_params=params)


class Migration(migrations.Migration):
    dependencies = [("customs", "0006_information_receipts_told_at_display")]

    operations = [
        migrations.AddField(
            model_name="gatewayreceipt",
            name="reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "none"),
                    ("same_content", "same content as an applied receipt"),
                    ("older", "older than an applied receipt"),
                    ("redelivered", "delivered again"),
                    ("unreadable", "unreadable"),
                    ("unknown_code", "unknown receipt code"),
                    ("no_declaration", "no declaration matches"),
                    ("status_refused", "the declaration's status does not allow it"),
                    ("entry_number_taken", "entry number taken"),
                    ("dismissed", "dismissed by staff"),
                    ("stored", "as stored"),
                ],
                max_length=20,
                verbose_name="why",
            ),
        ),
        migrations.AddField(
            model_name="gatewayreceipt",
            name="reason_params",
            field=models.JSONField(blank=True, default=dict, verbose_name="why (parameters)"),
        ),
        migrations.RunPython(read_stored_reasons, migrations.RunPython.noop),
    ]
