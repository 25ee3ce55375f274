"""Reads of shipments: always through Shipment.objects.for_actor, so a broker sees only its clients' grants."""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cpass.core.actor import Actor
from cpass.core.api import apply_ordering
from cpass.core.errors import NotFound, PermissionDenied, ValidationFailed
from cpass.customs.models import Declaration
from cpass.documents.models import Document
from cpass.organizations.models import Enterprise
from cpass.parties.models import Party
from cpass.products.models import Product
from cpass.shipments.choices import Direction, ShipmentStatus
from cpass.shipments.models import Container, ContainerLoad, GoodsLine, Milestone, SavedView, Shipment

QUERY_MAX_LENGTH = 100
#: Each word of a search is matched on its own (against the shipment, its parties, goods and declarations).
QUERY_MAX_WORDS = 10
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: A word that reads as the start of an HS code: 2 to 10 digits, dots allowed (8413, 8413.60).
_HS_PREFIX = re.compile(r"[0-9]{2,10}")
#: A UN/LOCODE as the list filters take it (5 characters, no space).
LOCODE = re.compile(r"[A-Z]{2}[A-Z2-9]{3}")

#: Fields a list may be ordered by (`?ordering=-eta,job_number`).
SHIPMENT_ORDERING = ("created_at", "updated_at", "job_number", "status", "etd", "eta", "enterprise__name")


def shipment_list(
    *,
    actor: Actor,
    direction: str | None = None,
    status: str | None = None,
    port: str | None = None,
    eta_from: dt.datetime | None = None,
    eta_to: dt.datetime | None = None,
    party_id: int | None = None,
    q: str | None = None,
    enterprise_id: int | None = None,
    handling_partner_id: int | None = None,
    ordering: str | None = None,
) -> QuerySet[Shipment]:
    """Every shipment the actor may read (its own and its clients' granted ones), filtered.

    `port` matches the port of loading or discharge; `party_id` the consignor, consignee or notify
    party; `handling_partner_id` the enterprise that handles the job; `q` is read by `_search` (every word
    must match somewhere).
    """
    shipments = Shipment.objects.for_actor(actor, "read").select_related(
        "enterprise", "handling_partner", "consignor", "consignee", "notify_party"
    )
    if enterprise_id is not None:
        shipments = shipments.filter(enterprise_id=enterprise_id)
    if handling_partner_id is not None:
        shipments = shipments.filter(handling_partner_id=handling_partner_id)
    if direction:
        if direction not in Direction.values:
            raise ValidationFailed.on("direction", _("Choose import or export."))
        shipments = shipments.filter(direction=direction)
    if status:
        if status not in ShipmentStatus.values:
            raise ValidationFailed.on("status", _("“%(status)s” is not a shipment status.") % {"status": status[:20]})
        shipments = shipments.filter(status=status)
    if port:
        code = port.replace(" ", "").upper()
        if not LOCODE.fullmatch(code):
            raise ValidationFailed.on("port", _("Give the port as its 5-character UN/LOCODE, e.g. CNSHA."))
        shipments = shipments.filter(Q(port_of_loading=code) | Q(port_of_discharge=code))
    if eta_from is not None and eta_to is not None and eta_from > eta_to:
        raise ValidationFailed.on("eta_to", _("The end of the ETA range is before its start."))
    if eta_from is not None:
        shipments = shipments.filter(eta__gte=eta_from)
    if eta_to is not None:
        shipments = shipments.filter(eta__lte=eta_to)
    if party_id is not None:
        shipments = shipments.filter(Q(consignor_id=party_id) | Q(consignee_id=party_id) | Q(notify_party_id=party_id))
    text = (q or "").strip()
    if text:
        if len(text) > QUERY_MAX_LENGTH:
            raise ValidationFailed.on("q", _("Search for at most %(max)d characters.") % {"max": QUERY_MAX_LENGTH})
        if _CONTROL.search(text):
            raise ValidationFailed.on("q", _("The search may not contain control characters."))
        words = list(dict.fromkeys(text.split()))
        if len(words) > QUERY_MAX_WORDS:
            raise ValidationFailed.on("q", _("Search for at most %(max)d words.") % {"max": QUERY_MAX_WORDS})
        shipments = shipments.filter(_search(actor, text, words))
    return apply_ordering(shipments, ordering, SHIPMENT_ORDERING, "-created_at")


