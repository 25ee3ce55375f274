"""Shipments at volume: the list API (whole and searched for a party name) and the detail page with 100,000
shipments of one enterprise, each next to its floor.

Data: a fresh database (bench.micro.django_database) with one enterprise holding SHIPMENTS shipments (two goods
lines and one timeline row each, written with bulk_create, created over the past year) between 40 parties with
Chinese and English names, and a second tenant with OTHER_SHIPMENTS between parties of the same names, so the
tenancy filter has rows to skip and the search has another tenant's matches to leave out. Requests go
through django.test.Client in process: the whole middleware stack, a real signed-in session (force_login)
with the active enterprise, the URL resolver, the API's actor, tenancy, the ORM, pagination, schema and
JSON, or the page's template. DEBUG is off and static files are collected first, as in production.

Floor: the very SQL statements the selector runs for the same answer (captured from the connection: the
list's count and its page of 50; the detail's shipment, goods lines, containers and timeline), run raw on a
cursor: no HTTP, middleware, session, ORM instances, serialisation or template. Ratio = ours p95 ÷ floor p95.

    .venv/bin/python -m bench.shipments                                   # SQLite
    CPASS_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/cpass_bench .venv/bin/python -m bench.shipments
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import random
import time
from collections.abc import Callable
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from bench.micro import Figure, django_database, latency_stats, print_figures, time_calls

SHIPMENTS = int(os.environ.get("CPASS_BENCH_SHIPMENTS", "100000"))
OTHER_SHIPMENTS = SHIPMENTS // 10
LINES_PER_SHIPMENT = 2
SAMPLES = 300
WARMUP = 20
_BATCH = 2000
_PORTS = ["DEHAM", "NLRTM", "CNSHA", "CNNGB", "USLAX", "SGSIN", "KRPUS", "JPTYO", "BEANR", "CNSZX"]
_STATUSES = ["draft", "booked", "in_transit", "arrived", "cleared", "delivered", "closed"]
TARGET = "p95 < 50 ms on PostgreSQL"


@contextmanager
def _created_at_as_given() -> Any:
    """Let bulk_create keep the rows' own created_at (auto_now_add would stamp them all with one instant)."""
    from cpass.shipments.models import GoodsLine, Milestone, Shipment

    fields = [model._meta.get_field("created_at") for model in (Shipment, GoodsLine, Milestone)]
    for field in fields:
        field.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True  # type: ignore[attr-defined]


def _shipments(enterprise: Any, user: Any, parties: list[Any], count: int, prefix: str) -> None:
    from django.db import transaction

    from cpass.shipments.models import GoodsLine, Milestone, Shipment

    rng = random.Random(f"{prefix}{count}")
    now = dt.datetime.now(tz=dt.UTC).replace(microsecond=0)
    with transaction.atomic(), _created_at_as_given():
        for start in range(0, count, _BATCH):
            batch = []
            for n in range(start, min(start + _BATCH, count)):
                created = now - dt.timedelta(minutes=(count - n) * 5)
                loading, discharge = rng.sample(_PORTS, 2)
                batch.append(
                    Shipment(
                        enterprise=enterprise,
                        direction="import" if n % 3 else "export",
                        job_number=f"{prefix}-{n:07d}",
                        status=_STATUSES[n % len(_STATUSES)],
                        customer_reference=f"PO-{n:07d}",
                        house_bill=f"HLCU{n:010d}",
                        consignor=parties[n % len(parties)],
                        consignee=parties[(n * 7 + 1) % len(parties)],
                        incoterm="FOB",
                        incoterm_place="Hamburg",
                        transport_mode="2",
                        port_of_loading=loading,
                        port_of_discharge=discharge,
                        vessel_name="MSC Oscar",
                        voyage=f"FE{n % 900:03d}W",
                        package_type="22",
                        package_count=1 + n % 400,
                        gross_weight_kg=Decimal(1000 + n % 9000),
                        etd=created + dt.timedelta(days=3),
                        eta=created + dt.timedelta(days=33),
                        created_by=user,
                        created_at=created,
                        updated_at=created,
                    )
                )
            Shipment.objects.bulk_create(batch)
            lines = [
                GoodsLine(
                    enterprise=enterprise,
                    shipment=shipment,
                    line_number=number,
                    hs_code="8413602100",
                    description=f"Gear pumps, lot {shipment.customer_reference}-{number}",
                    quantity=Decimal(10 * number),
                    trade_unit="007",
                    net_weight_kg=Decimal(100 * number),
                    gross_weight_kg=Decimal(110 * number),
                    value=Decimal("1234.50") * number,
                    currency="EUR",
                    origin_country="DEU",
                    created_at=shipment.created_at,
                    updated_at=shipment.created_at,
                )
                for shipment in batch
                for number in range(1, LINES_PER_SHIPMENT + 1)
            ]
            GoodsLine.objects.bulk_create(lines)
            Milestone.objects.bulk_create(
                [
                    Milestone(
                        enterprise=enterprise,
                        shipment=shipment,
                        kind="status",
                        status="draft",
                        occurred_at=shipment.created_at,
                        note="Shipment opened",
                        recorded_by=user,
                        created_at=shipment.created_at,
                        updated_at=shipment.created_at,
                    )
                    for shipment in batch
                ]
            )


