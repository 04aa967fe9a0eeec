"""Every query of the reports: Core selects of the columns needed, no ORM objects.

The ageing queries allocate in SQL what ``allocation.allocate`` allocates in Python: the unpaid
part of a delivery is ``clamp(cumulative_delivered − total_received, 0, amount)``, with the
cumulative sum a window over the customer's deliveries in (delivered_on, id) order.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    FromClause,
    Select,
    Subquery,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.customers.models import Customer
from custledger.kit import clock
from custledger.orders.models import Delivery, Order
from custledger.payments.models import Cheque, Payment
from custledger.reports.allocation import BUCKETS, DeliveryEntry, ReceiptEntry, bucket_bounds

# Orders that count in the report: quotes, consumed and cancelled orders are not sales.
COUNTED_ORDER_STATUSES = ("open", "delivered")
BUCKET_NAMES = tuple(name for name, _, _ in BUCKETS)
STREAM_BATCH = 1000


# --- the credit report of one customer -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CustomerFacts:
    id: int
    blocked: bool
    next_invoice_date: date | None


@dataclass(frozen=True, slots=True)
class OrderSummary:
    count: int
    first_order_date: date | None
    last_order_date: date | None
    total_ordered: int


async def customer_facts(session: AsyncSession, customer_id: int) -> CustomerFacts | None:
    row = (
        await session.execute(
            select(Customer.id, Customer.blocked, Customer.next_invoice_date).where(
                Customer.id == customer_id
            )
        )
    ).one_or_none()
    return None if row is None else CustomerFacts(row.id, row.blocked, row.next_invoice_date)


async def order_summary(session: AsyncSession, customer_id: int) -> OrderSummary:
    row = (
        await session.execute(
            select(
                func.count(Order.id),
                func.min(Order.placed_on),
                func.max(Order.placed_on),
                func.coalesce(func.sum(Order.total), 0),
            ).where(Order.customer_id == customer_id, Order.status.in_(COUNTED_ORDER_STATUSES))
        )
    ).one()
    return OrderSummary(int(row[0]), row[1], row[2], int(row[3]))


async def deliveries_of(session: AsyncSession, customer_id: int) -> list[DeliveryEntry]:
    rows = await session.execute(
        select(Delivery.id, Delivery.delivered_on, Delivery.amount)
        .where(Delivery.customer_id == customer_id)
        .order_by(Delivery.delivered_on, Delivery.id)
    )
    return [DeliveryEntry(r.id, r.delivered_on, r.amount) for r in rows]


async def receipts_of(session: AsyncSession, customer_id: int) -> list[ReceiptEntry]:
    rows = await session.execute(
        select(Payment.id, Payment.received_on, Payment.amount)
        .where(
            Payment.customer_id == customer_id,
            Payment.received_on.is_not(None),
            # A cheque that came back unpaid paid nothing (its debit is netted out here).
            ~exists(_returned_cheque_of(Payment.id)),
        )
        .order_by(Payment.received_on, Payment.id)
    )
    return [ReceiptEntry(r.id, r.received_on, r.amount) for r in rows]


def _returned_cheque_of(payment_id: Any, as_of: Any = None) -> Any:
    """The payment's cheque if it was returned (by ``as_of``, when given)."""
    query = select(Cheque.id).where(
        Cheque.payment_id == payment_id, Cheque.returned_on.is_not(None)
    )
    if as_of is not None:
        query = query.where(Cheque.returned_on <= as_of)
    return query


async def returned_cheques_of(session: AsyncSession, customer_id: int) -> list[tuple[date, int]]:
    """The customer's returned cheques: (returned_on, amount), oldest first."""
    rows = await session.execute(
        select(Cheque.returned_on, Payment.amount)
        .join(Payment, Payment.id == Cheque.payment_id)
        .where(Cheque.customer_id == customer_id, Cheque.returned_on.is_not(None))
        .order_by(Cheque.returned_on, Cheque.id)
    )
    return [(on, amount) for on, amount in rows if on is not None]


# --- receivables ageing ----------------------------------------------------------------------


def _customer_scope(store_id: int | None) -> list[ColumnElement[bool]]:
    # Quick-sale (walk-in) customers never appear in customer lists or exports.
    conditions: list[ColumnElement[bool]] = [Customer.is_quick_sale.is_(False)]
    if store_id is not None:
        conditions.append(Customer.store_id == store_id)
    return conditions


