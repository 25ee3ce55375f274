from __future__ import annotations

import csv
import re

from cpass.classification import glossary
from cpass.classification.glossary import Translation


def test_the_glossary_file_is_well_formed():
    with glossary.GLOSSARY_FILE.open(encoding="utf-8", newline="") as stream:
        rows = [row for row in csv.reader(stream) if row and not row[0].startswith("#")]
    assert rows[0] == ["zh", "en"]
    terms = [row[0] for row in rows[1:]]
    assert len(terms) == len(set(terms)), "a Chinese term is listed twice"
    assert all(len(row) == 2 and row[1].strip() for row in rows[1:])
    assert all(re.fullmatch(r"[\u4e00-\u9fff]+", term) for term in terms)
    assert len(glossary.glossary()) == len(terms)
    assert len(terms) >= 300


def test_translate_reads_the_longest_terms_in_order():
    assert glossary.translate("不锈钢厨师刀 8寸 塑料柄") == [
        Translation("不锈钢", "stainless steel"),
        Translation("厨师刀", "kitchen knives"),
        Translation("塑料", "plastics"),
    ]
    # Terms jieba splits are joined again; terms inside a longer word are found in it.
    assert [t.zh for t in glossary.translate("电动自行车用锂离子蓄电池组")] == ["电动自行车", "锂离子", "蓄电池"]
    assert [t.zh for t in glossary.translate("赤霞珠干红葡萄酒")] == ["葡萄酒"]
    # A longer term wins over the characters it contains: a tea table is furniture, not tea.
    assert glossary.translate("实木茶几") == [Translation("实木", "wood"), Translation("茶几", "tables furniture")]
    assert [t.zh for t in glossary.translate("钢琴 钢 钢")] == ["钢琴", "钢"]


def test_text_without_chinese_terms_reads_as_itself():
    assert glossary.translate("Stainless steel knife") == []
    assert glossary.translate("型号 规格") == []
    assert glossary.translate("") == []
    assert glossary.with_reading("Stainless steel knife") == "Stainless steel knife"
    assert glossary.with_reading("不锈钢刀具") == "不锈钢刀具 (stainless steel knives cutting blades)"


def test_every_term_is_read_whole_on_its_own():
    # A term that jieba cuts into more words than translate joins again would never be found.
    unread = [term for term in glossary.glossary() if [t.zh for t in glossary.translate(term)] != [term]]
    assert unread == []


def test_long_terms_of_five_jieba_words_are_joined_again():
    # jieba cuts 聚对苯二甲酸乙二醇酯 (PET) into 聚/对苯二甲/酸/乙二醇/酯 and 插电式混合动力 into five words too.
    assert [t.zh for t in glossary.translate("聚对苯二甲酸乙二醇酯切片")] == ["聚对苯二甲酸乙二醇酯"]
    assert [t.zh for t in glossary.translate("插电式混合动力汽车")] == ["插电式混合动力", "汽车"]
    assert glossary.translate("热轧卷板 Q235")[0] == Translation("热轧卷板", "flat-rolled products hot-rolled in coils")
