from __future__ import annotations

import pytest
from django.db import connection

from cpass.accounts.tests.factories import UserFactory
from cpass.classification import selectors, services
from cpass.classification.glossary import Translation
from cpass.classification.tests.factories import ConfirmedClassificationFactory, load_nomenclature
from cpass.core.errors import PermissionDenied, ValidationFailed
from cpass.organizations.selectors import actor_for
from cpass.organizations.tests.factories import EnterpriseFactory, MembershipFactory, PartnerGrantFactory
from cpass.tariff.models import HsNode

pytestmark = pytest.mark.django_db


def codes(hits):
    return [hit.code for hit in hits]


def test_code_prefix_with_dots_and_spaces_lists_shorter_codes_first(nomenclature, actor):
    assert codes(selectors.hs_search(actor=actor, q="8413.60")) == ["841360", "8413602100"]
    assert codes(selectors.hs_search(actor=actor, q="84 13")) == ["8413", "841360", "841370", "8413602100"]
    # US lines only for the US.
    assert codes(selectors.hs_search(actor=actor, q="84137", jurisdiction="us")) == ["841370", "8413702004"]


def test_words_rank_the_best_match_first_with_path(nomenclature, actor):
    hits = selectors.hs_search(actor=actor, q="centrifugal pumps")
    assert hits[0].code == "841370"
    assert hits[0].matched_terms == ["centrifugal", "pump"]
    assert [(p.code, p.level) for p in hits[0].path] == [("84", "chapter"), ("8413", "heading")]
    assert "8413" in codes(hits)


def test_chinese_words_match(nomenclature, actor):
    # the entry holding the Chinese word first; then what its English reading (our glossary) finds
    assert codes(selectors.hs_search(actor=actor, q="冰箱")) == ["841821", "8418211000", "8418"]
    assert {"8418", "8418211000"} <= set(codes(selectors.hs_search(actor=actor, q="冷藏箱")))
    assert codes(selectors.hs_search(actor=actor, q="钢铁"))[0] == "72"
    assert set(codes(selectors.hs_search(actor=actor, q="餐刀"))[:2]) == {"821191", "8211910000"}


def test_chinese_words_no_entry_holds_are_read_in_english_through_the_glossary(nomenclature, actor):
    hits = selectors.hs_search(actor=actor, q="水泵")  # no entry's Chinese text holds 水泵
    assert "8413" not in codes(selectors.hs_search(actor=actor, q="水泵", limit=1))  # a direct match first
    heading = next(hit for hit in hits if hit.code == "8413")  # "Pumps for liquids": read as "pumps liquids"
    assert {"pump", "liquid"} <= set(heading.matched_terms)
    assert "8413" in codes(selectors.typeahead(actor=actor, q="水泵"))


def test_last_word_matches_as_prefix_for_typeahead(nomenclature, actor):
    assert codes(selectors.hs_search(actor=actor, q="refrig"))[0] in {"8418", "841821"}
    assert codes(selectors.typeahead(actor=actor, q="8211")) == ["8211", "821191", "821192", "8211910000"]


def test_entries_with_every_word_come_before_those_with_some(nomenclature, actor):
    hits = selectors.hs_search(actor=actor, q="pumps refrigerators")
    assert hits[0].code == "8418"  # "Refrigerators, freezers ...; heat pumps"
    assert hits[0].matched_terms == ["pump", "refrigerator"]
    assert {"8413", "841370", "841821"} <= set(codes(hits[1:]))
    assert all(hit.score < hits[0].score for hit in hits[1:])
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_misspelt_words_are_read_as_the_closest_indexed_ones(nomenclature, actor):
    hits = selectors.hs_search(actor=actor, q="centrifgal")
    if connection.vendor == "postgresql":
        assert hits[0].code == "841370"
        assert hits[0].matched_terms == ["centrifugal"]
    else:
        assert hits == []  # SQLite has no trigram index
    assert codes(selectors.hs_search(actor=actor, q="centrifugal"))[0] == "841370"


def test_suggest_reads_in_a_fixed_number_of_queries(nomenclature, actor, django_assert_num_queries):
    selectors.suggest(actor=actor, text="centrifugal pumps")  # loads the embeddings and confirmed sets
    # (PostgreSQL: term counts,) full text, its entries, index versions, confirmed stamp, paths with lines.
    with django_assert_num_queries(6 if connection.vendor == "postgresql" else 5):
        suggestions = selectors.suggest(actor=actor, text="household refrigerator, compression type, 520 litres")
    assert [line.code for line in suggestions[0].national_lines] == ["8418211000"]


def test_plural_and_singular_match(nomenclature, actor):
    assert (
        codes(selectors.hs_search(actor=actor, q="knife"))[:1]
        == codes(selectors.hs_search(actor=actor, q="knives"))[:1]
    )


@pytest.mark.parametrize(
    "q",
    [
        '"steel',
        "steel*",
        "NEAR(steel knife)",
        "steel -knife",
        "col:steel",
        "'; DROP TABLE classification_hssearchentry; --",
        "AND OR NOT",
        "((((",
        "^steel",
        "%_%",
        "\x00steel",
    ],
)
def test_syntax_characters_are_text(nomenclature, actor, q):
    hits = selectors.hs_search(actor=actor, q=q)
    assert all(hit.code for hit in hits)
    assert selectors.hs_search(actor=actor, q="steel")  # the table is still there


