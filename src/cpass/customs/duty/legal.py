"""Formulas and legal bases of the figures, in English and Chinese, independent of the request language.

Article numbers are given only where we verified them; see docs/customs/duty-engine.md, "Legal basis".
"""

from __future__ import annotations

from dataclasses import dataclass

from cpass.customs.duty.model import Bilingual

B = Bilingual

HALF_UP = B("half up to the fen (0.01)", "四舍五入至分")


@dataclass(frozen=True)
class Terms:
    """A customs transaction-terms code (成交方式) and what its price includes."""

    code: str
    name: str
    freight_included: bool
    insurance_included: bool


TERMS: dict[str, Terms] = {
    terms.code: terms
    for terms in (
        Terms("1", "CIF", True, True),
        Terms("2", "C&F", True, False),
        Terms("3", "FOB", False, False),
        Terms("4", "C&I", False, True),
        Terms("5", "Market price / 市场价", True, True),
        Terms("6", "Warehouse advance / 垫仓", True, True),
        Terms("7", "EXW", False, False),
    )
}
#: Incoterms 2020 → customs transaction-terms code (the reference table transaction_terms).
INCOTERMS = {
    "CIF": "1",
    "CIP": "1",
    "DAP": "1",
    "DPU": "1",
    "DDP": "1",
    "CFR": "2",
    "CPT": "2",
    "FCA": "3",
    "FAS": "3",
    "FOB": "3",
    "EXW": "7",
}

GOODS = (B("Goods value", "货价"), B("price × exchange rate", "成交总价 × 计征汇率"))
FREIGHT = B("Freight", "运费")
INSURANCE = B("Insurance", "保险费")
OTHER = B("Other charges", "杂费")
CHARGE_FORMULAS = {
    "rate": B("goods value × rate", "货价 × 费率"),
    "insurance-rate": B("(goods value + freight) × rate", "（货价 + 运费）× 保险费率"),
    "unit": B("amount per unit × quantity × exchange rate", "单价 × 数量 × 计征汇率"),
    "total": B("amount × exchange rate", "总价 × 计征汇率"),
    "three-per-mille": B("(goods value + freight) × 3‰", "（货价 + 运费）× 3‰"),
}
THREE_PER_MILLE = B(
    "Insurance not known: 3‰ of goods value plus freight (GACC Order No. 213, Measures for Determining the "
    "Customs Value of Imported and Exported Goods).",
    "保险费无法确定或者未实际发生：按“货价加运费”两者总额的3‰计算（《中华人民共和国海关审定进出口货物完税价格办法》，"
    "海关总署令第213号）。",
)

DUTIABLE_IMPORT = (
    B("Dutiable value (CIF)", "关税计税价格（CIF）"),
    B("goods value + freight + insurance + other charges", "货价 + 运费 + 保险费 + 杂费"),
    B(
        "Customs Duties Law of the PRC (2024): the transaction price plus transport, related costs and insurance "
        "up to the place of importation before unloading.",
        "《中华人民共和国关税法》：以成交价格以及货物运抵境内输入地点起卸前的运输及其相关费用、保险费为基础确定。",
    ),
)
DUTIABLE_EXPORT_FOB = (
    B("FOB value", "离岸价格（FOB）"),
    B("goods value − freight and insurance in the price + other charges", "货价 − 价内运费、保险费 + 杂费"),
)
DUTIABLE_EXPORT = (
    B("Dutiable value (export)", "出口关税计税价格"),
    B("(FOB − specific duty) ÷ (1 + ad valorem rate)", "（FOB − 从量税额）÷（1 + 出口关税税率）"),
    B(
        "Customs Duties Law of the PRC (2024): export value up to loading at the place of exportation; the export "
        "duty itself is not part of it.",
        "《中华人民共和国关税法》：出口货物以成交价格及运至境内输出地点装载前的运输及其相关费用、保险费为基础确定，"
        "出口关税不计入计税价格。",
    ),
)
DUTY_FORMULAS = {
    "ad_valorem": B("dutiable value × rate", "计税价格 × 比例税率"),
    "specific": B("quantity × specific rate × exchange rate", "货物数量 × 定额税率 × 计征汇率"),
    "sum": B("dutiable value × rate + quantity × specific rate", "计税价格 × 比例税率 + 货物数量 × 定额税率"),
    "higher": B("the higher of dutiable value × rate and quantity × specific rate", "从价税额与从量税额中较高者"),
    "lower": B("the lower of dutiable value × rate and quantity × specific rate", "从价税额与从量税额中较低者"),
    "none": B("no duty rate: nothing due", "无税率：不征"),
}
IMPORT_DUTY = B("Import duty", "进口关税")
EXPORT_DUTY = B("Export duty", "出口关税")
DUTY_BASIS = B(
    "Customs Duties Law of the PRC (2024): ad valorem, specific and compound duty.",
    "《中华人民共和国关税法》：从价、从量、复合计征。",
)

