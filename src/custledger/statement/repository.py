"""Every query of the statement: keyset-limited rows of the three sources and the prefix sums.

A statement row's sort key is ``(date, rank, id)``: rank 0 = activity rows (orders), 1 =
deliveries, 2 = payments, and the id of the row in its own table. The key is unique and
stable, so it is both the chronological order (with its tie-break) and the keyset cursor.

Each source is read through its own ``(customer_id, date, id)`` index with its own ORDER BY
and LIMIT, so a page costs a few index range scans of page size whatever the history length.
Prefix sums ("everything before this key") come from ``monthly_totals`` for whole months and
from the entries of one month only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Row,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal_column,
    not_,
    null,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from custledger.balance.models import MonthlyTotal
from custledger.customers.models import Customer
from custledger.orders.models import Delivery, Order
from custledger.payments.models import Payment

RANK_ACTIVITY = 0
RANK_DELIVERY = 1
RANK_PAYMENT = 2

# (date, rank, id): the position of a row in the statement.
Key = tuple[date, int, int]
AnyRow = Row[*tuple[Any, ...]]
AnySelect = Select[*tuple[Any, ...]]

# The columns every branch yields, in this order.
COLUMNS = (
    "date",
    "rank",
    "id",
    "reference",
    "method",
    "delivery_type",
    "status",
    "sequence",
    "amount",
)


def _before(date_col: Any, id_col: Any, rank: int, key: Key) -> ColumnElement[bool]:
    """Rows of a source of ``rank`` whose key is strictly below ``key``."""
    day, key_rank, key_id = key
    if rank < key_rank:
        return date_col <= day  # type: ignore[no-any-return]
    if rank == key_rank:
        return tuple_(date_col, id_col) < tuple_(day, key_id)
    return date_col < day  # type: ignore[no-any-return]


def _after(date_col: Any, id_col: Any, rank: int, key: Key) -> ColumnElement[bool]:
    """Rows of a source of ``rank`` whose key is strictly above ``key``."""
    day, key_rank, key_id = key
    if rank > key_rank:
        return date_col >= day  # type: ignore[no-any-return]
    if rank == key_rank:
        return tuple_(date_col, id_col) > tuple_(day, key_id)
    return date_col > day  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Window:
    """Which rows to read: strictly below ``before`` / above ``after`` (keys), dated within
    ``since``..``until`` (inclusive), newest first when ``descending``, at most ``limit``."""

    limit: int
    descending: bool = True
    before: Key | None = None
    after: Key | None = None
    since: date | None = None
    until: date | None = None

    def conditions(self, date_col: Any, id_col: Any, rank: int) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.before is not None:
            found.append(_before(date_col, id_col, rank, self.before))
        if self.after is not None:
            found.append(_after(date_col, id_col, rank, self.after))
        if self.since is not None:
            found.append(date_col >= self.since)
        if self.until is not None:
            found.append(date_col <= self.until)
        return found

    def order(self, date_col: Any, id_col: Any) -> list[Any]:
        if self.descending:
            return [date_col.desc(), id_col.desc()]
        return [date_col.asc(), id_col.asc()]


def _null_int() -> Any:
    return cast(null(), BigInteger)


def _null_text() -> Any:
    return cast(null(), String)


def _payments(customer_id: int, window: Window) -> AnySelect:
    """Received payments (pending ones are not statement rows), by
    ix_payments_customer_received."""
    date_col, id_col = Payment.received_on, Payment.id
    return (
        select(
            date_col.label("date"),
            literal_column(str(RANK_PAYMENT), Integer).label("rank"),
            id_col.label("id"),
            cast(Payment.id, BigInteger).label("reference"),
            Payment.method.label("method"),
            _null_text().label("delivery_type"),
            _null_text().label("status"),
            cast(null(), Integer).label("sequence"),
            Payment.amount.label("amount"),
        )
        .where(
            Payment.customer_id == customer_id,
            date_col.is_not(None),
            *window.conditions(date_col, id_col, RANK_PAYMENT),
        )
        .order_by(*window.order(date_col, id_col))
        .limit(window.limit)
    )


def _deliveries(customer_id: int, window: Window) -> AnySelect:
    """Deliveries with their order's number and delivery type, by
    ix_deliveries_customer_delivered (the order is a primary-key lookup per row)."""
    date_col, id_col = Delivery.delivered_on, Delivery.id
    return (
        select(
            date_col.label("date"),
            literal_column(str(RANK_DELIVERY), Integer).label("rank"),
            id_col.label("id"),
            Order.number.label("reference"),
            _null_text().label("method"),
            Order.delivery_type.label("delivery_type"),
            _null_text().label("status"),
            Delivery.sequence.label("sequence"),
            Delivery.amount.label("amount"),
        )
        .join(Order, Order.id == Delivery.order_id)
        .where(
            Delivery.customer_id == customer_id,
            *window.conditions(date_col, id_col, RANK_DELIVERY),
        )
        .order_by(*window.order(date_col, id_col))
        .limit(window.limit)
    )


def is_activity() -> ColumnElement[bool]:
    """Orders that show as an activity row: every order but a delivered one with a known
    delivery type (its deliveries stand for it)."""
    return not_(and_(Order.status == "delivered", Order.delivery_type != "unspecified"))


def _activity(customer_id: int, window: Window, bound: Any = None) -> AnySelect:
    """Orders as activity rows, by ix_orders_customer_placed. ``bound`` (a date expression)
    stops the scan where the financial rows already fill the page, so a long run of
    delivered orders (which are not rows) is never walked past the page."""
    date_col, id_col = Order.placed_on, Order.id
    conditions = window.conditions(date_col, id_col, RANK_ACTIVITY)
    if bound is not None:
        conditions.append(date_col >= bound if window.descending else date_col <= bound)
    return (
        select(
            date_col.label("date"),
            literal_column(str(RANK_ACTIVITY), Integer).label("rank"),
            id_col.label("id"),
            Order.number.label("reference"),
            _null_text().label("method"),
            Order.delivery_type.label("delivery_type"),
            Order.status.label("status"),
            cast(null(), Integer).label("sequence"),
            _null_int().label("amount"),
        )
        .where(Order.customer_id == customer_id, is_activity(), *conditions)
        .order_by(*window.order(date_col, id_col))
        .limit(window.limit)
    )


def _ordered(columns: Any, descending: bool) -> list[Any]:
    if descending:
        return [columns.date.desc(), columns.rank.desc(), columns.id.desc()]
    return [columns.date.asc(), columns.rank.asc(), columns.id.asc()]


def rows_query(customer_id: int, window: Window, *, financial_only: bool) -> AnySelect:
    """One statement: UNION ALL of the keyset-limited sources, merged and cut to ``limit``.

    With activity rows, the orders branch is bounded by the date of the ``limit``-th financial
    row in the window (when there are that many): rows beyond it cannot make the page.
    """
    payments = _payments(customer_id, window).subquery("p")
    deliveries = _deliveries(customer_id, window).subquery("d")
    financial = union_all(select(payments), select(deliveries)).cte("financial")
    if financial_only:
        merged = select(financial)
    else:
        bound = (
            select(financial.c.date)
            .order_by(*_ordered(financial.c, window.descending))
            .offset(window.limit - 1)
            .limit(1)
            .scalar_subquery()
        )
        edge = date.min if window.descending else date.max
        activity = _activity(customer_id, window, func.coalesce(bound, edge)).subquery("o")
        merged = union_all(select(financial), select(activity)).subquery("merged").select()
    rows = merged.subquery("rows")
    return select(rows).order_by(*_ordered(rows.c, window.descending)).limit(window.limit)


async def count_rows(
    session: AsyncSession, customer_id: int, window: Window, *, financial_only: bool
) -> int:
    """How many rows the window holds, counting at most ``window.limit`` per source: the cost
    stays bounded by the limit however long the history is."""
    sources = [_payments(customer_id, window), _deliveries(customer_id, window)]
    if not financial_only:
        sources.append(_activity(customer_id, window))
    counts = [select(func.count()).select_from(q.subquery()).scalar_subquery() for q in sources]
    row = (await session.execute(select(*counts))).one()
    return sum(int(value) for value in row)


async def read_rows(
    session: AsyncSession, customer_id: int, window: Window, *, financial_only: bool
) -> Sequence[AnyRow]:
    result = await session.execute(rows_query(customer_id, window, financial_only=financial_only))
    return result.all()


@dataclass(frozen=True)
class Sums:
    """Σ received and Σ delivered over the whole statement and strictly before a key."""

    received: int
    delivered: int
    received_before: int
    delivered_before: int

    @property
    def balance_before(self) -> int:
        return self.received_before - self.delivered_before


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _sum(column: InstrumentedAttribute[int]) -> Any:
    return func.coalesce(func.sum(column), 0)


async def sums(session: AsyncSession, customer_id: int, key: Key | None) -> Sums:
    """Totals over the whole statement and before ``key`` (None: before nothing, i.e. all),
    from the monthly totals for the months before the key's month plus the entries of that
    month below the key: a few dozen rows whatever the length of the history."""
    mt = MonthlyTotal
    if key is None:
        row = (
            await session.execute(
                select(_sum(mt.received), _sum(mt.delivered)).where(mt.customer_id == customer_id)
            )
        ).one()
        received, delivered = int(row[0]), int(row[1])
        return Sums(received, delivered, received, delivered)
    month = _month_start(key[0])
    earlier = mt.month < month
    in_month_received = (
        select(_sum(Payment.amount))
        .where(
            Payment.customer_id == customer_id,
            Payment.received_on >= month,
            _before(Payment.received_on, Payment.id, RANK_PAYMENT, key),
        )
        .scalar_subquery()
    )
    in_month_delivered = (
        select(_sum(Delivery.amount))
        .where(
            Delivery.customer_id == customer_id,
            Delivery.delivered_on >= month,
            _before(Delivery.delivered_on, Delivery.id, RANK_DELIVERY, key),
        )
        .scalar_subquery()
    )
    zero = literal_column("0", BigInteger)
    row = (
        await session.execute(
            select(
                _sum(mt.received),
                _sum(mt.delivered),
                func.coalesce(func.sum(case((earlier, mt.received), else_=zero)), 0),
                func.coalesce(func.sum(case((earlier, mt.delivered), else_=zero)), 0),
                in_month_received,
                in_month_delivered,
            ).where(mt.customer_id == customer_id)
        )
    ).one()
    return Sums(
        received=int(row[0]),
        delivered=int(row[1]),
        received_before=int(row[2]) + int(row[4]),
        delivered_before=int(row[3]) + int(row[5]),
    )


async def edge_date(
    session: AsyncSession,
    customer_id: int,
    *,
    financial_only: bool,
    newest: bool = True,
    since: date | None = None,
    until: date | None = None,
) -> date | None:
    """The date of the statement's newest (or oldest) row dated within ``since``..``until``:
    each source's edge by its index. An activity row only counts beyond the financial rows'
    edge, so the orders scan stops there instead of walking delivered orders."""

    def dated(column: Any) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if since is not None:
            found.append(column >= since)
        if until is not None:
            found.append(column <= until)
        return found

    edge = func.max if newest else func.min
    payment_edge = (
        select(edge(Payment.received_on))
        .where(
            Payment.customer_id == customer_id,
            Payment.received_on.is_not(None),
            *dated(Payment.received_on),
        )
        .scalar_subquery()
    )
    delivery_edge = (
        select(edge(Delivery.delivered_on))
        .where(Delivery.customer_id == customer_id, *dated(Delivery.delivered_on))
        .scalar_subquery()
    )
    columns: list[Any] = [payment_edge, delivery_edge]
    if not financial_only:
        placed = Order.placed_on
        if newest:
            beyond = [
                placed >= func.coalesce(payment_edge, date.min),
                placed >= func.coalesce(delivery_edge, date.min),
            ]
            order: list[Any] = [placed.desc(), Order.id.desc()]
        else:
            beyond = [
                placed <= func.coalesce(payment_edge, date.max),
                placed <= func.coalesce(delivery_edge, date.max),
            ]
            order = [placed.asc(), Order.id.asc()]
        activity_edge = (
            select(placed)
            .where(Order.customer_id == customer_id, is_activity(), *dated(placed), *beyond)
            .order_by(*order)
            .limit(1)
            .scalar_subquery()
        )
        columns.append(activity_edge)
    row = (await session.execute(select(*columns))).one()
    found: list[date] = [value for value in row if value is not None]
    if not found:
        return None
    return max(found) if newest else min(found)


async def customer(session: AsyncSession, customer_id: int) -> AnyRow | None:
    """What the statement shows of the customer (its header), or None."""
    result = await session.execute(
        select(Customer.id, Customer.number, Customer.name, Customer.tax_id).where(
            Customer.id == customer_id
        )
    )
    return result.one_or_none()
