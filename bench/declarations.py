"""Declarations at volume: the declarations list API and the declaration detail page with 100,000 shipments, each
carrying a declaration, of one enterprise; each figure next to its floor.

Data: a fresh database (bench.micro.django_database) with one enterprise holding SHIPMENTS shipments (written by
bench.shipments: two goods lines and a timeline row each), one declaration per shipment in every workflow status
(two items and one timeline row each, a container on one in ten), all written with bulk_create over the past
year; a second tenant with a tenth as many, so the tenancy filter has rows to skip. Requests go through
django.test.Client in process: the whole middleware stack, a real signed-in session with the active enterprise,
the URL resolver, the API's actor, tenancy, the ORM, pagination, schema and JSON, or the page's template. DEBUG
is off and static files are collected first, as in production.

Floors: for the list, the very SQL statements the list runs for the same answer (its count and its page of 50
with the shipment, enterprise and traders joined), captured from the connection and run raw on a cursor; for
the detail, the declaration's own reads (the declaration with its shipment and parties, its items, accompanying
documents, containers and timeline) run raw the same way. No HTTP, middleware, session, ORM instances,
serialisation or template.
Ratio = ours p95 ÷ floor p95. Each figure is the median over REPEAT rounds (min–max of the rounds' p95 beside it).

    .venv/bin/python -m bench.declarations                                   # SQLite
    CPASS_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/cpass_bench .venv/bin/python -m bench.declarations

Writes bench/results/declarations.json (one entry per database; a run replaces its database's entry).
"""

from __future__ import annotations

import functools
import json
import os
import random
import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from bench.micro import ROOT, Figure, django_database, latency_stats, print_figures, time_calls
from bench.shipments import _client, _raw, _request_queries, _shipments, _statements

SHIPMENTS = int(os.environ.get("CPASS_BENCH_SHIPMENTS", "100000"))
OTHER_SHIPMENTS = SHIPMENTS // 10
SAMPLES = int(os.environ.get("CPASS_BENCH_SAMPLES", "200"))
REPEAT = int(os.environ.get("CPASS_BENCH_REPEAT", "3"))
WARMUP = 20
_BATCH = 2000
_STATUSES = [
    "draft",
    "validated",
    "submitted",
    "accepted",
    "returned",
    "inspection",
    "assessed",
    "paid",
    "released",
    "closed",
    "cancelled",
]
_NUMBERED = frozenset({"accepted", "inspection", "assessed", "paid", "released", "closed"})
TARGET = "p95 < 50 ms on PostgreSQL"


@contextmanager
def _created_at_as_given() -> Any:
    """Let bulk_create keep the rows' own created_at (auto_now_add would stamp them all with one instant)."""
    from cpass.customs.models import Declaration, DeclarationEvent, DeclarationItem

    fields = [model._meta.get_field("created_at") for model in (Declaration, DeclarationItem, DeclarationEvent)]
    for field in fields:
        field.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True  # type: ignore[attr-defined]