def _search(actor: Actor, text: str, words: list[str]) -> Q:
    """Shipments in which every word appears somewhere (case-insensitive, in any order), or whose identifiers
    hold the whole text (a vessel name, "IMO 9074729", a container number written with spaces).

    Children are matched as `pk IN (subquery)`, not as correlated EXISTS: inside an OR, PostgreSQL costs an
    EXISTS as run once per shipment row, and at 100,000 rows that estimate sets off JIT compilation (over a
    second); the IN list is costed as what it is, one pass and a hash. The shipment's own numbers are such a
    subquery too, and each subquery's text matches are all on indexed columns, so that on PostgreSQL it reads
    the trigram indexes (decision 0006) instead of every row. The subqueries only narrow the shipments already
    scoped to the actor, and each child is scoped in its own module too (goods and containers: shipments;
    declarations: customs; products: products), so a search cannot probe what the actor's pages would not show.
    Parties are the exception, see `_word_matches`.
    """
    every_word = reduce(operator.and_, (_word_matches(actor, word) for word in words))
    return every_word if len(words) == 1 else every_word | _identifier_matches(actor, text)


def _identifier_matches(actor: Actor, text: str) -> Q:
    """The shipment's own numbers and names: references, bills, vessel, IMO and container numbers."""
    compact = re.sub(r"[\s-]", "", text).upper()
    numbers = Shipment.objects.for_actor(actor, "read").filter(
        Q(job_number__icontains=text)
        | Q(customer_reference__icontains=text)
        | Q(contract_number__icontains=text)
        | Q(house_bill__icontains=text)
        | Q(master_bill__icontains=text)
        | Q(vessel_name__icontains=text)
    )
    found = Q(pk__in=numbers.values("pk"))
    imo = compact.removeprefix("IMO")
    if re.fullmatch(r"[0-9]{7}", imo):
        found |= Q(imo_number=imo)  # on the row itself: an unindexed column in `numbers` would scan them all
    if compact:
        containers = Container.objects.for_actor(actor, "read").filter(number__contains=compact)
        found |= Q(pk__in=containers.values("shipment_id"))
    return found


def _word_matches(actor: Actor, word: str) -> Q:
    """One word against the parties' local and English names, the goods lines (description, HS code prefix,
    product), the declarations (customs entry number, our reference) and the identifiers."""
    # The parties are shown on the shipment itself (a partner reads them there without a parties grant): those
    # of that name only narrow the shipments already scoped to the actor.
    named = Party.objects.unscoped().filter(Q(name_local__icontains=word) | Q(name_en__icontains=word))
    parties = Q(consignor__in=named) | Q(consignee__in=named) | Q(notify_party__in=named)
    products = Product.objects.for_actor(actor, "read").filter(
        Q(sku__icontains=word) | Q(name_en__icontains=word) | Q(name_zh__icontains=word)
    )
    in_goods = Q(description__icontains=word)
    hs_prefix = word.replace(".", "")
    if _HS_PREFIX.fullmatch(hs_prefix):
        in_goods |= Q(hs_code__startswith=hs_prefix)
    goods = GoodsLine.objects.for_actor(actor, "read")
    declarations = Declaration.objects.for_actor(actor, "read").filter(
        Q(entry_number__icontains=word) | Q(reference__icontains=word)
    )
    # Products are a subquery of their own (in one OR with the description the index could not be used), and
    # the parties come first: PostgreSQL tries the parts in order and builds each one's hash when first needed,
    # so when a name matches most rows are settled by a few party ids before the rest is read.
    return (
        parties
        | Q(pk__in=goods.filter(in_goods).values("shipment_id"))
        | Q(pk__in=goods.filter(product__in=products).values("shipment_id"))
        | Q(pk__in=declarations.values("shipment_id"))
        | _identifier_matches(actor, word)
    )


def shipment_get(*, actor: Actor, shipment_id: int, action: str = "read") -> Shipment:
    """One shipment with its parties, or NotFound when the actor cannot see it (another tenant's looks absent).

    Asking to change a shipment one can only read is PermissionDenied: its existence is no secret then.
    """
    shipment = (
        Shipment.objects.for_actor(actor, action)
        .select_related("enterprise", "handling_partner", "consignor", "consignee", "notify_party", "created_by")
        .filter(pk=shipment_id)
        .first()
    )
    if shipment is not None:
        return shipment
    if action != "read" and Shipment.objects.for_actor(actor, "read").filter(pk=shipment_id).exists():
        raise PermissionDenied(_("You may read this shipment but not change it."))
    raise NotFound(_("No such shipment, or you have no access to it."))


def goods_lines(*, actor: Actor, shipment: Shipment) -> QuerySet[GoodsLine]:
    return (
        GoodsLine.objects.for_actor(actor, "read")
        .filter(shipment=shipment)
        .select_related("product")
        .order_by("line_number")
    )


def goods_line_get(*, actor: Actor, shipment_id: int, line_id: int, action: str = "read") -> GoodsLine:
    shipment = shipment_get(actor=actor, shipment_id=shipment_id, action=action)
    line = GoodsLine.objects.for_actor(actor, action).select_related("product").filter(shipment=shipment, pk=line_id)
    found = line.first()
    if found is None:
        raise NotFound(_("No such goods line on this shipment."))
    found.shipment = shipment
    return found


