"""Every query of the statement: keyset-limited rows of the four sources and the prefix sums.

A statement row's sort key is ``(date, rank, id)``: rank 0 = activity rows (orders), 1 =
deliveries, 2 = payments, 3 = returned cheques (dated by their return), and the id of the row
in its own table. The key is unique and
stable, so it is both the chronological order (with its tie-break) and the keyset cursor.

Each source is read through its own ``(customer_id, date, id)`` index with its own ORDER BY
and LIMIT, so a page costs a few index range scans of page size whatever the history length.
Prefix sums ("everything before this key") come from ``monthly_totals`` for whole months and
from the entries of one month only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Integer,
    Row,
    Select,
    String,
    and_,
    bindparam,
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

from custledger.balance.models import MonthlyTotal
from custledger.customers.models import Customer
from custledger.kit import clock
from custledger.kit.db import Prepared, RowData
from custledger.orders.models import Delivery, Order
from custledger.payments.models import Cheque, Payment

RANK_ACTIVITY = 0
RANK_DELIVERY = 1
RANK_PAYMENT = 2
RANK_RETURNED = 3
RANKS = (RANK_ACTIVITY, RANK_DELIVERY, RANK_PAYMENT, RANK_RETURNED)

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


# Every query below is built once per *shape* (which bounds a window has, the direction, the
# rank of a cursor key) with bound parameters for the values, and kept: building this SQL
# tree costs more CPU than PostgreSQL spends running it, and a kept statement's compiled form
# is found again by its memoised cache key.


def _param(name: str, kind: Any) -> Any:
    return bindparam(name, type_=kind)


CUSTOMER = _param("customer_id", BigInteger)
LIMIT = _param("limit", Integer)


def _before(date_col: Any, id_col: Any, rank: int, key_rank: int, name: str) -> Any:
    """Rows of a source of ``rank`` whose key is strictly below the key bound as ``name``
    (``<name>_date``, ``<name>_id``) of rank ``key_rank``."""
    day, key_id = _param(f"{name}_date", Date), _param(f"{name}_id", BigInteger)
    if rank < key_rank:
        return date_col <= day
    if rank == key_rank:
        return tuple_(date_col, id_col) < tuple_(day, key_id)
    return date_col < day


def _after(date_col: Any, id_col: Any, rank: int, key_rank: int, name: str) -> Any:
    """Rows of a source of ``rank`` whose key is strictly above the key bound as ``name``."""
    day, key_id = _param(f"{name}_date", Date), _param(f"{name}_id", BigInteger)
    if rank > key_rank:
        return date_col >= day
    if rank == key_rank:
        return tuple_(date_col, id_col) > tuple_(day, key_id)
    return date_col > day


@dataclass(frozen=True)
class Shape:
    """What a window's SQL depends on: the direction, the rank of each cursor key, which date
    bounds are set. A few dozen shapes exist; each one's statement is built once."""

    descending: bool
    before_rank: int | None
    after_rank: int | None
    since: bool
    until: bool

    def conditions(self, date_col: Any, id_col: Any, rank: int) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.before_rank is not None:
            found.append(_before(date_col, id_col, rank, self.before_rank, "before"))
        if self.after_rank is not None:
            found.append(_after(date_col, id_col, rank, self.after_rank, "after"))
        if self.since:
            found.append(date_col >= _param("since", Date))
        if self.until:
            found.append(date_col <= _param("until", Date))
        return found

    def order(self, date_col: Any, id_col: Any) -> list[Any]:
        if self.descending:
            return [date_col.desc(), id_col.desc()]
        return [date_col.asc(), id_col.asc()]


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

    @property
    def shape(self) -> Shape:
        return Shape(
            descending=self.descending,
            before_rank=None if self.before is None else self.before[1],
            after_rank=None if self.after is None else self.after[1],
            since=self.since is not None,
            until=self.until is not None,
        )

    def params(self, customer_id: int) -> dict[str, Any]:
        found: dict[str, Any] = {"customer_id": customer_id, "limit": self.limit}
        for name, key in (("before", self.before), ("after", self.after)):
            if key is not None:
                found[f"{name}_date"], found[f"{name}_id"] = key[0], key[2]
        if self.since is not None:
            found["since"] = self.since
        if self.until is not None:
            found["until"] = self.until
        return found


def _null_int() -> Any:
    return cast(null(), BigInteger)


def _null_text() -> Any:
    return cast(null(), String)


