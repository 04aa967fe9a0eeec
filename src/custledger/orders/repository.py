"""Every query of the orders domain. Reads select columns (no ORM hydration); the write path
loads and locks the one order it changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, exists, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.customers.models import Customer
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
