from __future__ import annotations

import io

import pytest

from cpass.accounts.tests.factories import UserFactory
from cpass.classification import selectors, services
from cpass.classification.models import ConfirmedClassification, HsEmbedding, HsSearchEntry, IndexState
from cpass.classification.tests.factories import load_nomenclature
from cpass.core.errors import NotFound, PermissionDenied, ValidationFailed
from cpass.imports.framework import Column, Importer, run_import
from cpass.organizations.selectors import actor_for
from cpass.organizations.tests.factories import EnterpriseFactory, MembershipFactory, PartnerGrantFactory
from cpass.tariff.models import HsNode

pytestmark = pytest.mark.django_db


def confirmed(actor):
    return list(ConfirmedClassification.objects.for_actor(actor, "read").order_by("pk"))


def test_learn_confirmed_records_and_replaces_per_product(actor, enterprise, owner):
    services.learn_confirmed(
        actor=actor, enterprise_id=enterprise.pk, description=" Gear  pump ", code="8413.60", product_id=7
    )
    services.learn_confirmed(
        actor=actor, enterprise_id=enterprise.pk, description="Gear pump, cast iron", code="8413 60 2100", product_id=7
    )
    services.learn_confirmed(
        actor=actor, enterprise_id=enterprise.pk, description="Gear pump, cast iron", code="841360"
    )
    rows = confirmed(actor)
    assert [(r.description, r.code, r.product_id, r.jurisdiction, r.confirmed_by_id) for r in rows] == [
        ("Gear pump, cast iron", "8413602100", 7, "CN", owner.pk),
        ("Gear pump, cast iron", "841360", None, "CN", owner.pk),
    ]
    assert len(bytes(rows[0].embedding)) == 384 * 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"description": " "}, "description"),
        ({"description": "x" * 1001}, "description"),
        ({"code": "84a3"}, "code"),
        ({"code": "841"}, "code"),
        ({"jurisdiction": "CHN"}, "jurisdiction"),
    ],
)
def test_learn_confirmed_validates(actor, enterprise, kwargs, field):
    values = {"description": "Gear pump", "code": "841360", "jurisdiction": "CN", **kwargs}
    with pytest.raises(ValidationFailed) as exc:
        services.learn_confirmed(actor=actor, enterprise_id=enterprise.pk, **values)
    assert list(exc.value.errors) == [field]
    assert confirmed(actor) == []


def test_learn_confirmed_respects_tenancy(actor, enterprise):
    stranger = EnterpriseFactory.create()
    with pytest.raises(NotFound):
        services.learn_confirmed(actor=actor, enterprise_id=stranger.pk, description="Gear pump", code="841360")
    client = EnterpriseFactory.create()
    PartnerGrantFactory.create(grantor=client, grantee=enterprise, module="products", access="read")
    reader = actor_for(user=actor.user, enterprise_id=enterprise.pk)
    with pytest.raises(PermissionDenied):
        services.learn_confirmed(actor=reader, enterprise_id=client.pk, description="Gear pump", code="841360")
    viewer = MembershipFactory.create(enterprise=enterprise, role="viewer", user=UserFactory.create()).user
    with pytest.raises(PermissionDenied):
        services.learn_confirmed(
            actor=actor_for(user=viewer, enterprise_id=enterprise.pk),
            enterprise_id=enterprise.pk,
            description="Gear pump",
            code="841360",
        )


def test_broker_with_write_grant_confirms_for_its_client(actor, enterprise):
    client = EnterpriseFactory.create()
    PartnerGrantFactory.create(grantor=client, grantee=enterprise, module="products", access="write")
    broker = actor_for(user=actor.user, enterprise_id=enterprise.pk)
    services.learn_confirmed(actor=broker, enterprise_id=client.pk, description="Gear pump", code="841360")
    assert [row.enterprise_id for row in confirmed(broker)] == [client.pk]


def learn(actor, enterprise_id, description, code, product_id, jurisdiction="CN"):
    services.learn_confirmed(
        actor=actor,
        enterprise_id=enterprise_id,
        description=description,
        code=code,
        product_id=product_id,
        jurisdiction=jurisdiction,
    )


def test_learn_confirmed_many_embeds_in_batches_and_upserts(actor, enterprise, owner, monkeypatch):
    learn(actor, enterprise.pk, "Old text", "841360", 1)
    calls: list[int] = []
    real = services.embeddings.embed_passages

    def counting(texts):
        calls.append(len(texts))
        return real(texts)

    monkeypatch.setattr(services.embeddings, "embed_passages", counting)
    monkeypatch.setattr(services, "_EMBED_BATCH", 2)
    items = [
        services.ConfirmedItem(description="Gear pump", code="8413.60", product_id=1),
        services.ConfirmedItem(description="Cotton T-shirt", code="610910", product_id=2),
        services.ConfirmedItem(description="Green tea", code="0902 10", product_id=3),
        services.ConfirmedItem(description="Green tea", code="090210"),
        services.ConfirmedItem(description="Green tea", code="090220"),
    ]
    learnt = services.learn_confirmed_many(actor=actor, enterprise_id=enterprise.pk, items=items)
    assert learnt == 5
    assert calls == [2, 2, 1]
    rows = confirmed(actor)
    assert sorted((r.product_id or 0, r.description, r.code, r.confirmed_by_id) for r in rows) == [
        (0, "Green tea", "090220", owner.pk),
        (1, "Gear pump", "841360", owner.pk),
        (2, "Cotton T-shirt", "610910", owner.pk),
        (3, "Green tea", "090210", owner.pk),
    ]
    assert {len(bytes(r.embedding)) for r in rows} == {384 * 2}
    # Learning the same again changes nothing but the time.
    assert services.learn_confirmed_many(actor=actor, enterprise_id=enterprise.pk, items=items) == 5
    assert len(confirmed(actor)) == 4