def _payments(shape: Shape) -> AnySelect:
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
            Payment.customer_id == CUSTOMER,
            date_col.is_not(None),
            *shape.conditions(date_col, id_col, RANK_PAYMENT),
        )
        .order_by(*shape.order(date_col, id_col))
        .limit(LIMIT)
    )


def _returned(shape: Shape) -> AnySelect:
    """Returned cheques, as debits of their payment's amount on their return date, by
    ix_cheques_customer_returned (the payment is a primary-key lookup per row)."""
    date_col, id_col = Cheque.returned_on, Cheque.id
    return (
        select(
            date_col.label("date"),
            literal_column(str(RANK_RETURNED), Integer).label("rank"),
            id_col.label("id"),
            cast(Cheque.payment_id, BigInteger).label("reference"),
            Payment.method.label("method"),
            _null_text().label("delivery_type"),
            _null_text().label("status"),
            cast(null(), Integer).label("sequence"),
            Payment.amount.label("amount"),
        )
        .join(Payment, Payment.id == Cheque.payment_id)
        .where(
            Cheque.customer_id == CUSTOMER,
            date_col.is_not(None),
            *shape.conditions(date_col, id_col, RANK_RETURNED),
        )
        .order_by(*shape.order(date_col, id_col))
        .limit(LIMIT)
    )


def _deliveries(shape: Shape) -> AnySelect:
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
            Delivery.customer_id == CUSTOMER,
            *shape.conditions(date_col, id_col, RANK_DELIVERY),
        )
        .order_by(*shape.order(date_col, id_col))
        .limit(LIMIT)
    )


def is_activity() -> ColumnElement[bool]:
    """Orders that show as an activity row: every order but a delivered one with a known
    delivery type (its deliveries stand for it)."""
    return not_(and_(Order.status == "delivered", Order.delivery_type != "unspecified"))


def _activity(shape: Shape, bound: Any = None) -> AnySelect:
    """Orders as activity rows, by ix_orders_customer_placed. ``bound`` (a date expression)
    stops the scan where the financial rows already fill the page, so a long run of
    delivered orders (which are not rows) is never walked past the page."""
    date_col, id_col = Order.placed_on, Order.id
    conditions = shape.conditions(date_col, id_col, RANK_ACTIVITY)
    if bound is not None:
        conditions.append(date_col >= bound if shape.descending else date_col <= bound)
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
        .where(Order.customer_id == CUSTOMER, is_activity(), *conditions)
        .order_by(*shape.order(date_col, id_col))
        .limit(LIMIT)
    )


def _ordered(columns: Any, descending: bool) -> list[Any]:
    if descending:
        return [columns.date.desc(), columns.rank.desc(), columns.id.desc()]
    return [columns.date.asc(), columns.rank.asc(), columns.id.asc()]


def rows_query(shape: Shape, *, financial_only: bool) -> AnySelect:
    """One statement: UNION ALL of the keyset-limited sources, merged and cut to ``limit``.

    With activity rows, the orders branch is bounded by the date of the ``limit``-th financial
    row in the window (when there are that many): rows beyond it cannot make the page.
    """
    payments = _payments(shape).subquery("p")
    deliveries = _deliveries(shape).subquery("d")
    returned = _returned(shape).subquery("r")
    financial = union_all(select(payments), select(deliveries), select(returned)).cte("financial")
    if financial_only:
        merged = select(financial)
    else:
        bound = (
            select(financial.c.date)
            .order_by(*_ordered(financial.c, shape.descending))
            .offset(LIMIT - 1)
            .limit(1)
            .scalar_subquery()
        )
        edge = date.min if shape.descending else date.max
        activity = _activity(shape, func.coalesce(bound, edge)).subquery("o")
        merged = union_all(select(financial), select(activity)).subquery("merged").select()
    rows = merged.subquery("rows")
    return select(rows).order_by(*_ordered(rows.c, shape.descending)).limit(LIMIT)


@cache
def _rows(shape: Shape, *, financial_only: bool) -> Prepared:
    return Prepared(rows_query(shape, financial_only=financial_only))


@cache
def _count(shape: Shape, *, financial_only: bool) -> Prepared:
    sources = [_payments(shape), _deliveries(shape), _returned(shape)]
    if not financial_only:
        sources.append(_activity(shape))
    return Prepared(
        select(*(select(func.count()).select_from(q.subquery()).scalar_subquery() for q in sources))
    )