def _declarations(enterprise: Any, user: Any, parties: list[Any], prefix: str) -> None:
    """One declaration per shipment of `enterprise`, in every status, with two items and one timeline row."""
    from django.db import transaction

    from cpass.customs.models import Declaration, DeclarationEvent, DeclarationItem
    from cpass.shipments.models import Container, Shipment

    Link = Declaration.containers.through
    shipments = list(
        Shipment.objects.unscoped()
        .filter(enterprise=enterprise)
        .order_by("pk")
        .values_list("pk", "direction", "created_at", "house_bill")
    )
    with transaction.atomic(), _created_at_as_given():
        for start in range(0, len(shipments), _BATCH):
            batch = []
            for n, (shipment_id, direction, created, bill) in enumerate(shipments[start : start + _BATCH], start):
                status = _STATUSES[n % len(_STATUSES)]
                batch.append(
                    Declaration(
                        enterprise=enterprise,
                        shipment_id=shipment_id,
                        direction=direction,
                        reference=f"{prefix}-{n:07d}",
                        status=status,
                        entry_number=f"2248{created.year}{'1' if direction == 'import' else '0'}{n:09d}"
                        if status in _NUMBERED and prefix == "DC"
                        else "",
                        declaring_customs="2248",
                        entry_exit_customs="2248",
                        contract_number=f"SC-{n:07d}",
                        import_export_date=created.date(),
                        declaration_date=created.date() if status != "draft" else None,
                        domestic_trader=parties[n % len(parties)],
                        overseas_trader=parties[(n * 7 + 1) % len(parties)],
                        consumer_producer=parties[n % len(parties)],
                        declarant=parties[(n * 3 + 2) % len(parties)],
                        transport_mode="2",
                        vessel_name="MSC Oscar",
                        imo_number="9703291",
                        voyage=f"FE{n % 900:03d}W",
                        bill_number=bill,
                        goods_location="Yangshan",
                        trade_mode="0110",
                        levy_nature="101",
                        departure_country="DEU",
                        trade_country="DEU",
                        departure_port="DEHAM",
                        entry_exit_port="310301",
                        package_type="22",
                        package_count=1 + n % 400,
                        gross_weight_kg=Decimal(1000 + n % 9000),
                        net_weight_kg=Decimal(900 + n % 9000),
                        transaction_terms="1",
                        status_reason="Returned: price explanation needed" if status == "returned" else "",
                        created_by=user,
                        created_at=created,
                        updated_at=created,
                    )
                )
            Declaration.objects.bulk_create(batch)
            DeclarationItem.objects.bulk_create(
                [
                    DeclarationItem(
                        enterprise=enterprise,
                        declaration=declaration,
                        item_number=number,
                        hs_code="8413602100",
                        name="液压齿轮泵",
                        specification="4|3|工程机械液压系统用|齿轮式回转泵|BOSCH REXROTH|HGP-40|||",
                        quantity=Decimal(10 * number),
                        trade_unit="001",
                        legal_quantity_1=Decimal(10 * number),
                        legal_unit_1="001",
                        legal_quantity_2=Decimal(125 * number),
                        legal_unit_2="035",
                        unit_price=Decimal("850.0000"),
                        total_price=Decimal("8500.00") * number,
                        currency="EUR",
                        origin_country="DEU",
                        destination_country="CHN",
                        duty_mode="1",
                        created_at=declaration.created_at,
                        updated_at=declaration.created_at,
                    )
                    for declaration in batch
                    for number in (1, 2)
                ]
            )
            DeclarationEvent.objects.bulk_create(
                [
                    DeclarationEvent(
                        enterprise=enterprise,
                        declaration=declaration,
                        kind="transition",
                        to_status="draft",
                        reason="Declaration prepared",
                        occurred_at=declaration.created_at,
                        recorded_by=user,
                        created_at=declaration.created_at,
                        updated_at=declaration.created_at,
                    )
                    for declaration in batch
                ]
            )
            containers = Container.objects.unscoped().bulk_create(
                [
                    Container(
                        enterprise=enterprise,
                        shipment_id=declaration.shipment_id,
                        number="MSCU1234566",
                        size_type="22G1",
                        seals=["SL123456"],
                    )
                    for declaration in batch[::10]
                ]
            )
            Link.objects.bulk_create(
                [
                    Link(declaration_id=declaration.pk, container_id=container.pk)
                    for declaration, container in zip(batch[::10], containers, strict=True)
                ]
            )


def _world() -> tuple[Any, Any, list[int]]:
    """The enterprise, its owner and the ids of its declarations (after ANALYZE, as a live database would be)."""
    from django.db import connection

    from cpass.accounts.tests.factories import UserFactory
    from cpass.customs.models import Declaration
    from cpass.organizations.tests.factories import EnterpriseFactory, MembershipFactory
    from cpass.parties.tests.factories import PartyFactory

    enterprise = EnterpriseFactory.create(name="Bench Trading Co., Ltd.")
    other = EnterpriseFactory.create(name="Other Tenant Ltd.")
    user = UserFactory.create(email="bench@example.com", name="Bench User")
    MembershipFactory.create(enterprise=enterprise, user=user, role="owner")
    parties = PartyFactory.create_batch(40, enterprise=enterprise)
    other_parties = PartyFactory.create_batch(5, enterprise=other)
    start = time.perf_counter()
    _shipments(enterprise, user, parties, SHIPMENTS, "IM")
    _shipments(other, None, other_parties, OTHER_SHIPMENTS, "OT")
    _declarations(enterprise, user, parties, "DC")
    _declarations(other, None, other_parties, "OD")
    print(
        f"bench: {SHIPMENTS} + {OTHER_SHIPMENTS} shipments with a declaration each written in "
        f"{time.perf_counter() - start:.1f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    ids = list(Declaration.objects.unscoped().filter(enterprise=enterprise).values_list("pk", flat=True))
    return enterprise, user, ids


def _rounds(ours: Callable[[], list[float]], floor: Callable[[], list[float]]) -> tuple[list[dict], list[dict]]:
    """REPEAT rounds of (ours, floor) samples, each summarised."""
    mine, floors = [], []
    for _ in range(REPEAT):
        mine.append(latency_stats(ours()))
        floors.append(latency_stats(floor()))
    return mine, floors


def _figure(name: str, mine: list[dict], floors: list[dict], notes: str) -> Figure:
    from django.db import connection

    p95 = [round_["p95"] for round_ in mine]
    floor_p95 = [round_["p95"] for round_ in floors]
    ours, floor = statistics.median(p95), statistics.median(floor_p95)
    return Figure(
        name=f"{name} ({connection.vendor})",
        unit="ms",
        ours=ours,
        floor=floor,
        ratio=ours / floor if floor else None,
        spread={
            "p95_min": min(p95),
            "p95_max": max(p95),
            "p50": statistics.median(round_["p50"] for round_ in mine),
            "floor_p95_min": min(floor_p95),
            "floor_p95_max": max(floor_p95),
            "n": float(sum(round_["n"] for round_ in mine)),
        },
        target=TARGET,
        notes=f"median of {REPEAT} rounds; floor p50 {statistics.median(r['p50'] for r in floors):.3f} ms; {notes}",
    )


def _list_api(client: Any, actor: Any) -> Figure:
    from cpass.customs import selectors
    from cpass.customs.api import _with_links

    def ours() -> Any:
        response = client.get("/api/v1/customs/declarations", {"limit": 50})
        assert response.status_code == 200, response.content[:300]
        return response

    body = ours().json()
    assert (body["count"], len(body["items"])) == (SHIPMENTS, 50), (body["count"], len(body["items"]))
    declarations = _with_links(selectors.declaration_list(actor=actor))
    count_sql = _statements(lambda: declarations.count())
    page_sql = _statements(lambda: list(declarations[:50]))
    assert len(page_sql) == 1, page_sql
    for _ in range(WARMUP):
        ours()
        _raw(count_sql + page_sql)
    mine, floors = _rounds(
        lambda: time_calls(ours, repeat=SAMPLES), lambda: time_calls(lambda: _raw(count_sql + page_sql), repeat=SAMPLES)
    )
    count_ms = latency_stats(time_calls(lambda: _raw(count_sql), repeat=SAMPLES))
    return _figure(
        "declarations list API p95, limit=50",
        mine,
        floors,
        f"{SHIPMENTS} declarations; {_request_queries(ours)} queries per request; raw COUNT(*) p50 "
        f"{count_ms['p50']:.2f} ms; {SAMPLES} requests per round",
    )


def _own_reads(actor: Any, declaration_id: int) -> None:
    """What a declaration's detail shows, read through the selectors: the floor's statements."""
    from cpass.customs import selectors
    from cpass.customs.models import DeclarationDocument, DeclarationEvent, DeclarationItem
    from cpass.shipments.models import Container

    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id)
    list(DeclarationItem.objects.for_actor(actor, "read").filter(declaration=declaration).order_by("item_number"))
    list(DeclarationDocument.objects.for_actor(actor, "read").filter(declaration=declaration))
    list(Container.objects.unscoped().filter(declarations=declaration))
    list(DeclarationEvent.objects.for_actor(actor, "read").filter(declaration=declaration)[:50])