def _party(factory: Any, enterprise: Any, n: int) -> Any:
    return factory.create(
        enterprise=enterprise,
        name_local=f"宁波海曙{n:02d}贸易有限公司",
        name_en=f"Ningbo Haishu {n:02d} Trading Co., Ltd.",
        country="CHN",
    )


def _world() -> tuple[Any, Any, list[int]]:
    """The enterprise, its owner and the ids of its shipments (after ANALYZE, as a live database would be)."""
    from django.db import connection

    from cpass.accounts.tests.factories import UserFactory
    from cpass.organizations.tests.factories import EnterpriseFactory, MembershipFactory
    from cpass.parties.tests.factories import PartyFactory
    from cpass.shipments.models import Shipment

    enterprise = EnterpriseFactory.create(name="Bench Trading Co., Ltd.")
    other = EnterpriseFactory.create(name="Other Tenant Ltd.")
    user = UserFactory.create(email="bench@example.com", name="Bench User")
    MembershipFactory.create(enterprise=enterprise, user=user, role="owner")
    parties = [_party(PartyFactory, enterprise, n) for n in range(40)]
    other_parties = [_party(PartyFactory, other, n) for n in range(5)]
    start = time.perf_counter()
    _shipments(enterprise, user, parties, SHIPMENTS, "IM")
    _shipments(other, None, other_parties, OTHER_SHIPMENTS, "OT")
    print(f"bench: {SHIPMENTS} + {OTHER_SHIPMENTS} shipments written in {time.perf_counter() - start:.1f} s")
    # A live database has been vacuumed and analysed by now (PostgreSQL's autovacuum runs after this many
    # inserts): the visibility map lets COUNT(*) read the index alone instead of 100,000 heap rows.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    ids = list(Shipment.objects.unscoped().filter(enterprise=enterprise).values_list("pk", flat=True))
    return enterprise, user, ids


def _client(user: Any, enterprise_id: int) -> Any:
    from django.test import Client

    from cpass.organizations.middleware import ACTIVE_ENTERPRISE_SESSION_KEY

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[ACTIVE_ENTERPRISE_SESSION_KEY] = enterprise_id
    session.save()
    return client


