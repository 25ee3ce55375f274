"""/api/v1/customs: the duty and tax calculation (declarations will follow).

`POST /calculations` is stateless: it answers "what would this cost" for items on a date, with the
trace of every figure, and stores nothing (an Idempotency-Key is honoured like on every POST).
Any signed-in verified person (a token needs reference:read).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from cpass.core.api import request_actor
from cpass.core.idempotency import idempotent
from cpass.customs import selectors
from cpass.customs.duty import Charge, ChargeMode, DeclarationResult
from cpass.customs.schemas import CustomsCalculationIn, CustomsCalculationOut, CustomsChargeIn

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
            price=item.price,
            currency=item.currency,
            quantity_1=item.quantity_1,
            quantity_2=item.quantity_2,
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