async def count_rows(
    session: AsyncSession, customer_id: int, window: Window, *, financial_only: bool
) -> int:
    """How many rows the window holds, counting at most ``window.limit`` per source: the cost
    stays bounded by the limit however long the history is."""
    query = _count(window.shape, financial_only=financial_only)
    row = await query.first(session, window.params(customer_id))
    assert row is not None
    return sum(int(value) for value in row.values())


async def read_rows(
    session: AsyncSession, customer_id: int, window: Window, *, financial_only: bool
) -> Sequence[RowData]:
    """The window's rows, read by the names of ``COLUMNS``."""
    query = _rows(window.shape, financial_only=financial_only)
    return await query.all(session, window.params(customer_id))


@dataclass(frozen=True)
class Sums:
    """Σ received, Σ delivered and Σ returned cheques over the whole statement and strictly
    before a key."""

    received: int
    delivered: int
    returned: int
    received_before: int
    delivered_before: int
    returned_before: int

    @property
    def balance_before(self) -> int:
        return self.received_before - self.delivered_before - self.returned_before


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _sum(column: Any) -> Any:
    return func.coalesce(func.sum(column), 0)


@cache
def _sums_query(key_rank: int | None, upper: bool = False) -> Prepared:
    """Σ over the monthly totals, and (with a key of ``key_rank``) the part before the key:
    whole months before the key's month plus that month's entries below the key. Those are
    read either directly or (``upper``) as the month's total less its entries at or above the
    key, whichever side of the key holds fewer days of the month: one statement, so one
    snapshot, in which the monthly totals equal their entries."""
    mt = MonthlyTotal
    if key_rank is None:
        return Prepared(
            select(
                _sum(mt.received).label("received"),
                _sum(mt.delivered).label("delivered"),
                _sum(mt.returned).label("returned"),
            ).where(mt.customer_id == CUSTOMER)
        )
    month, next_month = _param("month", Date), _param("next_month", Date)

    def in_month(model: Any, day: Any, rank: int) -> Any:
        below = _before(day, model.id, rank, key_rank, "key")
        side = [~below, day < next_month] if upper else [below]
        return (
            select(_sum(model.amount))
            .where(model.customer_id == CUSTOMER, day >= month, *side)
            .scalar_subquery()
        )

    def returned_in_month() -> Any:
        day = Cheque.returned_on
        below = _before(day, Cheque.id, RANK_RETURNED, key_rank, "key")
        side = [~below, day < next_month] if upper else [below]
        return (
            select(_sum(Payment.amount))
            .select_from(Cheque)
            .join(Payment, Payment.id == Cheque.payment_id)
            .where(Cheque.customer_id == CUSTOMER, day >= month, *side)
            .scalar_subquery()
        )

    def months(column: Any, *, before: bool) -> Any:
        wanted = mt.month < month if before else mt.month == month
        zero = literal_column("0", BigInteger)
        return func.coalesce(func.sum(case((wanted, column), else_=zero)), 0)

    return Prepared(
        select(
            _sum(mt.received).label("received"),
            _sum(mt.delivered).label("delivered"),
            _sum(mt.returned).label("returned"),
            months(mt.received, before=True).label("received_earlier"),
            months(mt.delivered, before=True).label("delivered_earlier"),
            months(mt.returned, before=True).label("returned_earlier"),
            months(mt.received, before=False).label("received_month"),
            months(mt.delivered, before=False).label("delivered_month"),
            months(mt.returned, before=False).label("returned_month"),
            in_month(Payment, Payment.received_on, RANK_PAYMENT).label("received_in_month"),
            in_month(Delivery, Delivery.delivered_on, RANK_DELIVERY).label("delivered_in_month"),
            returned_in_month().label("returned_in_month"),
        ).where(mt.customer_id == CUSTOMER)
    )


def next_month_start(day: date) -> date:
    """The first day of the next month; for December 9999 (a `from` or `to` at the end of the
    calendar) the last day there is: no entry is ever dated after today."""
    if day.year == date.max.year and day.month == 12:
        return date.max
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def from_month_end(day: date) -> bool:
    """Whether fewer days of ``day``'s month lie after it (up to today) than before it: then
    its month is summed from the end (``_sums_query``'s ``upper``)."""
    last = min(next_month_start(day) - timedelta(days=1), clock.today())
    return (last - day) < (day - _month_start(day))