def _statements(call: Callable[[], Any]) -> list[tuple[str, Any]]:
    from django.db import connection

    ran: list[tuple[str, Any]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        ran.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        call()
    return ran


def _raw(statements: list[tuple[str, Any]]) -> int:
    from django.db import connection

    rows = 0
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            rows += len(cursor.fetchall())
    return rows


def _request_queries(call: Callable[[], Any]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def _figure(name: str, ours_ms: list[float], floor_ms: list[float], notes: str) -> Figure:
    from django.db import connection

    stats, floor = latency_stats(ours_ms), latency_stats(floor_ms)
    return Figure(
        name=f"{name} ({connection.vendor})",
        unit="ms",
        ours=stats["p95"],
        floor=floor["p95"],
        ratio=stats["p95"] / floor["p95"] if floor["p95"] else None,
        spread=stats,
        target=TARGET,
        notes=f"floor p50 {floor['p50']:.3f} ms; {notes}",
    )


def _list_api(client: Any, actor: Any, *, name: str, expected: int, q: str | None = None) -> Figure:
    from cpass.shipments import selectors

    params: dict[str, Any] = {"limit": 50} | ({"q": q} if q else {})

    def ours() -> Any:
        response = client.get("/api/v1/shipments", params)
        assert response.status_code == 200, response.content[:300]
        return response

    body = ours().json()
    assert (body["count"], len(body["items"])) == (expected, min(50, expected)), (body["count"], len(body["items"]))
    shipments = selectors.shipment_list(actor=actor, q=q)
    count_sql = _statements(lambda: shipments.count())
    page_sql = _statements(lambda: list(shipments[:50]))
    assert _raw(page_sql) == min(50, expected)
    for _ in range(WARMUP):
        ours()
        _raw(count_sql + page_sql)
    ours_ms = time_calls(ours, repeat=SAMPLES)
    floor_ms = time_calls(lambda: _raw(count_sql + page_sql), repeat=SAMPLES)
    count_ms = latency_stats(time_calls(lambda: _raw(count_sql), repeat=SAMPLES))
    page_ms = latency_stats(time_calls(lambda: _raw(page_sql), repeat=SAMPLES))
    queries = _request_queries(ours)
    return _figure(
        name,
        ours_ms,
        floor_ms,
        f"{expected} of {SHIPMENTS} shipments; {queries} queries per request; raw COUNT(*) p50 "
        f"{count_ms['p50']:.2f} ms, raw page of 50 p50 {page_ms['p50']:.2f} ms; {SAMPLES} requests",
    )


def _search_api(client: Any, actor: Any) -> Figure:
    """A person looks for the shipments of one client by its Chinese name: it is the consignor or consignee of
    about one in twenty shipments; the other tenant's parties of the same name are not counted."""
    from django.db.models import Q

    from cpass.parties.models import Party
    from cpass.shipments.models import Shipment

    party = Party.objects.unscoped().get(enterprise_id=actor.enterprise_id, name_local__startswith="宁波海曙07")
    expected = (
        Shipment.objects.unscoped()
        .filter(Q(consignor=party) | Q(consignee=party) | Q(notify_party=party), enterprise_id=actor.enterprise_id)
        .count()
    )
    return _list_api(client, actor, name="shipments list API p95, party search", expected=expected, q=party.name_local)


def _detail_page(client: Any, actor: Any, ids: list[int]) -> Figure:
    from cpass.shipments import selectors

    rng = random.Random(4)
    sample = rng.sample(ids, min(SAMPLES, len(ids)))

    def ours(pk: int) -> Any:
        response = client.get(f"/shipments/{pk}/")
        assert response.status_code == 200, response.status_code
        return response

    page = ours(sample[0]).content.decode()
    assert "Goods (2)" in page, "the detail page did not read the goods lines"
    detail = functools.partial(selectors.shipment_detail, actor=actor)
    floors = {pk: _statements(functools.partial(detail, shipment_id=pk)) for pk in sample}
    for pk in sample[:WARMUP]:
        ours(pk)
        _raw(floors[pk])
    ours_ms: list[float] = []
    floor_ms: list[float] = []
    for pk in sample:
        ours_ms += time_calls(functools.partial(ours, pk), repeat=1)
        floor_ms += time_calls(functools.partial(_raw, floors[pk]), repeat=1)
    queries = _request_queries(lambda: ours(sample[0]))
    return _figure(
        "shipment detail page p95",
        ours_ms,
        floor_ms,
        f"{len(sample)} different shipments of {SHIPMENTS}; {queries} queries per request "
        f"({len(floors[sample[0]])} of them the detail's own)",
    )


def _list_page(client: Any, actor: Any) -> Figure:
    from cpass.shipments import selectors

    def ours() -> Any:
        response = client.get("/shipments/")
        assert response.status_code == 200, response.status_code
        return response

    shipments = selectors.shipment_list(actor=actor)
    sql = _statements(lambda: shipments.count()) + _statements(lambda: list(shipments[:25]))
    for _ in range(WARMUP):
        ours()
    ours_ms = time_calls(ours, repeat=SAMPLES // 3)
    floor_ms = time_calls(lambda: _raw(sql), repeat=SAMPLES // 3)
    return _figure(
        "shipments list page p95, 25 rows",
        ours_ms,
        floor_ms,
        f"{_request_queries(ours)} queries per request; the floor is the count and the page of 25",
    )


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
        return [
            _list_api(client, actor, name="shipments list API p95, limit=50", expected=SHIPMENTS),
            _search_api(client, actor),
            _detail_page(client, actor, ids),
            _list_page(client, actor),
        ]


if __name__ == "__main__":
    figures = run()
    print_figures("shipments", figures)
    for figure in figures:
        print(f"  {figure.name}: {figure.notes}")