def _owed_from_balance(as_of: date) -> bool:
    """As of today nothing is dated later (future dates are refused), so what a customer has
    received by then is Σ delivered + balance: only debtors (balance < 0) can owe, and the
    payments need not be read at all."""
    return as_of >= clock.today()


def _clamped(uncovered: Any, amount: Any) -> Any:
    """The part of a delivery of ``amount`` that the received money does not cover, where
    ``uncovered`` is the cumulative delivered amount up to it minus the money received."""
    return case((uncovered <= 0, 0), (uncovered >= amount, amount), else_=uncovered)


def _cumulative() -> Any:
    # PostgreSQL sums BIGINT into NUMERIC; back to BIGINT, the arithmetic below is ~2× faster.
    return cast(
        func.sum(Delivery.amount).over(
            partition_by=Delivery.customer_id,
            order_by=(Delivery.delivered_on, Delivery.id),
            rows=(None, 0),
        ),
        BigInteger,
    )


def _open_items(
    as_of: date, store_id: int | None, id_range: tuple[int, int] | None = None
) -> Subquery:
    """One row per delivery dated on or before ``as_of`` of the customers in scope (and in
    ``id_range``), with its unpaid part as of that date (payments received after it do not
    count yet)."""
    scope = _customer_scope(store_id)
    delivery_filter: list[ColumnElement[bool]] = []
    if id_range is not None:
        low, high = id_range
        scope += [Customer.id >= low, Customer.id <= high]
        delivery_filter += [Delivery.customer_id >= low, Delivery.customer_id <= high]
    columns = [
        Delivery.customer_id,
        Delivery.delivered_on,
        Delivery.amount,
        _cumulative().label("cumulative"),
    ]
    received: Any
    source: FromClause
    if _owed_from_balance(as_of):
        # Only the debtors' deliveries, read in index order; received = Σ delivered − debt.
        debtors = (
            select(Customer.id, (-Customer.balance).label("debt"))
            .where(*scope, Customer.balance < 0)
            .subquery("debtors")
        )
        total = cast(func.sum(Delivery.amount).over(partition_by=Delivery.customer_id), BigInteger)
        delivered = (
            select(*columns, (total - debtors.c.debt).label("received"))
            .join(debtors, debtors.c.id == Delivery.customer_id)
            .where(*delivery_filter)
            .subquery("delivered")
        )
        received, source = delivered.c.received, delivered
    else:
        payment_filter: list[ColumnElement[bool]] = [
            Payment.received_on.is_not(None),
            Payment.received_on <= as_of,
            # A cheque returned by then paid nothing as of then.
            ~exists(_returned_cheque_of(Payment.id, as_of)),
        ]
        if id_range is not None:
            low, high = id_range
            payment_filter += [Payment.customer_id >= low, Payment.customer_id <= high]
        delivery_filter += [
            Delivery.delivered_on <= as_of,
            Delivery.customer_id.in_(select(Customer.id).where(*scope)),
        ]
        sums = (
            select(
                Payment.customer_id,
                cast(func.sum(Payment.amount), BigInteger).label("received"),
            )
            .where(*payment_filter)
            .group_by(Payment.customer_id)
            .subquery("received")
        )
        delivered = select(*columns).where(*delivery_filter).subquery("delivered")
        received = func.coalesce(sums.c.received, 0)
        source = delivered.outerjoin(sums, sums.c.customer_id == delivered.c.customer_id)
    # What of the cumulative delivered amount the received money does not cover.
    unpaid = _clamped(delivered.c.cumulative - received, delivered.c.amount)
    return (
        select(delivered.c.customer_id, delivered.c.delivered_on, unpaid.label("unpaid"))
        .select_from(source)
        .subquery("open_items")
    )


def _bucket_columns(open_items: Subquery, as_of: date) -> list[Any]:
    columns: list[Any] = []
    for name, bounds in bucket_bounds(as_of).items():
        if bounds is None:  # a bucket of dates before the calendar's first day: empty
            within: Any = false()
        else:
            earliest, latest = bounds
            within = open_items.c.delivered_on <= latest
            if earliest is not None:
                within = and_(within, open_items.c.delivered_on >= earliest)
        columns.append(
            func.coalesce(func.sum(case((within, open_items.c.unpaid), else_=0)), 0).label(name)
        )
    columns.append(func.coalesce(func.sum(open_items.c.unpaid), 0).label("total"))
    return columns


