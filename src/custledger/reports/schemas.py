from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from custledger.kit.money import Money
from custledger.reports.scoring import ObservationCode, Severity


class ReportOrders(BaseModel):
    count: int = Field(description="Orders placed, quotes, consumed and cancelled excluded.")
    first_order_date: date | None
    last_order_date: date | None
    total_ordered: Money = Field(description="Σ totals of the counted orders.")
    total_delivered: Money = Field(description="Σ deliveries.")
    outstanding: Money = Field(description="Debt: max(0, delivered − received payments).")
    indebtedness_percent: float | None = Field(
        description="outstanding / total_delivered × 100, one decimal; null if nothing delivered."
    )


class ReportBehaviour(BaseModel):
    average_days_to_pay: int | None = Field(
        description="Received payments allocated to deliveries first in, first out; the "
        "amount-weighted mean of max(0, received_on − delivered_on). Null if nothing was paid."
    )
    days_since_last_payment: int | None = Field(description="Null if nothing was ever received.")
    average_order_value: Money | None = Field(description="total_ordered / count; null if none.")
    oldest_unpaid_days: int | None = Field(
        description="Age in days of the oldest delivery not fully paid; null if nothing is owed."
    )


class ReportObservation(BaseModel):
    code: ObservationCode
    severity: Severity
    message: str


class CreditReport(BaseModel):
    customer_id: int
    as_of: date
    orders: ReportOrders
    behaviour: ReportBehaviour
    observations: list[ReportObservation] = Field(description="Most severe first.")
    warning: bool = Field(
        description="Blocked, prolonged high indebtedness or a cheque returned in the last 12 "
        "months (see `warning_reasons`)."
    )
    warning_reasons: list[ObservationCode] = Field(
        description="`BLOCKED`, `RETURNED_CHEQUES` and/or `PROLONGED_HIGH_INDEBTEDNESS`; "
        "empty when no warning."
    )


class AgeingBuckets(BaseModel):
    current: Money = Field(description="Unpaid deliveries made on the as-of date.")
    days_1_30: Money = Field(description="Unpaid deliveries 1 to 30 days old.")
    days_31_60: Money
    days_61_90: Money
    over_90: Money = Field(description="Unpaid deliveries more than 90 days old.")
    total: Money


class AgeingRow(BaseModel):
    customer_id: int
    number: int | None
    name: str
    current: Money
    days_1_30: Money
    days_31_60: Money
    days_61_90: Money
    over_90: Money
    total: Money


class AgeingReport(BaseModel):
    as_of: date
    items: list[AgeingRow] = Field(description="Customers owing money as of `as_of`, by id.")
    totals: AgeingBuckets = Field(description="Over every customer of the filter, all pages.")
    next_cursor: str | None


class OverdueItem(BaseModel):
    payment_id: int
    customer_id: int
    customer_name: str
    customer_number: int | None
    method: str
    amount: Money
    due_date: date
    days_overdue: int
    order_number: int | None
