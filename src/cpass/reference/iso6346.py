"""ISO 6346 container size and type codes (集装箱尺寸和箱型代码), written out by us from ISO 6346:1995 and its
amendments, and the rows of the built-in `container_type` table composed from them.

A size/type code has 4 characters: length, height (with width), then a detailed type (22G1: general purpose,
passive vents) or a type group (22GP: any general purpose box). `fixtures/container_type.csv` is this module's
output (`python -m cpass.reference.iso6346 > src/cpass/reference/fixtures/container_type.csv`); a test checks
that the two agree. Sizes and types the standard has but we leave out are loaded with `cpass load-codes`.
"""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass
from typing import Any, TextIO


@dataclass(frozen=True)
class Length:
    """First character: the box's nominal length."""

    feet: int
    teu: float


@dataclass(frozen=True)
class Height:
    """Second character: the height (all the sizes we ship have the standard width of 8')."""

    en: str
    zh: str
    mm: int
    high_cube: bool = False


@dataclass(frozen=True)
class TypeCode:
    """A detailed type: what sets the box apart within its group."""

    code: str
    en: str
    zh: str


@dataclass(frozen=True)
class TypeGroup:
    """A type group: its code, the kind of box in both languages and its detailed types.

    `high_zh` is the kind's Chinese name for a 9'6" box (40英尺高箱, not 高普通箱); `en`/`zh` say what the group
    code stands for when it differs from the kind alone.
    """

    code: str
    kind_en: str
    kind_zh: str
    high_zh: str
    en: str
    zh: str
    types: tuple[TypeCode, ...]


LENGTHS = {
    "1": Length(10, 0.5),
    "2": Length(20, 1),
    "4": Length(40, 2),
    "L": Length(45, 2.25),
}

HEIGHTS = {
    "0": Height("8'", "8英尺", 2438),
    "2": Height("8'6\"", "8英尺6英寸", 2591),
    "5": Height("9'6\"", "9英尺6英寸", 2895, high_cube=True),
}

#: The sizes shipped: 10' at 8' and 8'6", 20' and 40' at 8', 8'6" and 9'6", 45' at 9'6".
SIZES = ("10", "12", "20", "22", "25", "40", "42", "45", "L5")

_GENERAL = ("general purpose", "普通箱", "高箱")
_REEFER = ("reefer", "冷藏箱", "高冷藏箱")
_INSULATED = ("insulated", "保温箱", "高保温箱")
_FLAT_RACK = ("flat rack", "框架箱", "高框架箱")
_PLATFORM = ("platform", "平台箱", "高平台箱")
_TANK = ("tank", "罐式箱", "高罐式箱")

