from __future__ import annotations

from pydantic import BaseModel, Field

from custledger.customers.models import Customer
from custledger.customers.schemas import format_tax_id
from custledger.kit.money import Money, format_money
from custledger.kit.schemas import IdField, Input


class MergeCustomer(BaseModel):
    """The headline fields an owner checks before merging (and the survivor after)."""

    id: int
    number: int | None
    store_id: int
    name: str
    trade_name: str | None
    tax_id: str | None = Field(description="Formatted CPF or CNPJ.")
    phone: str | None
    email: str | None
    city: str | None
    balance: Money
    credit_limit: Money | None
    total_purchases: Money
    active: bool
    blocked: bool


class RecordCounts(BaseModel):
    """Records of the source reassigned to the survivor, per kind."""

    payments: int = Field(description="Received and pending payments.")
    cheques: int = Field(description="The cheques of those payments.")
    orders: int = Field(description="Orders of every status (order numbers are kept).")
    deliveries: int
    idempotency_keys: int = Field(description="Stored responses of retried POSTs about the source.")


class MergePreview(BaseModel):
    survivor: MergeCustomer
    source: MergeCustomer
    moves: RecordCounts
    survivor_balance_after: Money = Field(
        description="The survivor's balance after the merge: both balances summed."
    )


class MergeRequest(Input):
    source_id: IdField = Field(
        description="The duplicate customer to merge into this one; it is deleted."
    )


class MergeResult(BaseModel):
    survivor: MergeCustomer
    moved: RecordCounts
    audit_id: int = Field(
        description="The audit entry holding the deleted source's full record "
        "(listed under GET /customers/{source_id}/audit)."
    )


def merge_customer(customer: Customer) -> MergeCustomer:
    """The headline of a customer row, shown as the customers endpoints show it."""
    credit_limit = customer.credit_limit
    return MergeCustomer.model_validate(
        {
            "id": customer.id,
            "number": customer.number,
            "store_id": customer.store_id,
            "name": customer.name,
            "trade_name": customer.trade_name,
            "tax_id": format_tax_id(customer.tax_id),
            "phone": customer.phone,
            "email": customer.email,
            "city": customer.city,
            "balance": format_money(customer.balance),
            "credit_limit": None if credit_limit is None else format_money(credit_limit),
            "total_purchases": format_money(customer.total_purchases),
            "active": customer.active,
            "blocked": customer.blocked,
        }
    )