def _detail(client: Any, actor: Any, ids: list[int]) -> Figure:
    """The declaration detail page (the pages' /customs/declarations/<id>/); the API's detail when the page is
    not there."""
    rng = random.Random(4)
    sample = rng.sample(ids, min(SAMPLES, len(ids)))
    page = client.get(f"/customs/declarations/{sample[0]}/")
    on_page = page.status_code == 200
    url = "/customs/declarations/{}/" if on_page else "/api/v1/customs/declarations/{}"

    def ours(pk: int) -> Any:
        response = client.get(url.format(pk))
        assert response.status_code == 200, response.status_code
        return response

    floors = {pk: _statements(functools.partial(_own_reads, actor, pk)) for pk in sample}
    for pk in sample[:WARMUP]:
        ours(pk)
        _raw(floors[pk])

    def ours_round() -> list[float]:
        return [time_calls(functools.partial(ours, pk), repeat=1)[0] for pk in sample]

    def floor_round() -> list[float]:
        return [time_calls(functools.partial(_raw, floors[pk]), repeat=1)[0] for pk in sample]

    mine, floor_rounds = _rounds(ours_round, floor_round)
    name = "declaration detail page p95" if on_page else "declaration detail API p95 (no page yet)"
    return _figure(
        name,
        mine,
        floor_rounds,
        f"{len(sample)} different declarations of {SHIPMENTS}; {_request_queries(lambda: ours(sample[0]))} queries "
        f"per request; the floor is the declaration's own {len(floors[sample[0]])} reads",
    )


def _write(figures: list[Figure]) -> None:
    from django.db import connection

    path = ROOT / "bench" / "results" / "declarations.json"
    results: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    results[connection.vendor] = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "shipments": SHIPMENTS,
        "load_average_at_start": os.getloadavg()[0],
        "figures": [figure.as_dict() for figure in figures],
    }
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"bench: wrote {path.relative_to(ROOT)}")


def run() -> list[Figure]:
    # Production-like: DEBUG off (no query log, cached templates), static files collected.
    os.environ.setdefault("CPASS_DEBUG", "0")
    os.environ.setdefault("CPASS_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    with django_database():
        from django.core.management import call_command

        from cpass.organizations.selectors import actor_for

        call_command("collectstatic", "--noinput", verbosity=0)
        enterprise, user, ids = _world()
        client = _client(user, enterprise.pk)
        actor = actor_for(user=user, enterprise_id=enterprise.pk)
        figures = [_list_api(client, actor), _detail(client, actor, ids)]
        _write(figures)
        return figures


if __name__ == "__main__":
    figures = run()
    print_figures("declarations", figures)
    for figure in figures:
        print(f"  {figure.name}: {figure.notes}")
