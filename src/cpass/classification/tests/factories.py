"""Factories for classification tests, and a small nomenclature built straight with the ORM."""

from __future__ import annotations

import datetime as dt

import factory

from cpass.accounts.tests.factories import UserFactory
from cpass.classification import embeddings
from cpass.classification.models import ConfirmedClassification
from cpass.organizations.tests.factories import EnterpriseFactory
from cpass.tariff.models import HsNode, Jurisdiction, TariffLine


class ConfirmedClassificationFactory(factory.django.DjangoModelFactory[ConfirmedClassification]):
    class Meta:
        model = ConfirmedClassification

    enterprise = factory.SubFactory(EnterpriseFactory)
    description = factory.Sequence(lambda n: f"Stainless steel kitchen knife model {n}")
    code = "8211910000"
    jurisdiction = "CN"
    confirmed_by = factory.SubFactory(UserFactory)
    embedding = factory.LazyAttribute(lambda o: embeddings.to_bytes(embeddings.embed_passages([o.description])[0]))


#: (code, level, parent, English, Chinese): a slice of HS 2022 with real texts.
NOMENCLATURE = [
    ("XVI", "section", "", "Machinery and mechanical appliances; electrical equipment", "机器、机械器具、电气设备"),
    (
        "84",
        "chapter",
        "XVI",
        "Nuclear reactors, boilers, machinery and mechanical appliances; parts thereof",
        "核反应堆、锅炉、机器、机械器具及其零件",
    ),
    (
        "8413",
        "heading",
        "84",
        "Pumps for liquids, whether or not fitted with a measuring device; liquid elevators",
        "液体泵，不论是否装有计量装置；液体提升机",
    ),
    (
        "841360",
        "subheading",
        "8413",
        "Pumps; rotary positive displacement pumps, n.e.c. in heading no. 8413",
        "其他回转式排液泵",
    ),
    ("841370", "subheading", "8413", "Pumps; centrifugal pumps, n.e.c. in heading no. 8413", "其他离心泵"),
    (
        "8418",
        "heading",
        "84",
        "Refrigerators, freezers and other refrigerating or freezing equipment; heat pumps",
        "冷藏箱、冷冻箱及其他制冷设备；热泵",
    ),
    ("841821", "subheading", "8418", "Refrigerators; household, compression-type", "家用压缩式冰箱"),
    ("XV", "section", "", "Base metals and articles of base metal", "贱金属及其制品"),
    ("72", "chapter", "XV", "Iron and steel", "钢铁"),
    (
        "7208",
        "heading",
        "72",
        "Iron or non-alloy steel; flat-rolled products, hot-rolled",
        "宽度≥600毫米的铁或非合金钢平板轧材，热轧",
    ),
    (
        "720810",
        "subheading",
        "7208",
        "Iron or non-alloy steel; in coils, flat-rolled, hot-rolled, with patterns in relief",
        "轧有凸起花纹的卷材",
    ),
    (
        "82",
        "chapter",
        "XV",
        "Tools, implements, cutlery, spoons and forks, of base metal",
        "贱金属工具、器具、利口器、餐匙、餐叉及其零件",
    ),
    (
        "8211",
        "heading",
        "82",
        "Knives with cutting blades, serrated or not, other than knives of heading 8208",
        "有刃口的刀及其刀片",
    ),
    ("821191", "subheading", "8211", "Knives; table knives having fixed blades", "刃面固定的餐刀"),
    ("821192", "subheading", "8211", "Knives; having fixed blades, other than table knives", "其他刃面固定的刀"),
    ("XI", "section", "", "Textiles and textile articles", "纺织原料及纺织制品"),
    ("61", "chapter", "XI", "Apparel and clothing accessories; knitted or crocheted", "针织或钩编的服装及衣着附件"),
    (
        "6109",
        "heading",
        "61",
        "T-shirts, singlets and other vests; knitted or crocheted",
        "针织或钩编的T恤衫、汗衫及其他背心",
    ),
    (
        "610910",
        "subheading",
        "6109",
        "T-shirts, singlets and other vests; of cotton, knitted or crocheted",
        "棉制T恤衫",
    ),
]

LINES = [
    ("CN", "8413602100", "Gear pumps for liquids, fuel injection", "燃油、润滑油、冷却剂用齿轮泵"),
    ("CN", "8418211000", "Household compression-type refrigerators, volume > 500 l", "容积超过500升的家用压缩式冷藏箱"),
    ("CN", "8211910000", "Table knives having fixed blades", "刃面固定的餐刀"),
    ("US", "8413702004", "Centrifugal pumps, submersible", ""),
    ("US", "8211920000", "Knives having fixed blades, other", ""),
]


def load_nomenclature() -> None:
    """The slice above as HsNode and TariffLine rows (as the tariff importers would write them)."""
    nodes: dict[str, HsNode] = {}
    for code, level, parent, en, zh in NOMENCLATURE:
        nodes[code] = HsNode.objects.create(
            code=code, level=level, parent=nodes.get(parent), description_en=en, description_zh=zh
        )
    jurisdictions = {
        "CN": Jurisdiction.objects.get_or_create(
            code="CN", defaults={"name_en": "China", "name_zh": "中国", "currency": "CNY"}
        )[0],
        "US": Jurisdiction.objects.get_or_create(
            code="US", defaults={"name_en": "United States", "name_zh": "美国", "currency": "USD"}
        )[0],
    }
    for jurisdiction, code, en, zh in LINES:
        TariffLine.objects.create(
            jurisdiction=jurisdictions[jurisdiction],
            code=code,
            description_en=en,
            description_zh=zh,
            valid_from=dt.date(2026, 1, 1),
        )