async def ageing_candidates(
    session: AsyncSession, *, as_of: date, store_id: int | None, after: int, limit: int
) -> list[int]:
    """The next ``limit`` customer ids after ``after`` in scope that may owe something as of
    ``as_of``: the debtors as of today, else those with any delivery by then."""
    may_owe = (
        Customer.balance < 0
        if _owed_from_balance(as_of)
        else exists(
            select(Delivery.id).where(
                Delivery.customer_id == Customer.id, Delivery.delivered_on <= as_of
            )
        )
    )
    rows = await session.scalars(
        select(Customer.id)
        .where(*_customer_scope(store_id), Customer.id > after, may_owe)
        .order_by(Customer.id)
        .limit(limit)
    )
    return list(rows)


@dataclass(frozen=True, slots=True)
class AgeingLine:
    customer_id: int
    number: int | None
    name: str
    buckets: dict[str, int]


def _buckets(row: Any) -> dict[str, int]:
    mapping = row._mapping
    return {name: int(mapping[name]) for name in (*BUCKET_NAMES, "total")}


def _lines_query(
    as_of: date, store_id: int | None, id_range: tuple[int, int] | None = None
) -> Select[Any]:
    open_items = _open_items(as_of, store_id, id_range)
    return (
        select(Customer.id, Customer.number, Customer.name, *_bucket_columns(open_items, as_of))
        .select_from(open_items.join(Customer, Customer.id == open_items.c.customer_id))
        .where(open_items.c.unpaid > 0)
        .group_by(Customer.id, Customer.number, Customer.name)
        .order_by(Customer.id)
    )


def _line(row: Any) -> AgeingLine:
    return AgeingLine(row.id, row.number, row.name, _buckets(row))


async def ageing_lines(
    session: AsyncSession, *, as_of: date, store_id: int | None, low: int, high: int
) -> list[AgeingLine]:
    """Customers with ids in [low, high] that owe something as of ``as_of``, by id."""
    return [_line(row) for row in await session.execute(_lines_query(as_of, store_id, (low, high)))]


async def stream_ageing_lines(
    session: AsyncSession, *, as_of: date, store_id: int | None
) -> AsyncIterator[list[AgeingLine]]:
    """Every customer owing something as of ``as_of``, by id, in batches: one query streamed
    through a server-side cursor, so memory stays flat whatever the number of customers.
    (Batches, not rows: an ``await`` per row costs more than the query.)"""
    result = await session.stream(
        _lines_query(as_of, store_id), execution_options={"yield_per": STREAM_BATCH}
    )
    async for rows in result.partitions(STREAM_BATCH):
        yield [_line(row) for row in rows]


async def ageing_totals(
    session: AsyncSession, *, as_of: date, store_id: int | None
) -> dict[str, int]:
    """The buckets summed over every customer in scope: one aggregate query."""
    open_items = _open_items(as_of, store_id)
    row = (
        await session.execute(
            select(*_bucket_columns(open_items, as_of)).where(open_items.c.unpaid > 0)
        )
    ).one()
    return _buckets(row)


# --- overdue pending payments ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OverdueLine:
    payment_id: int
    customer_id: int
    customer_name: str
    customer_number: int | None
    method: str
    amount: int
    due_date: date
    order_number: int | None


async def overdue_payments(
    session: AsyncSession,
    *,
    today: date,
    store_id: int | None,
    after: tuple[date, int] | None,
    limit: int,
) -> Sequence[OverdueLine]:
    """Pending payments due before ``today``, oldest due date first (then by id)."""
    conditions: list[ColumnElement[bool]] = [
        Payment.received_on.is_(None),
        Payment.due_date < today,
    ]
    if store_id is not None:
        conditions.append(Customer.store_id == store_id)
    if after is not None:
        conditions.append(tuple_(Payment.due_date, Payment.id) > tuple_(*after))
    rows = await session.execute(
        select(
            Payment.id,
            Payment.customer_id,
            Customer.name,
            Customer.number,
            Payment.method,
            Payment.amount,
            Payment.due_date,
            Payment.order_number,
        )
        .join(Customer, Customer.id == Payment.customer_id)
        .where(*conditions)
        .order_by(Payment.due_date, Payment.id)
        .limit(limit)
    )
    return [OverdueLine(*row) for row in rows]
