"""A small China tariff for the product tests: lines of three headings and their element templates."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from cpass.classification import embeddings
from cpass.core.actor import Actor
from cpass.organizations.models import Enterprise
from cpass.reference import selectors as reference_selectors
from cpass.tariff.models import DeclarationElements, Jurisdiction, TariffLine

BRAND_TYPE = {
    "key": "brand_type",
    "name_en": "Brand type",
    "name_zh": "品牌类型",
    "required": True,
    "choices": [
        {"value": "0", "label_en": "No brand", "label_zh": "无品牌"},
        {"value": "1", "label_en": "Domestic own brand", "label_zh": "境内自主品牌"},
        {"value": "4", "label_en": "Foreign brand (other)", "label_zh": "境外品牌(其他)"},
    ],
}
EXPORT_PREFERENCE = {
    "key": "export_preference",
    "name_en": "Export preference",
    "name_zh": "出口享惠情况",
    "required": True,
    "choices": ["0", "1", "2", "3"],
}
PUMP_ELEMENTS = [
    BRAND_TYPE,
    EXPORT_PREFERENCE,
    {"key": "use", "name_en": "Use", "name_zh": "用途", "required": True},
    {"key": "brand", "name_en": "Brand", "name_zh": "品牌", "required": False},
    {"key": "model", "name_en": "Model", "name_zh": "型号", "required": True},
]
TSHIRT_ELEMENTS = [
    BRAND_TYPE,
    EXPORT_PREFERENCE,
    {"key": "fabric", "name_en": "Fabric", "name_zh": "织造方法", "required": True, "choices": ["针织", "钩编"]},
    {"key": "material", "name_en": "Material", "name_zh": "成分含量", "required": True},
]
PUMP = "8413602100"
PUMP_2 = "8413609000"
TSHIRT = "6109100021"
COFFEE = "0901110000"
EXPIRED = "8413501000"


@pytest.fixture(autouse=True)
def _fresh_code_cache() -> Iterator[None]:
    reference_selectors._cache.clear()
    reference_selectors._local.dirty = False
    yield
    reference_selectors._cache.clear()


def _fake_passages(texts: list[str]) -> npt.NDArray[np.float32]:
    """A unit vector per text, fixed by its hash: what learning stores, without the model's CPU time."""
    rows = []
    for text in texts:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")
        vector = np.random.default_rng(seed).standard_normal(embeddings.DIM).astype(np.float32)
        rows.append(vector / np.linalg.norm(vector))
    return np.asarray(rows, dtype=np.float32).reshape(len(texts), embeddings.DIM)


@pytest.fixture(autouse=True)
def _no_embedding_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The products tests check that confirmed codes are learnt, not the model (cpass.classification tests it)."""
    monkeypatch.setattr(embeddings, "embed_passages", _fake_passages)


@pytest.fixture
def cn_tariff(db: None) -> Jurisdiction:
    cn, _created = Jurisdiction.objects.get_or_create(
        code="CN", defaults={"name_en": "China", "name_zh": "中国", "currency": "CNY", "national_code_length": 10}
    )
    start = dt.date(2026, 1, 1)
    for code, ciq, unit_1, unit_2, text in [
        (PUMP, "", "007", "035", "Gear pumps for hydraulic systems"),
        (PUMP_2, "", "007", "035", "Other rotary positive displacement pumps"),
        (TSHIRT, "", "011", "035", "T-shirts of cotton, knitted"),
        (COFFEE, "101", "035", "", "Coffee, not roasted, not decaffeinated"),
    ]:
        TariffLine.objects.get_or_create(
            jurisdiction=cn,
            code=code,
            ciq_code=ciq,
            valid_from=start,
            defaults={"description_en": text, "unit_1": unit_1, "unit_2": unit_2},
        )
    TariffLine.objects.get_or_create(
        jurisdiction=cn,
        code=EXPIRED,
        ciq_code="",
        valid_from=dt.date(2025, 1, 1),
        defaults={"valid_to": dt.date(2025, 12, 31)},
    )
    for prefix, elements in [("8413", PUMP_ELEMENTS), ("6109", TSHIRT_ELEMENTS)]:
        DeclarationElements.objects.get_or_create(
            jurisdiction=cn, code_prefix=prefix, valid_from=start, defaults={"elements": elements}
        )
    return cn


PUMP_VALUES = {
    "brand_type": "4",
    "export_preference": "3",
    "use": "液压系统用",
    "brand": "Bosch Rexroth",
    "model": "HGP-40",
}


@pytest.fixture
def owner_actor(owner: Any, enterprise: Enterprise, make_actor: Callable[..., Actor]) -> Actor:
    return make_actor(owner, enterprise)