def test_absurd_queries_are_clear_errors(nomenclature, actor):
    with pytest.raises(ValidationFailed) as empty:
        selectors.hs_search(actor=actor, q="   ")
    assert list(empty.value.errors) == ["q"]
    with pytest.raises(ValidationFailed) as long:
        selectors.hs_search(actor=actor, q="steel " * 2000)
    assert "at most 200" in str(long.value.errors["q"][0])
    with pytest.raises(ValidationFailed) as limit:
        selectors.hs_search(actor=actor, q="steel", limit=500)
    assert list(limit.value.errors) == ["limit"]
    with pytest.raises(ValidationFailed) as jurisdiction:
        selectors.hs_search(actor=actor, q="steel", jurisdiction="China")
    assert list(jurisdiction.value.errors) == ["jurisdiction"]
    assert selectors.typeahead(actor=actor, q="x" * 10_000) == []


def test_search_needs_reference_scope(nomenclature, owner, enterprise):
    token_actor = actor_for(user=owner, enterprise_id=enterprise.pk, scopes=frozenset({"documents:read"}))
    with pytest.raises(PermissionDenied):
        selectors.hs_search(actor=token_actor, q="pumps")


def test_suggest_combines_words_and_meaning(nomenclature, actor):
    suggestions = selectors.suggest(actor=actor, text="household refrigerator, compression type, 520 litres")
    top = suggestions[0]
    assert top.code == "841821"
    assert {"household", "refrigerator"} <= set(top.matched_terms)
    assert top.semantic_similarity is not None
    assert top.semantic_similarity > 0.7
    assert [line.code for line in top.national_lines] == ["8418211000"]
    assert [p.code for p in top.path] == ["84", "8418"]
    assert 0 < top.score <= 1
    assert len(suggestions) <= 5
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)


def test_suggest_understands_chinese(nomenclature, actor):
    assert selectors.suggest(actor=actor, text="家用冰箱")[0].code == "841821"
    assert selectors.suggest(actor=actor, text="纯棉T恤衫 男式 针织")[0].code == "610910"


def test_chinese_words_are_read_in_english_and_shown(db, actor):
    load_nomenclature()
    HsNode.objects.filter(level="subheading").update(description_zh="")  # as in the real HS file
    services.rebuild_search_index()
    top = selectors.suggest(actor=actor, text="园林用电动离心水泵")[0]
    assert top.code == "841370"
    assert {"centrifugal", "pump"} <= set(top.matched_terms)
    assert top.translations == [Translation("离心", "centrifugal"), Translation("水泵", "pumps liquids")]
    assert selectors.query_translations(text="电动离心水泵") == [
        Translation("电动", "electric"),
        Translation("离心", "centrifugal"),
        Translation("水泵", "pumps liquids"),
    ]


def test_chinese_chapter_titles_point_to_chapters(nomenclature):
    assert selectors._chapters("女式针织毛衣") == ["61"]
    assert selectors._chapters("钢铁 工具") == ["72", "82"]
    assert selectors._chapters("Knitted sweater") == []


def test_suggest_learns_from_confirmed_examples(nomenclature, actor, enterprise):
    text = "Santoku chef knife, stainless steel, for kitchens"
    before = selectors.suggest(actor=actor, text=text)
    services.learn_confirmed(
        actor=actor, enterprise_id=enterprise.pk, description="Santoku chef knife, stainless steel", code="8211.92"
    )
    after = selectors.suggest(actor=actor, text=text)
    assert after[0].code == "821192"
    assert after[0].similar_products[0].description == "Santoku chef knife, stainless steel"
    assert after[0].similar_products[0].code == "821192"
    assert after[0].similar_products[0].similarity > 0.9
    assert not any(s.similar_products for s in before)
    # Confirming another code for the same description replaces the example at once.
    services.learn_confirmed(
        actor=actor, enterprise_id=enterprise.pk, description="Santoku chef knife, stainless steel", code="8211.91"
    )
    again = selectors.suggest(actor=actor, text=text)
    assert again[0].code == "821191"
    assert [p.code for s in again for p in s.similar_products] == ["821191"]


def test_confirmed_examples_never_reach_another_enterprise(nomenclature, actor, enterprise):
    text = "Santoku chef knife, stainless steel"
    other = EnterpriseFactory.create()
    ConfirmedClassificationFactory.create(enterprise=other, description=text, code="8211920000")
    assert not any(s.similar_products for s in selectors.suggest(actor=actor, text=text))
    # ...unless that enterprise granted its products to us (a broker working for its client).
    PartnerGrantFactory.create(grantor=other, grantee=enterprise, module="products", access="read")
    member = MembershipFactory.create(enterprise=enterprise, role="viewer", user=UserFactory.create())
    broker = actor_for(user=member.user, enterprise_id=enterprise.pk)
    assert selectors.suggest(actor=broker, text=text)[0].similar_products[0].code == "8211920000"


def test_suggest_without_embeddings_still_answers_by_words(db, actor):
    load_nomenclature()
    services.rebuild_search_index()
    top = selectors.suggest(actor=actor, text="centrifugal pumps")[0]
    assert (top.code, top.semantic_similarity) == ("841370", None)


def test_suggest_rejects_empty_and_huge_text(nomenclature, actor):
    with pytest.raises(ValidationFailed) as empty:
        selectors.suggest(actor=actor, text="")
    assert list(empty.value.errors) == ["text"]
    with pytest.raises(ValidationFailed):
        selectors.suggest(actor=actor, text="x" * 10_000)
