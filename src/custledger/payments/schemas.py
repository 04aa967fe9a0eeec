"""Payments in and out: one payment, a cheque batch, the issuer auto-fill."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from custledger.customers.schemas import repeats_one_digit
from custledger.kit.money import Money, PositiveMoney
from custledger.kit.schemas import Input, Output, input_json_schema, not_null
from custledger.kit.text import digits
from custledger.orders.schemas import MAX_ORDER_NUMBER

Method = Literal["CASH", "CHEQUE", "PIX", "BOLETO", "CARD", "TRANSFER"]
StatusFilter = Literal["all", "received", "pending"]
ChequeStatus = Literal["held", "deposited", "cleared", "returned"]

# The POS's order number: any positive BIGINT (the order may predate this system).
# The bound of the orders' own numbers: below 2**53, so a JavaScript client never rounds one and
# the document's bound (a JSON number, read as a float) is exact. It was 2**63 - 1, which the
# document published as 2**63, and generated clients sent numbers the server refused.
OrderNumber = Annotated[int, Field(ge=1, le=MAX_ORDER_NUMBER, description="Order number, if any.")]
Details = Annotated[str, Field(max_length=2000)]

# Any run of characters but digits and control characters.
_NOT_DIGITS = "[^0-9\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]*"
# Optional in a PATCH but never null: `null` is refused, so the document does not offer it.
NOT_NULL = Field(default=None, json_schema_extra=not_null)

IssuerTaxId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=20,
        description="CPF (11 digits) or CNPJ (14 digits) of the issuer; punctuation is ignored "
        "and the digits are stored.",
        examples=["123.456.789-09"],
        # What `tax_id_digits` accepts: 11 or 14 digits among any other (non-control) text.
        json_schema_extra={
            "pattern": f"^{_NOT_DIGITS}(?:[0-9]{_NOT_DIGITS}){{11}}$"
            f"|^{_NOT_DIGITS}(?:[0-9]{_NOT_DIGITS}){{14}}$"
        },
    ),
]
IssuerName = Annotated[str, Field(min_length=1, max_length=200)]
Bank = Annotated[str, Field(min_length=1, max_length=10, description="Bank code.")]
Branch = Annotated[str, Field(min_length=1, max_length=10)]
Account = Annotated[str, Field(min_length=1, max_length=20)]
ChequeNumber = Annotated[str, Field(min_length=1, max_length=20)]


def tax_id_digits(value: str) -> str:
    """A CPF or CNPJ as its digits; a ValueError unless 11 or 14 of them, not all the same."""
    found = digits(value)
    if len(found) not in (11, 14):
        raise ValueError("must be a CPF (11 digits) or a CNPJ (14 digits)")
    if repeats_one_digit(found):
        raise ValueError("not a valid CPF or CNPJ: all its digits are the same")
    return found


class ChequeIn(Input):
    """The one cheque of a CHEQUE payment."""

    predated_to: date = Field(description="The date from which the cheque may be deposited.")
    issuer_tax_id: IssuerTaxId
    issuer_name: IssuerName
    bank: Bank
    branch: Branch
    account: Account
    cheque_number: ChequeNumber

    @field_validator("issuer_tax_id")
    @classmethod
    def _tax_id(cls, value: str) -> str:
        return tax_id_digits(value)


class ChequePatch(Input):
    """Fields of the cheque to change; the others keep their stored values. When the method
    changes to CHEQUE, every field is required."""

    predated_to: date | None = NOT_NULL
    issuer_tax_id: IssuerTaxId | None = NOT_NULL
    issuer_name: IssuerName | None = NOT_NULL
    bank: Bank | None = NOT_NULL
    branch: Branch | None = NOT_NULL
    account: Account | None = NOT_NULL
    cheque_number: ChequeNumber | None = NOT_NULL

    @field_validator("issuer_tax_id")
    @classmethod
    def _tax_id(cls, value: str | None) -> str | None:
        return None if value is None else tax_id_digits(value)


class PaymentCreate(Input):
    order_number: OrderNumber | None = None
    method: Method
    amount: PositiveMoney
    due_date: date | None = Field(
        default=None, description="Default: the received date, else today (business time zone)."
    )
    received_on: date | None = Field(
        default=None,
        description="Null: pending (moves no balance). After today is refused; before today "
        "(backdating) needs `sales:manage` or `owner`.",
    )
    details: Details | None = None
    cheque: ChequeIn | None = Field(
        default=None, description="Required for CHEQUE, refused for the other methods."
    )


class PaymentPatch(Input):
    """Only the fields sent change; `null` clears `order_number`, `received_on` (back to
    pending) and `details`. The customer of a payment never changes."""

    order_number: OrderNumber | None = None
    method: Method | None = NOT_NULL
    amount: PositiveMoney | None = NOT_NULL
    due_date: date | None = NOT_NULL
    received_on: date | None = None
    details: Details | None = None
    cheque: ChequePatch | None = None


class BatchCheque(ChequeIn):
    amount: PositiveMoney
    received_on: date | None = None
    details: Details | None = None


class ChequeBatch(Input):
    """Several cheques sharing one order reference and due date, saved all or none."""

    order_number: OrderNumber | None = None
    due_date: date | None = Field(
        default=None, description="Default per cheque: its received date, else today."
    )
    cheques: list[BatchCheque] = Field(min_length=1, max_length=50)


class RecordedBy(BaseModel):
    id: int
    name: str


class ChequeOut(Output):
    predated_to: date
    issuer_tax_id: str
    issuer_name: str
    bank: str
    branch: str
    account: str
    cheque_number: str
    status: ChequeStatus = Field(
        description="`held` (in the drawer) → `deposited` → `cleared` (paid) or `returned` "
        "(bounced: a `returned_cheque` debit on the statement, dated `returned_on`).",
        examples=["deposited"],
    )
    deposited_on: date | None = Field(
        description="When it was deposited; null while held.", examples=["2026-03-05"]
    )
    deposited_by_id: int | None = Field(
        description="The principal that recorded the deposit.", examples=[7]
    )
    cleared_on: date | None = Field(description="When the bank paid it.", examples=[None])
    cleared_by_id: int | None = Field(
        description="The principal that recorded the clearing.", examples=[None]
    )
    returned_on: date | None = Field(
        description="When the bank returned it unpaid.", examples=[None]
    )
    returned_by_id: int | None = Field(
        description="The principal that recorded the return.", examples=[None]
    )
    return_reason: str | None = Field(description="Why it came back, as recorded.", examples=[None])


ChequeStep = Literal["deposit", "clear", "return"]


def _cheque_step_json_schema(schema: dict[str, Any]) -> None:
    input_json_schema(schema)
    schema["examples"] = [{"on": "2026-03-06", "reason": "alínea 11: insufficient funds"}]


class ChequeStepIn(Input):
    """One step of a cheque's lifecycle; an empty body means today, no reason."""

    model_config = ConfigDict(
        **{**Input.model_config, "json_schema_extra": _cheque_step_json_schema}
    )

    on: date | None = Field(
        default=None,
        description="The step's date (default today, business time zone). Never after today; "
        "a deposit never before the cheque's pre-dated day or its received date; a clearing "
        "or a return never before the deposit.",
        examples=["2026-03-06"],
    )
    reason: Annotated[str, Field(min_length=1, max_length=500)] | None = Field(
        default=None,
        description="Free text kept in the audit log; for a return, also on the cheque.",
        examples=["alínea 11: insufficient funds"],
    )


