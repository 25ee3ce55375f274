"""The country code table the party services validate against, made here until the reference app's
data migration provides it (get_or_create: harmless once it does)."""

from __future__ import annotations

import pytest

from cpass.reference.models import CodeEntry, CodeTable

COUNTRIES = {
    "CHN": ("China", "中国", "CN"),
    "DEU": ("Germany", "德国", "DE"),
    "USA": ("United States", "美国", "US"),
    "DNK": ("Denmark", "丹麦", "DK"),
    "GBR": ("United Kingdom", "英国", "GB"),
    "FRA": ("France", "法国", "FR"),
    "GRC": ("Greece", "希腊", "GR"),
    "RUS": ("Russian Federation", "俄罗斯", "RU"),
    "ARE": ("United Arab Emirates", "阿联酋", "AE"),
    "IRN": ("Iran", "伊朗", "IR"),
    "PRK": ("Korea, Democratic People's Republic of", "朝鲜", "KP"),
}


@pytest.fixture(autouse=True)
def countries(db: None) -> None:
    table, _created = CodeTable.objects.get_or_create(
        key="country", defaults={"name_en": "Countries", "name_zh": "国别(地区)"}
    )
    for code, (name_en, name_zh, alpha2) in COUNTRIES.items():
        CodeEntry.objects.get_or_create(
            table=table,
            code=code,
            valid_from=None,
            defaults={"name_en": name_en, "name_zh": name_zh, "attributes": {"alpha2": alpha2}},
        )
