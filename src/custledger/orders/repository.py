"""Every query of the orders domain. Reads select columns (no ORM hydration); the write path
loads and locks the one order it changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, exists, func, select, tuple_, update
from sqlalchemy import Sequence as SqlSequence
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.balance import service as balance
from custledger.customers.models import Customer
from custledger.kit import audit
from custledger.kit.db import Prepared, RowData, insert_row, prefixed, table
from custledger.orders.models import Delivery, Order

ORDER_COLUMNS = (
    Order.id,
    Order.number,
    Order.customer_id,
    Order.store_id,
    Order.kind,
    Order.status,
    Order.delivery_type,
    Order.payment_terms,
    Order.total,
    Order.delivered_amount,
    Order.placed_on,
    Order.closed_on,
    Order.created_at,
    Order.updated_at,
    Order.version,
    Order.external_ref,
    Customer.number.label("customer_number"),
    Customer.name.label("customer_name"),
)


def _orders() -> Select[*tuple[Any, ...]]:
    """Order rows with the customer's number and name (every order representation names its
    customer)."""
    return select(*ORDER_COLUMNS).join(Customer, Customer.id == Order.customer_id)


Row = dict[str, Any]


async def order_row(session: AsyncSession, order_id: int) -> Row | None:
    result = await session.execute(_orders().where(Order.id == order_id))
    row = result.mappings().one_or_none()
    return None if row is None else dict(row)


async def customer_of_order(session: AsyncSession, order_id: int) -> int | None:
    return await session.scalar(select(Order.customer_id).where(Order.id == order_id))


async def lock_order(session: AsyncSession, order_id: int) -> Order | None:
    """The order, locked until the transaction ends. Lock its customer first."""
    return await session.scalar(
        select(Order)
        .where(Order.id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def order_with_number(session: AsyncSession, number: int) -> int | None:
    """The id of the order carrying ``number``, if any."""
    return await session.scalar(select(Order.id).where(Order.number == number))


async def order_with_external_ref(
    session: AsyncSession, created_by_id: int, external_ref: str
) -> tuple[int, int] | None:
    """(id, number) of the principal's order carrying ``external_ref``, if any."""
    found = (
        await session.execute(
            select(Order.id, Order.number).where(
                Order.external_ref == external_ref, Order.created_by_id == created_by_id
            )
        )
    ).first()
    return None if found is None else (found[0], found[1])


async def customer_ref(session: AsyncSession, customer_id: int) -> Row:
    """The customer's id, number and name."""
    found = (
        (
            await session.execute(
                select(Customer.id, Customer.number, Customer.name).where(
                    Customer.id == customer_id
                )
            )
        )
        .mappings()
        .one()
    )
    return dict(found)


async def customer_exists(session: AsyncSession, customer_id: int) -> bool:
    return bool(await session.scalar(select(exists().where(Customer.id == customer_id))))


async def last_sequence(session: AsyncSession, order_id: int) -> int:
    value = await session.scalar(
        select(func.coalesce(func.max(Delivery.sequence), 0)).where(Delivery.order_id == order_id)
    )
    return int(value or 0)


async def deliveries_of(session: AsyncSession, order_ids: Sequence[int]) -> dict[int, list[Row]]:
    """The deliveries of each order, by sequence."""
    found: dict[int, list[Row]] = {order_id: [] for order_id in order_ids}
    if not order_ids:
        return found
    result = await session.execute(
        select(
            Delivery.order_id,
            Delivery.id,
            Delivery.sequence,
            Delivery.delivered_on,
            Delivery.amount,
        )
        .where(Delivery.order_id.in_(order_ids))
        .order_by(Delivery.order_id, Delivery.sequence)
    )
    for row in result.mappings():
        found[row["order_id"]].append(dict(row))
    return found


