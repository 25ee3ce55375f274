"""The keys of the code tables every module reads. A declaration stores the code (as the customs
message does); the table gives its names in English and Chinese and the dates it is valid on."""

from __future__ import annotations

from enum import StrEnum


class Table(StrEnum):
    COUNTRY = "country"  # ISO 3166-1; the code is alpha-3 as customs uses it
    CURRENCY = "currency"  # ISO 4217 alphabetic
    UNIT = "unit"  # customs 3-digit units of quantity, attribute rec20 = UN/ECE Rec. 20
    TRADE_MODE = "trade_mode"  # 监管方式 customs regime
    LEVY_NATURE = "levy_nature"  # 征免性质
    DUTY_MODE = "duty_mode"  # 征免方式
    TRANSPORT_MODE = "transport_mode"  # 运输方式
    TRANSACTION_TERMS = "transaction_terms"  # 成交方式, attribute incoterms = Incoterms 2020 list
    PACKAGE_TYPE = "package_type"  # 包装种类
    DOCUMENT_TYPE = "document_type"  # 随附单证代码
    SUPERVISION_CONDITION = "supervision_condition"  # 监管证件代码 (licences in the tariff's conditions)
    INSPECTION_CATEGORY = "inspection_category"  # 检验检疫类别
    CUSTOMS_OFFICE = "customs_office"  # 关区代码
    DOMESTIC_AREA = "domestic_area"  # 境内目的地/货源地
    DOMESTIC_PORT = "domestic_port"  # 国内口岸
    CONTAINER_TYPE = "container_type"  # ISO 6346 size/type code