GROUPS = (
    TypeGroup(
        "GP",
        *_GENERAL,
        "",
        "",
        (
            TypeCode("G0", "openings at one or both ends", "一端或两端开门"),
            TypeCode("G1", "passive vents", "通风口"),
            TypeCode("G2", "end openings and full side openings", "端门及侧面全开门"),
            TypeCode("G3", "end openings and partial side openings", "端门及侧面部分开门"),
        ),
    ),
    TypeGroup(
        "VH",
        "ventilated",
        "通风箱",
        "高通风箱",
        "",
        "",
        (
            TypeCode("V0", "natural vents at lower and upper parts", "上下部自然通风口"),
            TypeCode("V2", "mechanical ventilation inside", "内置机械通风"),
            TypeCode("V4", "mechanical ventilation outside", "外置机械通风"),
        ),
    ),
    TypeGroup(
        "BU",
        "bulk",
        "散货箱",
        "高散货箱",
        "non-pressurized",
        "非承压",
        (
            TypeCode("B0", "closed", "封闭式"),
            TypeCode("B1", "airtight", "气密式"),
        ),
    ),
    TypeGroup(
        "BK",
        "bulk",
        "散货箱",
        "高散货箱",
        "pressurized",
        "承压",
        (
            TypeCode("B3", "horizontal discharge, 1.5 bar", "水平卸货，1.5 bar"),
            TypeCode("B4", "horizontal discharge, 2.65 bar", "水平卸货，2.65 bar"),
            TypeCode("B5", "tipping discharge, 1.5 bar", "倾斜卸货，1.5 bar"),
            TypeCode("B6", "tipping discharge, 2.65 bar", "倾斜卸货，2.65 bar"),
        ),
    ),
    TypeGroup(
        "SN",
        "named cargo",
        "专用箱",
        "高专用箱",
        "",
        "",
        (
            TypeCode("S0", "for livestock", "运输牲畜"),
            TypeCode("S1", "for automobiles", "运输汽车"),
            TypeCode("S2", "for live fish", "运输活鱼"),
        ),
    ),
    TypeGroup("RE", *_REEFER, "refrigerated", "机械制冷", (TypeCode("R0", "refrigerated", "机械制冷"),)),
    TypeGroup(
        "RT",
        *_REEFER,
        "refrigerated and heated",
        "机械制冷和加热",
        (TypeCode("R1", "refrigerated and heated", "机械制冷和加热"),),
    ),
    TypeGroup(
        "RS",
        *_REEFER,
        "self-powered",
        "自备动力",
        (
            TypeCode("R2", "self-powered, refrigerated", "自备动力，机械制冷"),
            TypeCode("R3", "self-powered, refrigerated and heated", "自备动力，机械制冷和加热"),
        ),
    ),
    TypeGroup(
        "HR",
        *_INSULATED,
        "removable refrigerating or heating equipment",
        "可拆卸制冷或加热设备",
        (
            TypeCode(
                "H0",
                "removable refrigerating or heating equipment outside, K 0.4 W/(m²·K)",
                "外置可拆卸制冷或加热设备，传热系数0.4 W/(m²·K)",
            ),
            TypeCode("H1", "removable refrigerating or heating equipment inside", "内置可拆卸制冷或加热设备"),
            TypeCode(
                "H2",
                "removable refrigerating or heating equipment outside, K 0.7 W/(m²·K)",
                "外置可拆卸制冷或加热设备，传热系数0.7 W/(m²·K)",
            ),
        ),
    ),
    TypeGroup(
        "HI",
        *_INSULATED,
        "without refrigerating or heating equipment",
        "无制冷或加热设备",
        (
            TypeCode("H5", "K 0.4 W/(m²·K)", "传热系数0.4 W/(m²·K)"),
            TypeCode("H6", "K 0.7 W/(m²·K)", "传热系数0.7 W/(m²·K)"),
        ),
    ),
    TypeGroup(
        "UT",
        "open top",
        "开顶箱",
        "高开顶箱",
        "",
        "",
        (
            TypeCode("U0", "openings at one or both ends", "一端或两端开门"),
            TypeCode("U1", "removable top members in end frames", "端框顶梁可拆"),
            TypeCode("U2", "end and side openings", "端门及侧门"),
            TypeCode("U3", "end and side openings, removable top members in end frames", "端门及侧门，端框顶梁可拆"),
            TypeCode(
                "U4",
                "end openings, partial side opening on one side, full on the other",
                "端门，一侧部分开门，另一侧全开门",
            ),
            TypeCode("U5", "fixed side and end walls, no doors", "固定侧壁和端壁，无门"),
        ),
    ),
    TypeGroup("PL", *_PLATFORM, "plain", "无端壁", (TypeCode("P0", "no ends or posts", "无端壁和角柱"),)),
    TypeGroup(
        "PF",
        *_FLAT_RACK,
        "fixed ends or posts",
        "固定端壁或角柱",
        (
            TypeCode("P1", "two fixed ends", "固定端壁"),
            TypeCode("P2", "fixed posts", "固定角柱"),
        ),
    ),
    TypeGroup(
        "PC",
        *_FLAT_RACK,
        "folding ends or posts",
        "折叠端壁或角柱",
        (
            TypeCode("P3", "folding ends", "折叠端壁"),
            TypeCode("P4", "folding posts", "折叠角柱"),
        ),
    ),
    TypeGroup(
        "PS",
        *_PLATFORM,
        "skeletal",
        "骨架式",
        (TypeCode("P5", "skeletal, open top and open ends", "骨架式，无顶无端壁"),),
    ),
    TypeGroup(
        "TN",
        *_TANK,
        "non-dangerous liquids",
        "非危险液体",
        (
            TypeCode("T0", "non-dangerous liquids, 0.45 bar", "非危险液体，0.45 bar"),
            TypeCode("T1", "non-dangerous liquids, 1.5 bar", "非危险液体，1.5 bar"),
            TypeCode("T2", "non-dangerous liquids, 2.65 bar", "非危险液体，2.65 bar"),
        ),
    ),
    TypeGroup(
        "TD",
        *_TANK,
        "dangerous liquids",
        "危险液体",
        (
            TypeCode("T3", "dangerous liquids, 1.5 bar", "危险液体，1.5 bar"),
            TypeCode("T4", "dangerous liquids, 2.65 bar", "危险液体，2.65 bar"),
            TypeCode("T5", "dangerous liquids, 4 bar", "危险液体，4 bar"),
            TypeCode("T6", "dangerous liquids, 6 bar", "危险液体，6 bar"),
        ),
    ),
    TypeGroup(
        "TG",
        *_TANK,
        "gases",
        "气体",
        (
            TypeCode("T7", "gases, 9.1 bar", "气体，9.1 bar"),
            TypeCode("T8", "gases, 22 bar", "气体，22 bar"),
            TypeCode("T9", "gases, pressure to be decided", "气体，压力待定"),
        ),
    ),
    TypeGroup("AS", "air/surface", "空陆联运箱", "高空陆联运箱", "", "", (TypeCode("A0", "", ""),)),
)

