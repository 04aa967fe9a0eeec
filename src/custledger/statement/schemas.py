from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from custledger.kit.money import Money

EntryType = Literal["payment", "delivery", "returned_cheque", "order", "cancelled", "quote"]
ExportFormat = Literal["csv", "pdf"]


class StatementEntry(BaseModel):
    date: date
    type: EntryType
    reference: int = Field(
        description="The order number for order and delivery rows; the payment id for payments "
        "and returned cheques."
    )
    description: str = Field(
        description="Payments: the method. Returned cheques: `Returned cheque`. Deliveries: "
        "`Single delivery`, `Partial delivery N`, "
        "`Collected by customer`, `Ready for collection` or `Delivery`. Activity rows: "
        "`Order placed`, `Order cancelled`, `Quote` or `Quote consumed`."
    )
    debit: Money | None = Field(
        description="The delivered amount (delivery rows), or the amount of a cheque that came "
        "back unpaid (`returned_cheque` rows, dated by the return; its payment row stays)."
    )
    credit: Money | None = Field(description="The received amount (payment rows only).")
    balance: Money | None = Field(
        description="Running balance after this row (financial rows only; null on activity rows)."
    )


class StatementPeriod(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: date | None = Field(
        alias="from", description="Date of the oldest row on this page; null when it is empty."
    )
    to: date | None = Field(
        description="Date of the newest row of the whole statement; null when it is empty."
    )


class StatementPage(BaseModel):
    entries: list[StatementEntry] = Field(description="Newest first, at most `limit`.")
    period: StatementPeriod
    total_received: Money = Field(
        description="Σ credits from this page's oldest row to the newest row of the statement."
    )
    total_delivered: Money = Field(
        description="Σ deliveries from this page's oldest row to the newest row of the statement."
    )
    total_returned: Money = Field(
        description="Σ returned cheques (the other debits) from this page's oldest row to the "
        "newest row of the statement.",
        examples=["250.00"],
    )
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the earlier period; null on the oldest page."
    )
