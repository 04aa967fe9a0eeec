"""A sale at the till over HTTP."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi.responses import Response

from custledger.auth.dependencies import OrdersWrite, PaymentsWrite
from custledger.kit import clock
from custledger.kit.db import Session
from custledger.kit.errors import with_examples
from custledger.kit.idempotency import Idempotent
from custledger.kit.routes import api_router
from custledger.orders.credit import REFUSAL_EXAMPLES
from custledger.orders.service import EXTERNAL_REF_TAKEN_EXAMPLE
from custledger.payments import cheques
from custledger.payments.dependencies import DATE_REFUSALS, ReceivedDatesAllowed, refusals
from custledger.sales import service
from custledger.sales.schemas import SaleCreate, SaleOut

router = api_router(tags=["orders"])

AMOUNTS_EXAMPLE = {
    "type": "validation-error",
    "title": "Invalid request",
    "detail": "The payments (100.00) plus on_credit (0.00) must equal the total (150.00).",
    "errors": [
        {
            "field": "total",
            "location": "body",
            "message": "payments 100.00 + on_credit 0.00 != total 150.00",
        }
    ],
}


def sale_dates(sale: SaleCreate) -> list[tuple[str, date]]:
    """The received dates a sale sets: every payment taken at the counter is received today."""
    today = clock.today()
    return [(f"payments.{i}.received_on", today) for i in range(len(sale.payments))]


@router.post(
    "/sales",
    status_code=201,
    response_model=SaleOut,
    operation_id="sales-create",
    responses=with_examples(
        with_examples(
            refusals(DATE_REFUSALS, statuses=[403, 404, 409]),
            409,
            *REFUSAL_EXAMPLES,
            cheques.DUPLICATE_EXAMPLE,
            EXTERNAL_REF_TAKEN_EXAMPLE,
        ),
        422,
        AMOUNTS_EXAMPLE,
    ),
)
async def create_sale(
    session: Session,
    principal: OrdersWrite,
    _payments: PaymentsWrite,
    idem: Idempotent,
    body: Annotated[SaleCreate, ReceivedDatesAllowed(SaleCreate, sale_dates)],
) -> Response:
    """One sale at the till in one transaction: the order, what is delivered now and the
    payments taken at the counter (received today), all or nothing. Needs `orders:write` and
    `payments:write` (a POS terminal has both). Send an `Idempotency-Key`.

    The payments plus `on_credit` must equal `total` (422 naming `total`). `on_credit` above
    zero makes a credit sale, refused with a 409 whose `type` says why (`customer-inactive`,
    `customer-blocked`, `no-credit`, `credit-limit-exceeded`), carrying `available_credit`;
    the quick-sale customer (used when `customer_id` is omitted) buys for cash only
    (`no-credit`). A cheque already recorded is `cheque-duplicate` (naming its payment and
    customer); the same cheque twice in one sale is a 422. An `external_ref` this principal
    already sent is `external-ref-taken`. Answers with the order, the deliveries and payments
    made, and the customer's balance and available credit after the sale; `Location` is the
    order's.
    """
    sale = await service.create_sale(session, principal, body)
    return await idem.respond(
        sale,
        status_code=201,
        headers={"Location": f"/api/v1/orders/{sale.order.id}"},
        customer_id=sale.customer.id,
    )