COLUMNS = ("code", "name_en", "name_zh", "valid_from", "valid_to", "attributes")


def _name(size: str, group: TypeGroup, detail_en: str, detail_zh: str) -> tuple[str, str]:
    length, height = LENGTHS[size[0]], HEIGHTS[size[1]]
    kind_en = f"high cube {group.kind_en}" if height.high_cube else group.kind_en
    kind_zh = group.high_zh if height.high_cube else group.kind_zh
    english = ", ".join(part for part in (f"{length.feet}' {kind_en}", height.en, detail_en) if part)
    chinese = "，".join(part for part in (height.zh, detail_zh) if part)
    return english, f"{length.feet}英尺{kind_zh}（{chinese}）"


def _attributes(size: str) -> dict[str, Any]:
    length, height = LENGTHS[size[0]], HEIGHTS[size[1]]
    return {"height": height.en, "height_mm": height.mm, "length_ft": length.feet, "teu": length.teu}


def rows() -> list[dict[str, str]]:
    """The table's rows as the fixture holds them: each size with every detailed type and every type group."""
    result: list[dict[str, str]] = []
    for size in SIZES:
        attributes = json.dumps(_attributes(size))
        for group in GROUPS:
            named = [(size + t.code, *_name(size, group, t.en, t.zh)) for t in group.types]
            scope_en = ", ".join(part for part in ("type group", group.en) if part)
            scope_zh = "，".join(part for part in ("箱型组", group.zh) if part)
            named.append((size + group.code, *_name(size, group, scope_en, scope_zh)))
            result.extend(
                {"code": code, "name_en": en, "name_zh": zh, "valid_from": "", "valid_to": "", "attributes": attributes}
                for code, en, zh in named
            )
    return result


def write_csv(handle: TextIO) -> None:
    writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows())


if __name__ == "__main__":
    write_csv(sys.stdout)