def test_learn_confirmed_many_checks_every_item_first(actor, enterprise):
    items = [
        services.ConfirmedItem(description="Gear pump", code="841360", product_id=1),
        services.ConfirmedItem(description=" ", code="841360", product_id=2),
        services.ConfirmedItem(description="Tea", code="09", product_id=3),
    ]
    with pytest.raises(ValidationFailed) as exc:
        services.learn_confirmed_many(actor=actor, enterprise_id=enterprise.pk, items=items)
    assert sorted(exc.value.errors) == ["items[1].description", "items[2].code"]
    assert confirmed(actor) == []
    with pytest.raises(NotFound):
        services.learn_confirmed_many(actor=actor, enterprise_id=EnterpriseFactory.create().pk, items=items[:1])
    assert services.learn_confirmed_many(actor=actor, enterprise_id=enterprise.pk, items=[]) == 0


def test_forget_removes_what_a_product_taught_only_in_reach(actor, enterprise):
    learn(actor, enterprise.pk, "Gear pump", "841360", 5)
    learn(actor, enterprise.pk, "Gear pump", "841360", 5, jurisdiction="US")
    learn(actor, enterprise.pk, "Tea", "090210", 6)
    other = EnterpriseFactory.create()
    other_owner = MembershipFactory.create(enterprise=other, role="owner", user=UserFactory.create()).user
    other_actor = actor_for(user=other_owner, enterprise_id=other.pk)
    learn(other_actor, other.pk, "Pump", "841360", 5)

    assert services.confirmed_classification_forget(actor=actor, product_id=5) == 2
    assert [(r.product_id, r.code) for r in confirmed(actor)] == [(6, "090210")]
    assert [(r.product_id, r.code) for r in confirmed(other_actor)] == [(5, "841360")]
    assert services.confirmed_classification_forget(actor=actor, product_id=5) == 0
    viewer = MembershipFactory.create(enterprise=enterprise, role="viewer", user=UserFactory.create()).user
    viewer_actor = actor_for(user=viewer, enterprise_id=enterprise.pk)
    assert services.confirmed_classification_forget(actor=viewer_actor, product_id=6) == 0
    assert [(r.product_id, r.code) for r in confirmed(actor)] == [(6, "090210")]


def test_rebuild_indexes_newest_edition_and_current_lines(db):
    load_nomenclature()
    HsNode.objects.create(edition="HS2017", code="999999", level="subheading", description_en="Old edition only")
    assert services.rebuild_search_index() == 19 + 5
    assert not HsSearchEntry.objects.filter(code="999999").exists()
    assert services.rebuild_search_index(jurisdiction="us") == 19 + 5  # only US lines replaced
    assert IndexState.objects.get(key=services.SEARCH_STATE).version == 2


def test_build_embeddings_is_incremental(db):
    load_nomenclature()
    services.rebuild_search_index()
    first = services.build_embeddings()
    assert first == 7 + 3  # subheadings and lines with a Chinese text
    assert HsEmbedding.objects.count() == 7 + 3
    assert services.build_embeddings() == 0
    HsNode.objects.filter(code="841370").update(description_en="Pumps; centrifugal, other")
    services.rebuild_search_index()
    assert services.build_embeddings() == 1


class _NodeImporter(Importer[HsNode]):
    """Stands in for the tariff app's nomenclature importer: what matters is its kind."""

    kind = "hs-nomenclature"
    label = "HS nomenclature"
    columns = (Column("code"), Column("description"))

    def parse(self, row, line):
        return HsNode(code=row["code"], level="subheading", description_en=row["description"])

    def write(self, batch):
        HsNode.objects.bulk_create(batch)
        return len(batch)


def test_index_refreshes_after_a_committed_import(db, actor, django_capture_on_commit_callbacks):
    load_nomenclature()
    services.rebuild_search_index()
    assert selectors.hs_search(actor=actor, q="tricycles") == []
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(
            _NodeImporter(), io.BytesIO(b"code,description\n871200,Bicycles and tricycles\n"), filename="hs.csv"
        )
    assert result.committed
    assert [hit.code for hit in selectors.hs_search(actor=actor, q="tricycles")] == ["871200"]
    assert HsEmbedding.objects.filter(code="871200").exists()
