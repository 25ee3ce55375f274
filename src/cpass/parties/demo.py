"""Demo parties of the demo trading company and the fictional "C-pass demo list".

Idempotent: the list is reloaded by its importer (an upsert) and a party is created only when the
enterprise has no party of that name yet. One party, Red Falcon General Trading FZE, resembles a
listed entry on purpose, so the screening review queue has an open item.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cpass.core.actor import Actor
from cpass.imports.framework import run_import
from cpass.parties.importers import RestrictedPartyImporter
from cpass.parties.models import Party
from cpass.parties.services import party_create

DEMO_LIST = "C-pass demo list"
_LIST_FILE = Path(__file__).resolve().parent / "fixtures" / "demo-restricted-list.csv"

DEMO_PARTIES: list[dict[str, Any]] = [
    {
        "roles": ["overseas_supplier", "consignor", "manufacturer"],
        "name_local": "Hamburg Maschinenbau GmbH",
        "name_en": "Hamburg Maschinenbau GmbH",
        "country": "DEU",
        "address_local": "Am Sandtorkai 50, 20457 Hamburg",
        "address_en": "Am Sandtorkai 50, 20457 Hamburg, Germany",
        "city": "Hamburg",
        "postcode": "20457",
        "contact_name": "Jonas Becker",
        "contact_phone": "+49 40 3290 1180",
        "contact_email": "export@hamburg-maschinenbau.demo",
        "vat_number": "DE136695976",
        "eori": "DE4763214",
    },
    {
        "roles": ["overseas_buyer", "consignee"],
        "name_local": "Great Lakes Industrial Supply Inc.",
        "country": "USA",
        "address_local": "400 W Lake St, Chicago, IL 60606",
        "city": "Chicago",
        "postcode": "60606",
        "contact_name": "Emily Carter",
        "contact_phone": "+1 312 555 0142",
        "contact_email": "purchasing@greatlakes-supply.demo",
    },
    {
        "roles": ["carrier"],
        "name_local": "A.P. Møller - Mærsk A/S",
        "name_en": "Maersk A/S",
        "country": "DNK",
        "address_local": "Esplanaden 50, 1263 København K",
        "city": "København",
        "postcode": "1263",
        "contact_phone": "+45 3363 3363",
        "vat_number": "DK22756214",
        "scac": "MAEU",
    },
    {
        "roles": ["customs_broker", "freight_forwarder"],
        "name_local": "上海恒通国际物流有限公司",
        "name_en": "Shanghai Hengtong International Logistics Co., Ltd.",
        "country": "CHN",
        "address_local": "上海市浦东新区洋山港申港大道 200 号",
        "address_en": "200 Shengang Avenue, Yangshan, Shanghai",
        "city": "上海",
        "postcode": "201306",
        "contact_name": "王芳",
        "contact_phone": "+86 21 5046 8800",
        "uscc": "91310000MA1FL3HTBR",
        "customs_code": "3122260123",
    },
    {
        "roles": ["warehouse"],
        "name_local": "上海外高桥保税物流仓储有限公司",
        "name_en": "Shanghai Waigaoqiao Bonded Logistics Warehousing Co., Ltd.",
        "country": "CHN",
        "address_local": "上海市浦东新区外高桥保税区华京路 8 号",
        "city": "上海",
        "postcode": "200131",
        "uscc": "91310115MA1H7W2K3N",
        "notes": "保税仓库 / bonded warehouse",
    },
    {
        "roles": ["consignor", "manufacturer"],
        "name_local": "宁波华晟机械制造有限公司",
        "name_en": "Ningbo Huasheng Machinery Manufacturing Co., Ltd.",
        "country": "CHN",
        "address_local": "浙江省宁波市北仑区新碶街道 168 号",
        "city": "宁波",
        "postcode": "315800",
        "uscc": "91330200MA2H8Q5R1E",
    },
    {
        "roles": ["notify_party"],
        "name_local": "Red Falcon General Trading FZE",
        "country": "ARE",
        "city": "Dubai",
        "contact_phone": "+971 4 881 2345",
        "notes": "Demo: resembles an entry of the C-pass demo list, so it waits in the screening review queue.",
    },
]


def load_demo_list() -> None:
    """Load (or reload: an upsert) the fictional demo restricted-party list."""
    importer = RestrictedPartyImporter(
        options={
            "list": DEMO_LIST,
            "publisher": "C-pass",
            "source": "Fictional entries for the demo",
            "version": "2026-11-01",
        }
    )
    with _LIST_FILE.open("rb") as stream:
        result = run_import(importer, stream, filename=_LIST_FILE.name)
    if not result.committed:
        raise RuntimeError(f"the demo restricted-party list did not load: {result.issues}")


BROKER_PARTIES: list[dict[str, Any]] = [
    {
        "roles": ["carrier"],
        "name_local": "中远海运集装箱运输有限公司",
        "name_en": "COSCO SHIPPING Lines Co., Ltd.",
        "country": "CHN",
        "city": "上海",
        "scac": "COSU",
    },
    {
        "roles": ["carrier"],
        "name_local": "中国国际货运航空有限公司",
        "name_en": "Air China Cargo Co., Ltd.",
        "country": "CHN",
        "city": "北京",
        "iata_code": "CA",
        "iata_prefix": "999",
    },
]


def _create_missing(actor: Actor, parties: list[dict[str, Any]]) -> None:
    if actor.enterprise_id is None:
        raise RuntimeError("the demo actor has no active enterprise")
    existing = set(
        Party.objects.for_actor(actor, "read")
        .filter(enterprise_id=actor.enterprise_id)
        .values_list("name_local", flat=True)
    )
    for values in parties:
        if values["name_local"] not in existing:
            party_create(actor=actor, **values)


def load_demo(*, trader: Actor, broker: Actor) -> None:
    """The trader's parties and the broker's own carriers, screened as they are created (after the
    demo list is loaded). The broker reaches the trader's parties through its partner grant."""
    load_demo_list()
    _create_missing(trader, DEMO_PARTIES)
    _create_missing(broker, BROKER_PARTIES)
