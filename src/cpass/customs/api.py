"""/api/v1/customs: the duty and tax calculation and the declarations (报关单) with their items, accompanying
documents, validation report, duty figures, workflow steps and timeline.

`POST /calculations` is stateless: it answers "what would this cost" for items on a date, with the
trace of every figure, and stores nothing (an Idempotency-Key is honoured like on every POST).
Any signed-in verified person (a token needs reference:read).

`/declarations` needs the customs module (a token's customs:read / customs:write scope); a broker works on a
client's declarations through the client's customs partner grant.
"""

from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from django.utils import translation
from ninja import Router, Status
from ninja.pagination import paginate

from cpass.core.actor import Actor
from cpass.core.api import Pagination, request_actor, scoped_actor
from cpass.core.idempotency import idempotent
from cpass.customs import selectors, services
from cpass.customs.duty import Charge, ChargeMode, DeclarationResult
from cpass.customs.models import Declaration, DeclarationDocument, DeclarationEvent, DeclarationItem, RevisionRequest
from cpass.customs.rules import validate_declaration
from cpass.customs.schemas import (
    CustomsCalculationIn,
    CustomsCalculationOut,
    CustomsChargeIn,
    DeclarationCreateIn,
    DeclarationDocumentCreateIn,
    DeclarationDocumentOut,
    DeclarationEventOut,
    DeclarationItemCreateIn,
    DeclarationItemOut,
    DeclarationItemUpdateIn,
    DeclarationListOut,
    DeclarationOrdering,
    DeclarationOut,
    DeclarationStatusValue,
    DeclarationTransitionIn,
    DeclarationUpdateIn,
    DeclarationValidationOut,
    RevisionRequestCreateIn,
    RevisionRequestOut,
)
from cpass.shipments.models import Container
from cpass.shipments.schemas import DirectionValue

router = Router()


def charge(data: CustomsChargeIn | None) -> Charge | None:
    if data is None:
        return None
    return Charge(ChargeMode(data.mode), data.value, data.currency.strip().upper(), data.unit)


@router.post("/calculations", response=CustomsCalculationOut, summary="What would this cost: duty and taxes")
@idempotent
def calculation_create(request: HttpRequest, payload: CustomsCalculationIn) -> DeclarationResult:
    """Duty, consumption tax and import VAT (or export duty) per item and per declaration, each figure with
    its formula, the numbers put in, the rate and why it applies, rounding and legal basis. Errors name the
    field: `items[2].currency` when no customs exchange rate exists for it on the date."""
    items = [
        selectors.ItemRequest(
            code=item.code,
            ciq_code=item.ciq_code,
            origin=item.origin,
            proof_of_origin=item.proof_of_origin,
            price=item.price,
            currency=item.currency,
            quantity_1=item.quantity_1,
            quantity_2=item.quantity_2,
            trade_quantity=item.trade_quantity,
            trade_unit=item.trade_unit,
            freight=charge(item.freight),
            insurance=charge(item.insurance),
            other=charge(item.other),
            description=item.description,
        )
        for item in payload.items
    ]
    return selectors.calculate(
        actor=request_actor(request),
        jurisdiction=payload.jurisdiction,
        on=payload.date,
        items=items,
        direction=payload.direction,
        terms=payload.terms,
        freight=charge(payload.freight),
        insurance=charge(payload.insurance),
        other=charge(payload.other),
    )


# -- declarations (报关单) ------------------------------------------------------------------------------


def _scoped(request: HttpRequest, action: str) -> Actor:
    return scoped_actor(request, "customs", action)


def _with_links(declarations: QuerySet[Declaration]) -> QuerySet[Declaration]:
    """Everything DeclarationListOut shows, in one query for the page however many rows."""
    return declarations.select_related("enterprise", "shipment", "domestic_trader", "overseas_trader")


#: The declaration's containers: its shipment's, which the actor already reads through the declaration.
_CONTAINERS = Prefetch("containers", queryset=Container.objects.unscoped().only("pk", "number").order_by("number"))


def _declaration(actor: Actor, declaration_id: int, action: str = "read") -> Declaration:
    """One declaration with everything DeclarationOut shows."""
    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id, action=action)
    prefetch_related_objects([declaration], _CONTAINERS)
    return declaration


@router.get("/declarations", response=list[DeclarationListOut], summary="Declarations I can read: ours and clients'")
@paginate(Pagination)
def declaration_list(
    request: HttpRequest,
    status: DeclarationStatusValue | None = None,
    direction: DirectionValue | None = None,
    shipment_id: int | None = None,
    q: str | None = None,
    ordering: DeclarationOrdering | None = None,
) -> QuerySet[Declaration]:
    """`status` e.g. returned; `q` searches the reference, the customs entry number, the bill number and the
    shipment's job number; `ordering` e.g. -declaration_date (created_at, updated_at, reference, status,
    entry_number, declaration_date)."""
    return _with_links(
        selectors.declaration_list(
            actor=_scoped(request, "read"),
            status=status,
            direction=direction,
            shipment_id=shipment_id,
            q=q,
            ordering=ordering,
        )
    )