class ChequeCustomer(BaseModel):
    id: int = Field(examples=[12])
    number: int | None = Field(examples=[5123])
    name: str = Field(examples=["Maria Souza"])


class ChequeListItem(Output):
    """A cheque with its payment and customer, as the cheques list shows it."""

    payment_id: int = Field(description="The cheque's payment (`/payments/{id}`).", examples=[345])
    customer: ChequeCustomer
    store_id: int = Field(description="The customer's store.", examples=[1])
    amount: Money
    received_on: date | None = Field(
        description="The payment's received date; null: pending.", examples=["2026-03-01"]
    )
    cheque: ChequeOut


class PaymentOut(Output):
    id: int
    customer_id: int
    order_number: int | None
    recorded_by: RecordedBy
    method: Method
    amount: Money
    due_date: date
    received_on: date | None = Field(description="Null: pending.")
    details: str | None
    cheque: ChequeOut | None = Field(
        description="A CHEQUE payment's cheque with its lifecycle (`status`: held, deposited, "
        "cleared or returned); null for the other methods."
    )
    created_at: datetime
    updated_at: datetime
    version: int


class PaymentBatchOut(BaseModel):
    items: list[PaymentOut]


class ChequeIssuerOut(Output):
    issuer_tax_id: str
    issuer_name: str
    bank: str
    branch: str
    account: str
