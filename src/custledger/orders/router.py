"""Orders from POS terminals: creation (with the credit checks), deliveries, cancel, consume,
and the customer's purchase history."""

from __future__ import annotations

from typing import Annotated

from fastapi import Body, Query
from fastapi.responses import Response

from custledger.auth.dependencies import CustomersRead, OrdersWrite
from custledger.kit.db import Session
from custledger.kit.errors import problems, with_examples
from custledger.kit.idempotency import Idempotent
from custledger.kit.pagination import Cursor, Page, limit_query
from custledger.kit.routes import api_router
from custledger.kit.schemas import MAX_ID, Id
from custledger.orders import purchases as purchase_history
from custledger.orders import service
from custledger.orders.credit import REFUSAL_EXAMPLES
from custledger.orders.schemas import (
    EXTERNAL_REF_PATTERN,
    MAX_ORDER_NUMBER,
    DeliveryCreate,
    OrderCreate,
    OrderOut,
    OrderStatus,
    Purchase,
)

router = api_router(tags=["orders"])

PageSize = Annotated[int, limit_query(50, 200)]


def location(order_id: int) -> dict[str, str]:
    return {"Location": f"/api/v1/orders/{order_id}"}


@router.post(
    "/orders",
    status_code=201,
    response_model=OrderOut,
    operation_id="orders-create",
    responses=with_examples(
        problems(403, 404, 409), 409, *REFUSAL_EXAMPLES, service.EXTERNAL_REF_TAKEN_EXAMPLE
    ),
)
async def create_order(
    body: OrderCreate, session: Session, principal: OrdersWrite, idem: Idempotent
) -> Response:
    """Place an order or a quote for a customer (the store is the caller's).

    A credit sale is refused with a 409 whose `type` says why: `customer-inactive`,
    `customer-blocked`, `no-credit` or `credit-limit-exceeded` (with `available_credit` and
    `requested`). A number already used is `order-number-taken`; an `external_ref` this
    principal already sent is `external-ref-taken` (with the existing `order_id` and `number`).
    Send an `Idempotency-Key` so a retried sale is never placed twice.
    """
    order = await service.create_order(session, principal, body)
    out = await service.present(session, order)
    return await idem.respond(
        out, status_code=201, headers=location(order.id), customer_id=order.customer_id
    )


@router.get(
    "/orders",
    operation_id="orders-list",
    responses=problems(403),
)
async def list_orders(
    session: Session,
    _principal: CustomersRead,
    customer_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    status: OrderStatus | None = None,
    number: Annotated[
        int | None,
        Query(ge=1, le=MAX_ORDER_NUMBER, description="Exactly this order number.", examples=[42]),
    ] = None,
    external_ref: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=64,
            pattern=EXTERNAL_REF_PATTERN,
            description="Exactly this POS reference (orders of any principal carrying it).",
            examples=["TILL-07/2026-12-04/0042"],
        ),
    ] = None,
    limit: PageSize = 50,
    cursor: Cursor = None,
) -> Page[OrderOut]:
    """Orders, newest placed first (ties: the latest recorded first); the filters combine."""
    return await service.list_orders(
        session,
        customer_id=customer_id,
        status=status,
        number=number,
        external_ref=external_ref,
        limit=limit,
        cursor=cursor,
    )


@router.get(
    "/orders/{order_id}",
    operation_id="orders-get",
    responses=problems(403, 404),
)
async def get_order(order_id: Id, session: Session, _principal: CustomersRead) -> OrderOut:
    return await service.get_order(session, order_id)


@router.post(
    "/orders/{order_id}/deliveries",
    status_code=201,
    response_model=OrderOut,
    operation_id="orders-deliver",
    responses=problems(403, 404, 409),
)
async def deliver(
    order_id: Id,
    session: Session,
    principal: OrdersWrite,
    idem: Idempotent,
    body: Annotated[DeliveryCreate | None, Body()] = None,
) -> Response:
    """Deliver (part of) an open order: the delivery debits the customer's balance.

    `amount` defaults to everything not yet delivered; single and collected orders are
    delivered whole (`whole-delivery-required` otherwise). More than is left is
    `delivery-exceeds-order`; an order that is not open is `illegal-transition`. A
    `delivered_on` before today needs `sales:manage` (403 `backdating-not-allowed`).
    Answers with the order and its deliveries.
    """
    order = await service.deliver(session, principal, order_id, body or DeliveryCreate())
    out = await service.present(session, order)
    return await idem.respond(
        out, status_code=201, headers=location(order.id), customer_id=order.customer_id
    )


@router.post(
    "/orders/{order_id}/cancel",
    response_model=OrderOut,
    operation_id="orders-cancel",
    responses=problems(403, 404, 409),
)
async def cancel(
    order_id: Id, session: Session, principal: OrdersWrite, idem: Idempotent
) -> Response:
    """Cancel a quote or an open order (what was already delivered stays delivered).
    A delivered, cancelled or consumed order is `illegal-transition`."""
    order = await service.cancel(session, principal, order_id)
    out = await service.present(session, order)
    return await idem.respond(out, customer_id=order.customer_id)


@router.post(
    "/orders/{order_id}/consume",
    response_model=OrderOut,
    operation_id="orders-consume",
    responses=problems(403, 404, 409),
)
async def consume(
    order_id: Id, session: Session, principal: OrdersWrite, idem: Idempotent
) -> Response:
    """Mark a quote as consumed (turned into a sale). Anything but a quote is
    `illegal-transition`."""
    order = await service.consume(session, principal, order_id)
    out = await service.present(session, order)
    return await idem.respond(out, customer_id=order.customer_id)


@router.get(
    "/customers/{customer_id}/purchases",
    operation_id="customers-purchases",
    tags=["customers"],
    responses=problems(403, 404),
)
async def purchases(
    customer_id: Id,
    session: Session,
    _principal: CustomersRead,
    limit: PageSize = 50,
    cursor: Cursor = None,
) -> Page[Purchase]:
    """The customer's purchase history, newest placed first: every order with something
    delivered (a purchase's amount is what was delivered; quotes, orders not yet delivered and
    cancelled remainders are not bought), each with what of it is paid. Received payments,
    naming an order or not, pay the deliveries oldest first, as the credit report allocates
    them: the amounts add up to `total_purchases` and the unpaid parts to the debt."""
    after = service.date_cursor("purchases", cursor)
    return await purchase_history.history(session, customer_id, after=after, limit=limit)