@router.post(
    "/declarations", response={201: DeclarationOut}, summary="Prepare the declaration(s) of a shipment (draft)"
)
@idempotent
def declaration_create(request: HttpRequest, payload: DeclarationCreateIn) -> Status[Declaration]:
    """The header is taken from the shipment (offices, parties, transport, ports, packages, terms), then from the
    fields sent; one item per goods line. A shipment of more than 50 goods lines gets several declarations
    (`split_from_id` on the later ones); the first is answered. Needs customs:write and shipments:read."""
    actor = _scoped(request, "write")
    data = payload.dict(exclude_unset=True)
    shipment_id = data.pop("shipment_id")
    declaration = services.declaration_create(actor=actor, shipment_id=shipment_id, **data)
    return Status(201, _declaration(actor, declaration.pk))


@router.get("/declarations/{int:declaration_id}", response=DeclarationOut)
def declaration_get(request: HttpRequest, declaration_id: int) -> Declaration:
    return _declaration(_scoped(request, "read"), declaration_id)


@router.patch("/declarations/{int:declaration_id}", response=DeclarationOut, summary="Change header fields of a draft")
def declaration_update(request: HttpRequest, declaration_id: int, payload: DeclarationUpdateIn) -> Declaration:
    actor = _scoped(request, "write")
    services.declaration_update(actor=actor, declaration_id=declaration_id, **payload.dict(exclude_unset=True))
    return _declaration(actor, declaration_id)


@router.delete(
    "/declarations/{int:declaration_id}", response={204: None}, summary="Delete a draft that was never submitted"
)
def declaration_delete(request: HttpRequest, declaration_id: int) -> Status[None]:
    actor = _scoped(request, "write")
    services.declaration_delete(actor=actor, declaration_id=declaration_id)
    return Status(204, None)


@router.post(
    "/declarations/{int:declaration_id}/transitions",
    response=DeclarationOut,
    summary="Take a workflow step: validate, submit, pay, close, amend, cancel…",
)
@idempotent
def declaration_transition(request: HttpRequest, declaration_id: int, payload: DeclarationTransitionIn) -> Declaration:
    """`next_transitions` on the declaration lists the steps the caller may take now. Validating and submitting
    refuse a declaration whose validation report has errors (422, each finding on its field); submitting sends
    it to the customs gateway once the change is saved. Customs' own steps come with its receipts."""
    actor = _scoped(request, "write")
    services.declaration_transition(
        actor=actor, declaration_id=declaration_id, transition=payload.transition, reason=payload.reason
    )
    return _declaration(actor, declaration_id)


@router.get(
    "/declarations/{int:declaration_id}/events",
    response=list[DeclarationEventOut],
    summary="The declaration's timeline, newest first: people's steps and customs' receipts",
)
@paginate(Pagination)
def declaration_events(request: HttpRequest, declaration_id: int) -> QuerySet[DeclarationEvent]:
    actor = _scoped(request, "read")
    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id)
    return selectors.declaration_events(actor=actor, declaration=declaration)


@router.post(
    "/declarations/{int:declaration_id}/revision-requests",
    response={201: RevisionRequestOut},
    summary="Apply to customs to amend or withdraw an accepted declaration (修撤单)",
)
@idempotent
def revision_request_create(
    request: HttpRequest, declaration_id: int, payload: RevisionRequestCreateIn
) -> Status[RevisionRequest]:
    """For a declaration customs has accepted (and not closed): an amendment by a declarant, a withdrawal by a
    manager, with a reason of GACC Order No. 220 and an account of it. It is sent through the declaration's
    gateway; customs' decision comes with a receipt (approved amendment: back to draft with its entry number;
    approved withdrawal: cancelled; refused: the status stays). 409 while another request waits for customs."""
    created = services.revision_request_create(
        actor=_scoped(request, "write"),
        declaration_id=declaration_id,
        kind=payload.kind,
        reason_code=payload.reason_code,
        reason=payload.reason,
    )
    return Status(201, created)


@router.get(
    "/declarations/{int:declaration_id}/revision-requests",
    response=list[RevisionRequestOut],
    summary="The declaration's amendment and withdrawal requests, newest first",
)
@paginate(Pagination)
def revision_request_list(request: HttpRequest, declaration_id: int) -> QuerySet[RevisionRequest]:
    actor = _scoped(request, "read")
    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id)
    return selectors.revision_requests(actor=actor, declaration=declaration)


@router.get(
    "/declarations/{int:declaration_id}/revision-requests/{int:request_id}",
    response=RevisionRequestOut,
    summary="One amendment or withdrawal request with customs' reply",
)
def revision_request_get(request: HttpRequest, declaration_id: int, request_id: int) -> RevisionRequest:
    return selectors.revision_request_get(
        actor=_scoped(request, "read"), declaration_id=declaration_id, request_id=request_id
    )


