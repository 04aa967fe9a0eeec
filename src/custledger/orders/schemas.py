from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from custledger.kit.money import Money, NonNegativeMoney, PositiveMoney
from custledger.kit.schemas import IdField, Input, Output

OrderKind = Literal["quote", "order"]
OrderStatus = Literal["quote", "open", "delivered", "cancelled", "consumed"]
DeliveryType = Literal["single", "partial", "collected", "awaiting_collection", "unspecified"]
PaymentTerms = Literal["cash", "credit"]
PaymentStatus = Literal["paid", "partial", "unpaid"]

# Order numbers are the POS's; kept below 2**53 so a JavaScript client never rounds one.
MAX_ORDER_NUMBER = 10**15 - 1

# The POS's own reference: printable ASCII, no space at either end.
EXTERNAL_REF_PATTERN = r"^[!-~](?:[ -~]{0,62}[!-~])?$"
ExternalRef = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=EXTERNAL_REF_PATTERN,
        description="The POS's own reference of the sale: 1-64 printable characters. Unique "
        "per principal (each terminal or user): a second order with the same reference "
        "from the same principal is a 409 `external-ref-taken` naming the existing order.",
        examples=["TILL-07/2026-12-04/0042"],
    ),
]


class CustomerRef(Output):
    """Who the order is for, as a clerk knows them."""

    id: int = Field(examples=[1042])
    number: int | None = Field(
        description="The customer's number (what staff see); null for a store's quick-sale "
        "(walk-in) customer.",
        examples=[5123],
    )
    name: str = Field(examples=["Maria Souza"])


class OrderCreate(Input):
    number: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ORDER_NUMBER,
        description="The POS's own order number; omit to have one assigned. Unique.",
    )
    customer_id: IdField
    kind: OrderKind = Field(description="`quote` (no sale yet) or `order` (a sale).")
    delivery_type: DeliveryType
    total: NonNegativeMoney
    payment_terms: PaymentTerms
    placed_on: date | None = Field(
        default=None, description="Default: today (business time zone); never after today."
    )
    external_ref: ExternalRef | None = None


class DeliveryCreate(Input):
    amount: PositiveMoney | None = Field(
        default=None,
        description="Default: everything not yet delivered. Single and collected orders are "
        "delivered whole, in one delivery.",
    )
    delivered_on: date | None = Field(
        default=None,
        description="Default: today. Never after today; before today needs `sales:manage`.",
    )


class DeliveryOut(Output):
    id: int
    sequence: int = Field(description="1..N within the order.")
    delivered_on: date
    amount: Money


class OrderOut(Output):
    id: int
    number: int
    customer_id: int
    customer: CustomerRef
    store_id: int
    kind: OrderKind = Field(description="What the order was created as.")
    status: OrderStatus
    delivery_type: DeliveryType
    payment_terms: PaymentTerms
    total: Money
    delivered_amount: Money
    outstanding_delivery: Money = Field(description="`total` − `delivered_amount`.")
    placed_on: date
    closed_on: date | None = Field(description="When it was cancelled or consumed.")
    external_ref: str | None = Field(
        description="The POS's own reference, if it sent one.", examples=["TILL-07/0042"]
    )
    deliveries: list[DeliveryOut]
    created_at: datetime
    updated_at: datetime
    version: int


class Purchase(Output):
    """An order with something delivered: its amount is what was delivered."""

    order_id: int
    number: int
    date: dt.date = Field(description="The date the order was placed.")
    total: Money = Field(description="The order's total as placed.")
    delivered_amount: Money = Field(
        description="The purchase's amount: what was delivered of the order (a cancelled "
        "remainder is not bought). Σ over the history = the customer's `total_purchases`."
    )
    status: OrderStatus = Field(
        description="`open`, `delivered` or `cancelled` (after a delivery)."
    )
    payment_status: PaymentStatus = Field(
        description="`paid` when nothing of `delivered_amount` is owed, `partial` when part "
        "is, `unpaid` when all is. Every received payment, naming an order or not, pays the "
        "deliveries oldest first (as the credit report), so the history's unpaid parts add up "
        "to the customer's debt (max(0, −balance))."
    )
    paid_amount: Money = Field(description="`delivered_amount` − `unpaid_amount`.")
    unpaid_amount: Money = Field(description="What of `delivered_amount` is still owed.")