def containers(*, actor: Actor, shipment: Shipment) -> QuerySet[Container]:
    loads = ContainerLoad.objects.for_actor(actor, "read").select_related("goods_line")
    return (
        Container.objects.for_actor(actor, "read")
        .filter(shipment=shipment)
        .prefetch_related(Prefetch("loads", queryset=loads))
        .order_by("number")
    )


def container_get(*, actor: Actor, shipment_id: int, container_id: int, action: str = "read") -> Container:
    shipment = shipment_get(actor=actor, shipment_id=shipment_id, action=action)
    loads = ContainerLoad.objects.for_actor(actor, "read").select_related("goods_line")
    found = (
        Container.objects.for_actor(actor, action)
        .filter(shipment=shipment, pk=container_id)
        .prefetch_related(Prefetch("loads", queryset=loads))
        .first()
    )
    if found is None:
        raise NotFound(_("No such container on this shipment."))
    found.shipment = shipment
    return found


def milestones(*, actor: Actor, shipment: Shipment) -> QuerySet[Milestone]:
    """The timeline, newest first."""
    return (
        Milestone.objects.for_actor(actor, "read")
        .filter(shipment=shipment)
        .select_related("recorded_by")
        .order_by("-occurred_at", "-pk")
    )


@dataclass(frozen=True)
class ShipmentDetail:
    """A shipment with its goods lines, containers (with what is in them) and timeline, read together."""

    shipment: Shipment
    goods: list[GoodsLine]
    containers: list[Container]
    milestones: list[Milestone]


def shipment_detail(*, actor: Actor, shipment_id: int) -> ShipmentDetail:
    """The shipment and its children, in a fixed number of queries whatever their counts."""
    shipment = shipment_get(actor=actor, shipment_id=shipment_id)
    return ShipmentDetail(
        shipment=shipment,
        goods=list(goods_lines(actor=actor, shipment=shipment)),
        containers=list(containers(actor=actor, shipment=shipment)),
        milestones=list(milestones(actor=actor, shipment=shipment)),
    )


def readable_enterprises(*, actor: Actor) -> QuerySet[Enterprise]:
    """Enterprises whose shipments the actor sees: for the list's owner filter."""
    return Enterprise.objects.filter(pk__in=actor.enterprise_ids_for("shipments", "read")).order_by("name")


def handling_partners(*, enterprise_ids: Sequence[int], current: Enterprise | None = None) -> list[Enterprise]:
    """The enterprises that may handle shipments of the owners `enterprise_ids`: those granted their shipments
    (read or write, not revoked), by name; with `current`, a shipment's partner, even after its grant ended."""
    partners = list(
        Enterprise.objects.filter(
            grants_received__grantor_id__in=list(enterprise_ids),
            grants_received__module="shipments",
            grants_received__revoked_at__isnull=True,
        )
        .distinct()
        .order_by("name")
    )
    if current is not None and current not in partners:
        partners.append(current)
    return partners


def handling_partner_ids(*, enterprise_ids: Sequence[int]) -> set[int]:
    return {partner.pk for partner in handling_partners(enterprise_ids=enterprise_ids)}


def writable_enterprises(*, actor: Actor) -> QuerySet[Enterprise]:
    """Enterprises the actor may open shipments for: its own (operator and up) and write grants."""
    return Enterprise.objects.filter(pk__in=actor.enterprise_ids_for("shipments", "write")).order_by("name")


def saved_views(*, actor: Actor) -> QuerySet[SavedView]:
    """The actor's own saved views in its active enterprise: personal, so scoped to the user as well."""
    return SavedView.objects.for_actor(actor, "read").filter(enterprise_id=actor.enterprise_id, user_id=actor.user.pk)


def saved_view_get(*, actor: Actor, view_id: int) -> SavedView:
    """One of the actor's saved views; another person's (or enterprise's) is NotFound."""
    view = saved_views(actor=actor).filter(pk=view_id).first()
    if view is None:
        raise NotFound(_("No such saved view."))
    return view


def shipment_documents(*, actor: Actor, shipment: Shipment) -> QuerySet[Document]:
    """The documents attached to the shipment that the actor may read (a partner without a documents grant sees
    none of them: the file's grants decide, not the shipment's)."""
    return (
        Document.objects.for_actor(actor, "read")
        .filter(shipment_links__shipment=shipment)
        .select_related("uploaded_by")
        .order_by("-created_at")
    )


def attachable_documents(*, actor: Actor, shipment: Shipment, limit: int = 200) -> list[Document]:
    """The newest documents of the shipment's enterprise the actor may read and that are not attached yet."""
    return list(
        Document.objects.for_actor(actor, "read")
        .filter(enterprise_id=shipment.enterprise_id)
        .exclude(shipment_links__shipment=shipment)
        .order_by("-created_at")[:limit]
    )