@router.get(
    "/declarations/{int:declaration_id}/validation",
    response=DeclarationValidationOut,
    summary="Check the declaration against the customs rules",
)
def declaration_validation(request: HttpRequest, declaration_id: int) -> dict[str, Any]:
    """Every finding with its stable rule code, severity, the field it points at (`items[3].hs_code` for item
    3) and a message in the request's language. A declaration with errors cannot be validated or submitted."""
    declaration = selectors.declaration_get(actor=_scoped(request, "read"), declaration_id=declaration_id)
    report = validate_declaration(declaration)
    return {
        "has_errors": report.has_errors,
        "error_count": len(report.errors),
        "warning_count": len(report.warnings),
        "findings": report.to_json(translation.get_language()),
    }


@router.get(
    "/declarations/{int:declaration_id}/calculation",
    response=CustomsCalculationOut,
    summary="The declaration's duties and taxes, every figure with its trace",
)
def declaration_calculation(request: HttpRequest, declaration_id: int) -> DeclarationResult:
    """The shape of POST /calculations, on the declaration's date, terms and charges; `items[i].index` is the
    position (0 for item 1). A missing input is a 422 naming the item's field, e.g. `items[2].currency`."""
    return selectors.declaration_calculation(actor=_scoped(request, "read"), declaration_id=declaration_id)


# -- items --------------------------------------------------------------------------------------------


@router.get("/declarations/{int:declaration_id}/items", response=list[DeclarationItemOut])
@paginate(Pagination)
def item_list(request: HttpRequest, declaration_id: int) -> QuerySet[DeclarationItem]:
    actor = _scoped(request, "read")
    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id)
    return selectors.declaration_items(actor=actor, declaration=declaration)


@router.post(
    "/declarations/{int:declaration_id}/items",
    response={201: DeclarationItemOut},
    summary="Add an item at the end (at most 50)",
)
@idempotent
def item_create(request: HttpRequest, declaration_id: int, payload: DeclarationItemCreateIn) -> Status[DeclarationItem]:
    """The legal units follow the commodity code when not given; the declaration elements are checked against
    the heading's template and joined into the specification."""
    actor = _scoped(request, "write")
    item = services.item_create(actor=actor, declaration_id=declaration_id, **payload.dict(exclude_unset=True))
    return Status(201, item)


@router.get("/declarations/{int:declaration_id}/items/{int:item_id}", response=DeclarationItemOut)
def item_get(request: HttpRequest, declaration_id: int, item_id: int) -> DeclarationItem:
    return selectors.item_get(actor=_scoped(request, "read"), declaration_id=declaration_id, item_id=item_id)


@router.patch("/declarations/{int:declaration_id}/items/{int:item_id}", response=DeclarationItemOut)
def item_update(
    request: HttpRequest, declaration_id: int, item_id: int, payload: DeclarationItemUpdateIn
) -> DeclarationItem:
    actor = _scoped(request, "write")
    return services.item_update(
        actor=actor, declaration_id=declaration_id, item_id=item_id, **payload.dict(exclude_unset=True)
    )


@router.delete(
    "/declarations/{int:declaration_id}/items/{int:item_id}",
    response={204: None},
    summary="Remove an item; the later ones move up",
)
def item_delete(request: HttpRequest, declaration_id: int, item_id: int) -> Status[None]:
    actor = _scoped(request, "write")
    services.item_delete(actor=actor, declaration_id=declaration_id, item_id=item_id)
    return Status(204, None)


# -- accompanying documents ---------------------------------------------------------------------------


@router.get("/declarations/{int:declaration_id}/documents", response=list[DeclarationDocumentOut])
@paginate(Pagination)
def document_list(request: HttpRequest, declaration_id: int) -> QuerySet[DeclarationDocument]:
    actor = _scoped(request, "read")
    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id)
    return selectors.declaration_documents(actor=actor, declaration=declaration)


@router.post(
    "/declarations/{int:declaration_id}/documents",
    response={201: DeclarationDocumentOut},
    summary="List an accompanying document (随附单证)",
)
@idempotent
def document_add(
    request: HttpRequest, declaration_id: int, payload: DeclarationDocumentCreateIn
) -> Status[DeclarationDocument]:
    actor = _scoped(request, "write")
    document = services.document_add(
        actor=actor, declaration_id=declaration_id, code=payload.code, number=payload.number
    )
    return Status(201, document)


@router.delete("/declarations/{int:declaration_id}/documents/{int:document_id}", response={204: None})
def document_remove(request: HttpRequest, declaration_id: int, document_id: int) -> Status[None]:
    actor = _scoped(request, "write")
    services.document_remove(actor=actor, declaration_id=declaration_id, document_id=document_id)
    return Status(204, None)
