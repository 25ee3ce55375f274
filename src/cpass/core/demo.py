"""The demo world `make demo` loads: the platform reference data (our own small files: ports, exchange
rates, a China tariff of a few dozen real lines, the HS search index), a Shanghai trading company, its
customs broker / 3PL with partner access, users with every role, documents, parties (one awaiting a
screening decision), products with their classification, shipments in several states, customs declarations
in every workflow state (customs' steps as sandbox receipts) and a pending
invitation.

Everything goes through the services, so the demo also has a real change log. Loading twice
changes nothing: the world is keyed on the trader's unified social credit code.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from cpass.accounts.models import User
from cpass.accounts.services import user_mark_email_verified, user_register
from cpass.classification import services as classification_services
from cpass.core.actor import Actor
from cpass.customs import demo as customs_demo
from cpass.documents.services import document_create
from cpass.fx import demo as fx_demo
from cpass.organizations.models import Enterprise
from cpass.organizations.selectors import actor_for
from cpass.organizations.services import (
    enterprise_create,
    invitation_accept,
    invitation_create,
    partner_grant_create,
)
from cpass.parties import demo as parties_demo
from cpass.places import demo as places_demo
from cpass.privacy.policy import CURRENT_POLICY_VERSION
from cpass.products import demo as products_demo
from cpass.shipments import demo as shipments_demo
from cpass.tariff import demo as tariff_demo

DEMO_PASSWORD = "cpass-demo-2026"
TRADER_USCC = "91310115MA1K4DEMA4"
BROKER_USCC = "91310000MA1FL3HTBR"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    enterprise: str
    role: str


TRADER_PEOPLE = [
    ("li.wei@orient-trading.demo", "李伟 Li Wei", "owner", "zh-hans"),
    ("chen.jing@orient-trading.demo", "陈静 Chen Jing", "admin", "zh-hans"),
    ("anna.schmidt@orient-trading.demo", "Anna Schmidt", "operator", "en"),
    ("zhao.min@orient-trading.demo", "赵敏 Zhao Min", "viewer", "zh-hans"),
]
BROKER_PEOPLE = [
    ("wang.fang@hengtong-logistics.demo", "王芳 Wang Fang", "owner", "zh-hans"),
    ("david.lee@hengtong-logistics.demo", "David Lee", "operator", "en"),
]
STAFF = ("operator@cpass.demo", "Platform Operator")


def _pdf(title: str, lines: list[str]) -> bytes:
    """A small, valid one-page PDF with ASCII text (sample documents for the demo)."""
    text = ["BT /F1 18 Tf 56 780 Td (" + title + ") Tj ET"]
    y = 740
    for line in lines:
        text.append(f"BT /F1 11 Tf 56 {y} Td ({line}) Tj ET")
        y -= 18
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _person(email: str, name: str, language: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = user_register(
            name=name,
            email=email,
            phone="+8613800138000",
            password=DEMO_PASSWORD,
            language=language,
            accepted_policy_version=CURRENT_POLICY_VERSION,
            ip_address="127.0.0.1",
        )
    if not user.is_verified:
        user_mark_email_verified(user=user)
    return user


def _staff() -> User:
    email, name = STAFF
    user = _person(email, name, "en")
    if not user.is_staff:
        User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    return user


def _team(enterprise: Enterprise, owner_actor: Actor, people: list[tuple[str, str, str, str]]) -> None:
    for email, name, role, language in people[1:]:
        user = _person(email, name, language)
        if not enterprise.memberships.filter(user=user).exists():
            _, token = invitation_create(actor=owner_actor, email=email, role=role)
            invitation_accept(user=user, token=token)


@transaction.atomic
def load_demo() -> list[DemoLogin]:
    """Create the demo world if it is not there yet; return the logins to print."""
    _reference_data()
    if not Enterprise.objects.filter(uscc=TRADER_USCC).exists():
        _build()
    logins = [
        DemoLogin(email, name, enterprise, role)
        for enterprise, people in (
            ("Shanghai Orient Trading", TRADER_PEOPLE),
            ("Hengtong Logistics (customs broker)", BROKER_PEOPLE),
        )
        for email, name, role, _ in people
    ]
    _staff()
    logins.append(DemoLogin(STAFF[0], STAFF[1], "platform staff (/operators/, needs two-factor)", "staff"))
    return logins


def _reference_data() -> None:
    """Platform-wide data every enterprise reads; each loader is an idempotent upsert."""
    places_demo.load_demo()
    fx_demo.load_demo()
    tariff_demo.load_demo()
    classification_services.rebuild_search_index()
    classification_services.build_embeddings()


def _build() -> None:
    trader_owner = _person(*TRADER_PEOPLE[0][:2], TRADER_PEOPLE[0][3])
    trader = enterprise_create(
        user=trader_owner,
        name="上海东方进出口贸易有限公司",
        name_en="Shanghai Orient Import & Export Trading Co., Ltd.",
        kind="trader",
        uscc=TRADER_USCC,
        customs_code="3122260123",
        introduction=(
            "Importer of industrial components and exporter of household appliances, based in the "
            "Waigaoqiao Free Trade Zone. 外高桥保税区的工业零部件进口商与家用电器出口商。"
        ),
        address="上海市浦东新区外高桥保税区富特北路 88 号 / 88 Futexi North Road, Pudong, Shanghai 200131",
        phone="+86 21 5046 8800",
    )
    trader_actor = actor_for(user=trader_owner, enterprise_id=trader.pk)
    _team(trader, trader_actor, TRADER_PEOPLE)

    broker_owner = _person(*BROKER_PEOPLE[0][:2], BROKER_PEOPLE[0][3])
    broker = enterprise_create(
        user=broker_owner,
        name="上海恒通国际物流有限公司",
        name_en="Shanghai Hengtong International Logistics Co., Ltd.",
        kind="customs_broker",
        uscc=BROKER_USCC,
        customs_code="3122980456",
        introduction=(
            "Licensed customs broker and freight forwarder at Yangshan and Waigaoqiao ports. "
            "洋山港和外高桥港的报关与货运代理企业。"
        ),
        address="上海市浦东新区洋山港申港大道 200 号 / 200 Shengang Avenue, Yangshan, Shanghai 201306",
        phone="+86 21 6828 1200",
    )
    broker_actor = actor_for(user=broker_owner, enterprise_id=broker.pk)
    _team(broker, broker_actor, BROKER_PEOPLE)

    trader_actor = actor_for(user=trader_owner, enterprise_id=trader.pk)
    for module in ("documents", "parties", "products", "shipments", "customs"):
        partner_grant_create(actor=trader_actor, grantee_uscc=BROKER_USCC, module=module, access="write")
    broker_actor = actor_for(user=broker_owner, enterprise_id=broker.pk)  # now with the trader's grants
    parties_demo.load_demo(trader=trader_actor, broker=broker_actor)
    products_demo.load_demo(trader=trader_actor, broker=broker_actor)
    shipments_demo.load_demo(trader=trader_actor, broker=broker_actor)
    customs_demo.load_demo(trader=trader_actor, broker=broker_actor)

    samples = [
        (
            "Sales contract SC-2026-118 (Hamburg Maschinenbau GmbH)",
            "contract",
            "SC-2026-118.pdf",
            [
                "Seller: Hamburg Maschinenbau GmbH",
                "Buyer: Shanghai Orient Import & Export Trading Co., Ltd.",
                "Goods: hydraulic pumps, HS 8413.60",
                "Terms: CIF Shanghai, Incoterms 2020",
                "Total: EUR 84,600.00",
            ],
        ),
        (
            "Commercial invoice CI-HM-44721",
            "invoice",
            "CI-HM-44721.pdf",
            [
                "Invoice no. CI-HM-44721, 2026-11-10",
                "240 pcs hydraulic gear pump HGP-40, EUR 352.50",
                "Total EUR 84,600.00, CIF Shanghai",
            ],
        ),
        (
            "Packing list PL-HM-44721",
            "packing_list",
            "PL-HM-44721.pdf",
            ["20 pallets, 240 pcs", "Gross weight 6,480 kg, net weight 5,920 kg", "Container MSCU 123456-5 (40HC)"],
        ),
    ]
    for title, category, filename, lines in samples:
        document_create(
            actor=trader_actor,
            enterprise_id=trader.pk,
            title=title,
            category=category,
            file=SimpleUploadedFile(filename, _pdf(title.split(" (")[0], lines), content_type="application/pdf"),
        )
    broker_operator = User.objects.get(email=BROKER_PEOPLE[1][0])
    document_create(
        actor=actor_for(user=broker_operator, enterprise_id=broker.pk),
        enterprise_id=trader.pk,
        title="Bill of lading MEDUSH4471203 (uploaded by the broker)",
        category="bill_of_lading",
        file=SimpleUploadedFile(
            "MEDUSH4471203.pdf",
            _pdf("Bill of lading MEDUSH4471203", ["Hamburg -> Shanghai Yangshan", "Vessel MSC ALINA, voyage 647E"]),
            content_type="application/pdf",
        ),
        description="Original B/L received from the carrier; telex release requested.",
    )
    invitation_create(actor=trader_actor, email="new.colleague@orient-trading.demo", role="operator")