COMPOSITE = (
    B("Consumption-tax composite price", "消费税组成计税价格"),
    B(
        "(dutiable value + duty [+ quantity × specific rate]) ÷ (1 − consumption tax rate)",
        "（关税计税价格 + 关税 [+ 进口数量 × 定额税率]）÷（1 − 消费税比例税率）",
    ),
)
CONSUMPTION = B("Consumption tax", "消费税")
CONSUMPTION_FORMULAS = {
    "ad_valorem": B("composite price × rate", "组成计税价格 × 比例税率"),
    "specific": B("quantity × specific rate", "进口数量 × 定额税率"),
    "sum": B("composite price × rate + quantity × specific rate", "组成计税价格 × 比例税率 + 进口数量 × 定额税率"),
    "higher": B("the higher of the ad valorem and specific tax", "从价与从量税额中较高者"),
    "lower": B("the lower of the ad valorem and specific tax", "从价与从量税额中较低者"),
}
CONSUMPTION_BASIS = B(
    "Provisional Regulations of the PRC on Consumption Tax, art. 9 (composite price of imported goods).",
    "《中华人民共和国消费税暂行条例》第九条（进口应税消费品的组成计税价格）。",
)

VAT_BASE = (
    B("VAT composite price", "增值税组成计税价格"),
    B("dutiable value + duty + consumption tax", "关税计税价格 + 关税 + 消费税"),
)
VAT = B("Import VAT", "进口环节增值税")
VAT_FORMULA = B("VAT composite price × VAT rate", "组成计税价格 × 增值税税率")
VAT_BASIS = B(
    "Provisional Regulations of the PRC on Value-Added Tax, art. 14; the VAT Law of the PRC (in force "
    "1 January 2026) keeps this base.",
    "《中华人民共和国增值税暂行条例》第十四条；《中华人民共和国增值税法》（2026年1月1日起施行）沿用该计税基础。",
)
ROUNDING_BASIS = B(
    "Dutiable values and taxes are computed to the fen, rounding half up (GACC Order No. 272, Measures on the "
    "Collection of Duties on Imported and Exported Goods).",
    "计税价格、税额计算至分，分以下四舍五入（《中华人民共和国海关进出口货物征税管理办法》，海关总署令第272号）。",
)

LANDED = (
    B("Landed cost", "到岸完税成本"),
    B("dutiable value + duty + consumption tax + VAT payable", "计税价格 + 应缴关税 + 消费税 + 增值税"),
)
LANDED_PER_UNIT = (
    B("Landed cost per unit", "单位到岸完税成本"),
    B("landed cost ÷ quantity in the first legal unit", "到岸完税成本 ÷ 法定第一数量"),
)
LANDED_PER_TRADE_UNIT = (
    B("Landed cost per trade unit", "单位（成交计量单位）到岸完税成本"),
    B("landed cost ÷ quantity in the trade unit", "到岸完税成本 ÷ 成交数量"),
)

DE_MINIMIS = B(
    "Per-declaration exemption: a duty, consumption tax or import VAT of at most RMB 50 for one declaration "
    "(一票货物) is not levied (Customs Duties Law of the PRC (2024): goods within the exemption amount set by "
    "the State Council; the RMB 50 amount: GACC Order No. 272).",
    "一票货物的关税、进口环节增值税或者消费税税额在人民币50元以下的，免征（《中华人民共和国关税法》：国务院规定的"
    "免征额度内的一票货物；50元：海关总署令第272号）。",
)
TAX_LABELS = {
    "import_duty": IMPORT_DUTY,
    "export_duty": EXPORT_DUTY,
    "consumption_tax": CONSUMPTION,
    "vat": VAT,
}
