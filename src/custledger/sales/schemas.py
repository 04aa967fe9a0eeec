"""A sale at the till in and out."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from custledger.kit.money import Money, NonNegativeMoney, PositiveMoney
from custledger.kit.schemas import IdField, Input, Output, input_json_schema
from custledger.orders.schemas import DeliveryOut, ExternalRef, OrderOut
from custledger.payments.schemas import ChequeIn, Details, Method, PaymentOut

SaleDelivery = Literal["now", "awaiting", "partial"]


class SalePayment(Input):
    """Money taken at the counter: recorded as received today, for the sale's order."""

    method: Method = Field(examples=["CASH"])
    amount: PositiveMoney
    cheque: ChequeIn | None = Field(
        default=None,
        description="Required for CHEQUE, refused for the other methods. A cheque already "
        "recorded (same bank, branch, account and number) is a 409 `cheque-duplicate`.",
    )
    details: Details | None = Field(default=None, examples=["card ending 4242"])


# A sale as the OpenAPI document shows it: part paid at the counter, the rest on credit.
SALE_EXAMPLE = {
    "customer_id": 1042,
    "total": "150.00",
    "external_ref": "TILL-07/2026-12-04/0042",
    "delivery": "now",
    "payments": [
        {"method": "CASH", "amount": "50.00"},
        {"method": "CARD", "amount": "40.00", "details": "visa 4242"},
    ],
    "on_credit": "60.00",
}


def _sale_json_schema(schema: dict[str, Any]) -> None:
    input_json_schema(schema)
    schema["examples"] = [SALE_EXAMPLE]


class SaleCreate(Input):
    model_config = ConfigDict(**{**Input.model_config, "json_schema_extra": _sale_json_schema})

    customer_id: IdField | None = Field(
        default=None,
        description="Omit for the quick-sale (walk-in) customer of the caller's store, who "
        "buys for cash only.",
        examples=[1042],
    )
    total: PositiveMoney
    external_ref: ExternalRef | None = None
    delivery: SaleDelivery = Field(
        description="`now`: the goods leave with the customer, delivered whole at once (order "
        "delivery type `collected`); `awaiting`: nothing delivered yet, to be collected or "
        "delivered later (`awaiting_collection`); `partial`: delivered in parts (`partial`), "
        "`delivered_amount` of it now.",
        examples=["now"],
    )
    delivered_amount: PositiveMoney | None = Field(
        default=None,
        description="Only with `delivery: partial`: what leaves the store now (at most the "
        "total). Default: nothing yet.",
        examples=["40.00"],
    )
    payments: list[SalePayment] = Field(
        default_factory=list,
        max_length=20,
        description="What the customer pays at the counter; may be empty for a sale wholly "
        "on credit.",
    )
    on_credit: NonNegativeMoney = Field(
        default=0,
        description="The unpaid part, sold on credit (checked by the credit rule). The "
        "payments plus `on_credit` must equal `total`.",
        examples=["0.00"],
    )


class SaleCustomer(Output):
    id: int = Field(examples=[1042])
    number: int | None = Field(description="Null for the quick-sale customer.", examples=[5123])
    balance: Money = Field(description="After the sale. Negative: the customer owes.")
    available_credit: Money | None = Field(
        description="After the sale: credit limit − debt − undelivered open credit orders; "
        "null when the customer has no credit limit."
    )


class SaleOut(Output):
    order: OrderOut
    deliveries: list[DeliveryOut] = Field(description="The deliveries this sale made.")
    payments: list[PaymentOut]
    customer: SaleCustomer