async def sums(session: AsyncSession, customer_id: int, key: Key | None) -> Sums:
    """Totals over the whole statement and before ``key`` (None: before nothing, i.e. all),
    from the monthly totals for the months before the key's month plus the entries of that
    month below the key (counted from whichever end of the month is nearer): a few dozen rows
    and at most half a month of entries, whatever the length of the history. A statement's
    first page has its key near today, so it reads only the entries of its own page."""
    if key is None:
        row = await _sums_query(None).first(session, {"customer_id": customer_id})
        assert row is not None
        received, delivered = int(row["received"]), int(row["delivered"])
        returned = int(row["returned"])
        return Sums(received, delivered, returned, received, delivered, returned)
    upper = from_month_end(key[0])
    params = {
        "customer_id": customer_id,
        "month": _month_start(key[0]),
        "next_month": next_month_start(key[0]),
        "key_date": key[0],
        "key_id": key[2],
    }
    row = await _sums_query(key[1], upper).first(session, params)
    assert row is not None
    received_in_month, delivered_in_month, returned_in_month = (
        int(row["received_in_month"]),
        int(row["delivered_in_month"]),
        int(row["returned_in_month"]),
    )
    if upper:
        received_in_month = int(row["received_month"]) - received_in_month
        delivered_in_month = int(row["delivered_month"]) - delivered_in_month
        returned_in_month = int(row["returned_month"]) - returned_in_month
    return Sums(
        received=int(row["received"]),
        delivered=int(row["delivered"]),
        returned=int(row["returned"]),
        received_before=int(row["received_earlier"]) + received_in_month,
        delivered_before=int(row["delivered_earlier"]) + delivered_in_month,
        returned_before=int(row["returned_earlier"]) + returned_in_month,
    )


@cache
def _edge_query(*, financial_only: bool, newest: bool, since: bool, until: bool) -> Prepared:
    def dated(column: Any) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if since:
            found.append(column >= _param("since", Date))
        if until:
            found.append(column <= _param("until", Date))
        return found

    edge = func.max if newest else func.min
    payment_edge = (
        select(edge(Payment.received_on))
        .where(
            Payment.customer_id == CUSTOMER,
            Payment.received_on.is_not(None),
            *dated(Payment.received_on),
        )
        .scalar_subquery()
    )
    delivery_edge = (
        select(edge(Delivery.delivered_on))
        .where(Delivery.customer_id == CUSTOMER, *dated(Delivery.delivered_on))
        .scalar_subquery()
    )
    returned_edge = (
        select(edge(Cheque.returned_on))
        .where(
            Cheque.customer_id == CUSTOMER,
            Cheque.returned_on.is_not(None),
            *dated(Cheque.returned_on),
        )
        .scalar_subquery()
    )
    columns: list[Any] = [
        payment_edge.label("payment"),
        delivery_edge.label("delivery"),
        returned_edge.label("returned"),
    ]
    if not financial_only:
        placed = Order.placed_on
        if newest:
            beyond = [
                placed >= func.coalesce(payment_edge, date.min),
                placed >= func.coalesce(delivery_edge, date.min),
                placed >= func.coalesce(returned_edge, date.min),
            ]
            order: list[Any] = [placed.desc(), Order.id.desc()]
        else:
            beyond = [
                placed <= func.coalesce(payment_edge, date.max),
                placed <= func.coalesce(delivery_edge, date.max),
                placed <= func.coalesce(returned_edge, date.max),
            ]
            order = [placed.asc(), Order.id.asc()]
        activity_edge = (
            select(placed)
            .where(Order.customer_id == CUSTOMER, is_activity(), *dated(placed), *beyond)
            .order_by(*order)
            .limit(1)
            .scalar_subquery()
        )
        columns.append(activity_edge.label("activity"))
    return Prepared(select(*columns))


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
    query = _edge_query(
        financial_only=financial_only,
        newest=newest,
        since=since is not None,
        until=until is not None,
    )
    params: dict[str, Any] = {"customer_id": customer_id}
    if since is not None:
        params["since"] = since
    if until is not None:
        params["until"] = until
    row = await query.first(session, params)
    assert row is not None
    found: list[date] = [value for value in row.values() if value is not None]
    if not found:
        return None
    return max(found) if newest else min(found)


_CUSTOMER_HEADER = Prepared(
    select(Customer.id, Customer.number, Customer.name, Customer.tax_id).where(
        Customer.id == CUSTOMER
    )
)


async def customer(session: AsyncSession, customer_id: int) -> RowData | None:
    """What the statement shows of the customer (its header: id, number, name, tax_id)."""
    return await _CUSTOMER_HEADER.first(session, {"customer_id": customer_id})
