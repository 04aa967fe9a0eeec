"""The credit report of a customer, the receivables ageing and the overdue list.

Read-only: nothing here writes or locks.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from custledger.kit import clock
from custledger.kit.db import get_database
from custledger.kit.errors import NotFound, invalid
from custledger.kit.money import format_money
from custledger.kit.pagination import Page, decode_cursor, encode_cursor
from custledger.reports import repository
from custledger.reports.allocation import (
    allocate,
    average_days_to_pay,
    delivery_delays,
    oldest_unpaid_days,
    round_half_up,
)
from custledger.reports.repository import BUCKET_NAMES, AgeingLine
from custledger.reports.schemas import (
    AgeingBuckets,
    AgeingReport,
    AgeingRow,
    CreditReport,
    OverdueItem,
    ReportBehaviour,
    ReportObservation,
    ReportOrders,
)
from custledger.reports.scoring import NORMAL_TERMS_DAYS, Facts, assess

AGEING_CURSOR = "receivables-ageing"
OVERDUE_CURSOR = "overdue"
# Customers examined per ageing query: a page scans ids in growing chunks until it is full.
MIN_CHUNK = 200
MAX_CHUNK = 5000

# Output models are built with ``model_construct`` from values computed here: the Money type
# parses its *input* as an amount (an int would be read as whole units, not cents), and a page
# of 1000 ageing rows need not be validated twice.


# --- credit report ---------------------------------------------------------------------------


def indebtedness_percent(outstanding: int, delivered: int) -> float | None:
    if delivered <= 0:
        return None
    return round_half_up(outstanding * 1000, delivered) / 10


async def credit_report(session: AsyncSession, customer_id: int) -> CreditReport:
    customer = await repository.customer_facts(session, customer_id)
    if customer is None:
        raise NotFound(f"No customer with id {customer_id}.", type="customer-not-found")
    today = clock.today()
    orders = await repository.order_summary(session, customer_id)
    deliveries = await repository.deliveries_of(session, customer_id)
    receipts = await repository.receipts_of(session, customer_id)
    returned = await repository.returned_cheques_of(session, customer_id)

    allocation = allocate(deliveries, receipts)
    total_delivered = sum(d.amount for d in deliveries)
    total_received = sum(r.amount for r in receipts)
    outstanding = max(0, total_delivered - total_received)
    average_days = average_days_to_pay(allocation.slices)
    oldest = oldest_unpaid_days(allocation.open_items, today)
    last_payment = max((r.received_on for r in receipts), default=None)

    assessment = assess(
        Facts(
            today=today,
            order_count=orders.count,
            blocked=customer.blocked,
            next_invoice_date=customer.next_invoice_date,
            total_delivered=total_delivered,
            outstanding=outstanding,
            average_days_to_pay=average_days,
            oldest_unpaid_days=oldest,
            delivery_delays=[
                d.days
                for d in delivery_delays(
                    deliveries, allocation, today, late_after=NORMAL_TERMS_DAYS
                )
            ],
            returned_cheques=returned,
        )
    )
    return CreditReport.model_construct(
        customer_id=customer_id,
        as_of=today,
        orders=ReportOrders.model_construct(
            count=orders.count,
            first_order_date=orders.first_order_date,
            last_order_date=orders.last_order_date,
            total_ordered=orders.total_ordered,
            total_delivered=total_delivered,
            outstanding=outstanding,
            indebtedness_percent=indebtedness_percent(outstanding, total_delivered),
        ),
        behaviour=ReportBehaviour.model_construct(
            average_days_to_pay=average_days,
            days_since_last_payment=None if last_payment is None else (today - last_payment).days,
            average_order_value=(
                None if orders.count == 0 else round_half_up(orders.total_ordered, orders.count)
            ),
            oldest_unpaid_days=oldest,
        ),
        observations=[
            ReportObservation(code=o.code, severity=o.severity, message=o.message)
            for o in assessment.observations
        ],
        warning=assessment.warning,
        warning_reasons=assessment.warning_reasons,
    )


# --- receivables ageing ----------------------------------------------------------------------


async def _lines_after(
    session: AsyncSession, *, as_of: date, store_id: int | None, after: int, wanted: int
) -> list[AgeingLine]:
    """The next ``wanted`` customers owing money after id ``after``: customer ids are examined
    in chunks (growing while debtors are sparse), each chunk one windowed aggregate query."""
    lines: list[AgeingLine] = []
    chunk = min(MAX_CHUNK, max(MIN_CHUNK, 2 * wanted))
    while len(lines) < wanted:
        ids = await repository.ageing_candidates(
            session, as_of=as_of, store_id=store_id, after=after, limit=chunk
        )
        if not ids:
            break
        lines += await repository.ageing_lines(
            session, as_of=as_of, store_id=store_id, low=ids[0], high=ids[-1]
        )
        after = ids[-1]
        if len(ids) < chunk:
            break
        chunk = min(MAX_CHUNK, chunk * 2)
    return lines[:wanted]


def _row(line: AgeingLine) -> AgeingRow:
    buckets: dict[str, Any] = dict(line.buckets)
    return AgeingRow.model_construct(
        customer_id=line.customer_id, number=line.number, name=line.name, **buckets
    )


def _after_id(cursor: str | None) -> int:
    key = decode_cursor(AGEING_CURSOR, cursor, 1)
    if key is None:
        return 0
    if not isinstance(key[0], int) or isinstance(key[0], bool) or key[0] < 0:
        raise invalid("cursor", "not a cursor this list returned", "query")
    return key[0]


async def ageing_page(
    session: AsyncSession,
    *,
    as_of: date | None,
    store_id: int | None,
    limit: int,
    cursor: str | None,
) -> AgeingReport:
    day = as_of or clock.today()
    after = _after_id(cursor)
    lines = await _lines_after(session, as_of=day, store_id=store_id, after=after, wanted=limit + 1)
    more = len(lines) > limit
    lines = lines[:limit]
    totals: dict[str, Any] = await repository.ageing_totals(session, as_of=day, store_id=store_id)
    return AgeingReport.model_construct(
        as_of=day,
        items=[_row(line) for line in lines],
        totals=AgeingBuckets.model_construct(**totals),
        next_cursor=encode_cursor(AGEING_CURSOR, [lines[-1].customer_id]) if more else None,
    )


CSV_COLUMNS = ("customer_id", "number", "name", *BUCKET_NAMES, "total")


def _csv_text(value: str) -> str:
    # A cell starting with these is run as a formula by spreadsheets (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv_lines(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


async def ageing_csv(*, as_of: date | None, store_id: int | None) -> AsyncIterator[str]:
    """The whole ageing report as CSV, then a TOTAL line: one query streamed through a
    server-side cursor in its own session (the request's session is closed by the time the
    body is sent). The TOTAL line is summed from the lines above it, so it always matches."""
    day = as_of or clock.today()
    columns = (*BUCKET_NAMES, "total")
    totals = dict.fromkeys(columns, 0)
    yield _csv_lines([list(CSV_COLUMNS)])
    async with get_database().sessionmaker() as session:
        async for lines in repository.stream_ageing_lines(session, as_of=day, store_id=store_id):
            for line in lines:
                for column in columns:
                    totals[column] += line.buckets[column]
            yield _csv_lines(
                [
                    [
                        str(line.customer_id),
                        "" if line.number is None else str(line.number),
                        _csv_text(line.name),
                        *(format_money(line.buckets[c]) for c in columns),
                    ]
                    for line in lines
                ]
            )
        await session.rollback()
    yield _csv_lines([["", "", "TOTAL", *(format_money(totals[c]) for c in columns)]])


# --- overdue list ----------------------------------------------------------------------------


def _overdue_after(cursor: str | None) -> tuple[date, int] | None:
    key = decode_cursor(OVERDUE_CURSOR, cursor, 2)
    if key is None:
        return None
    try:
        due, payment_id = date.fromisoformat(key[0]), key[1]
    except (TypeError, ValueError):
        raise invalid("cursor", "not a cursor this list returned", "query") from None
    if not isinstance(payment_id, int) or isinstance(payment_id, bool):
        raise invalid("cursor", "not a cursor this list returned", "query")
    return due, payment_id


async def overdue(
    session: AsyncSession, *, store_id: int | None, limit: int, cursor: str | None
) -> Page[OverdueItem]:
    today = clock.today()
    rows = await repository.overdue_payments(
        session, today=today, store_id=store_id, after=_overdue_after(cursor), limit=limit + 1
    )
    more = len(rows) > limit
    rows = rows[:limit]
    items = [
        OverdueItem.model_construct(
            payment_id=r.payment_id,
            customer_id=r.customer_id,
            customer_name=r.customer_name,
            customer_number=r.customer_number,
            method=r.method,
            amount=r.amount,
            due_date=r.due_date,
            days_overdue=(today - r.due_date).days,
            order_number=r.order_number,
        )
        for r in rows
    ]
    next_cursor = (
        encode_cursor(OVERDUE_CURSOR, [rows[-1].due_date.isoformat(), rows[-1].payment_id])
        if more
        else None
    )
    return Page[OverdueItem](items=items, next_cursor=next_cursor)
