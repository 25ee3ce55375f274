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