async def list_orders(
    session: AsyncSession,
    *,
    customer_id: int | None,
    status: str | None,
    after: tuple[date, int] | None,
    limit: int,
    number: int | None = None,
    external_ref: str | None = None,
) -> list[Row]:
    """Newest first by placed date, then id; ``limit + 1`` rows tell whether more follow."""
    query = _orders()
    if number is not None:
        query = query.where(Order.number == number)
    if external_ref is not None:
        query = query.where(Order.external_ref == external_ref)
    if customer_id is not None:
        query = query.where(Order.customer_id == customer_id)
    if status is not None:
        query = query.where(Order.status == status)
    if after is not None:
        query = query.where(tuple_(Order.placed_on, Order.id) < tuple_(*after))
    query = query.order_by(Order.placed_on.desc(), Order.id.desc()).limit(limit + 1)
    return [dict(row) for row in (await session.execute(query)).mappings()]


# --- the writes of a sale, PostgreSQL only (each one round trip) ---------------------------

_order_rows = table(Order)
_delivery_rows = table(Delivery)


def _numbered_together() -> Prepared:
    """An order with the next assigned number and its audit row; no row at all when that
    number (taken by a POS) or the principal's external reference is already used, which
    leaves the transaction usable (no savepoint to set and release around it)."""
    order = (
        postgresql.insert(_order_rows)
        .values(
            {
                c.name: SqlSequence("order_number_seq").next_value()
                if c.name == "number"
                else bindparam(c.name)
                for c in _order_rows.c
                if c.name != "id"
            }
        )
        .on_conflict_do_nothing()
        .returning(_order_rows.c.id, _order_rows.c.number)
        .cte("new_order")
    )
    entry = audit.insert_about_each(
        order, order.c.id, filled={("after", "number"): order.c.number}
    ).cte("audit_entry")
    return Prepared(select(order.c.id, order.c.number).add_cte(entry))


_NUMBERED_TOGETHER = _numbered_together()


async def insert_numbered_order(
    session: AsyncSession, values: dict[str, Any], audit_entry: dict[str, Any]
) -> RowData | None:
    """PostgreSQL: write the order (every column's value but the number and the id) with the
    next number of ``order_number_seq`` and its audit row (``audit.entry``; the number goes
    into its ``after.number``) in one statement; the order's ``id`` and ``number``, or None
    (and no audit row) when the number or the external reference was already taken."""
    return await _NUMBERED_TOGETHER.first(
        session, {**values, **prefixed(audit.PREFIX, audit_entry)}
    )


# The rows' parameters in the statement that writes a delivery.
_DELIVERY, _ORDER = "delivery_", "order_"


def _delivered_together() -> Prepared:
    delivery = insert_row(Delivery, _DELIVERY).returning(_delivery_rows.c.id).cte("delivery")
    delivery_id = select(delivery.c.id).scalar_subquery()
    order = (
        update(_order_rows)
        .where(_order_rows.c.id == bindparam(_ORDER + "id"))
        .values(
            {
                name: bindparam(_ORDER + name)
                for name in ("delivered_amount", "status", "version", "updated_at")
            }
        )
        .cte("order_delivered")
    )
    entry = audit.insert_about(filled={("delivery", "id"): delivery_id}).cte("audit_entry")
    return Prepared(
        balance.move_statement()
        .add_cte(delivery, order, entry)
        .returning(delivery_id.label("delivery_id"))
    )


_DELIVERED_TOGETHER = _delivered_together()


async def insert_delivery_together(
    session: AsyncSession,
    delivery: dict[str, Any],
    order: dict[str, Any],
    audit_entry: dict[str, Any],
    move: dict[str, Any],
) -> RowData:
    """PostgreSQL: a delivery row, its order's new ``delivered_amount``, ``status``,
    ``version`` and ``updated_at`` (``order``, with its ``id``), the order's audit row
    (``audit.entry``; the delivery's id goes into its ``delivery.id``) and the balance's move
    (``balance.move_values``) in one statement. Returns ``delivery_id`` and ``balance``."""
    params = {
        **prefixed(_DELIVERY, delivery),
        **prefixed(_ORDER, order),
        **prefixed(audit.PREFIX, audit_entry),
        **move,
    }
    row = await _DELIVERED_TOGETHER.first(session, params)
    assert row is not None
    return row
