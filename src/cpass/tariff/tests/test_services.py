from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cpass.tariff.models import Jurisdiction

pytestmark = pytest.mark.django_db


def test_load_jurisdictions_creates_china_and_the_us_once() -> None:
    out = io.StringIO()
    call_command("load-jurisdictions", stdout=out)
    call_command("load-jurisdictions", stdout=io.StringIO())
    china = Jurisdiction.objects.get(code="CN")
    assert (china.currency, china.exchange_rate_rule, china.national_code_length) == (
        "CNY",
        "cn-monthly-third-wednesday",
        10,
    )
    assert Jurisdiction.objects.get(code="US").general_rate_origins == "BLR CUB PRK RUS"
    assert Jurisdiction.objects.count() == 2
    assert "CN: China / 中国" in out.getvalue()


def test_load_jurisdictions_names_the_bad_item(tmp_path: Path) -> None:
    bad = tmp_path / "j.json"
    bad.write_text(json.dumps([{"code": "JP", "name_en": "Japan", "name_zh": "日本", "currency": "yen"}]))
    with pytest.raises(CommandError, match="item 1.*currency"):
        call_command("load-jurisdictions", str(bad))
    assert not Jurisdiction.objects.exists()
    (tmp_path / "x.json").write_text("{")
    with pytest.raises(CommandError, match="x.json"):
        call_command("load-jurisdictions", str(tmp_path / "x.json"))
