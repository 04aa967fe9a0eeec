"""Every query of the merge: counting a customer's records, moving them in bulk, deleting it.

The tables that hold a customer's records are listed once here (``MOVED``). Every other table
that references a customer is accounted for in ``NOT_MOVED`` with the reason; a test compares
both against the whole schema, so a table added later cannot be forgotten by merges.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from custledger.balance.models import MonthlyTotal
from custledger.customers.models import Customer, CustomerMerge
from custledger.kit import clock
from custledger.kit.idempotency import IdempotencyRecord
from custledger.orders.models import Delivery, Order
from custledger.payments.models import Cheque, Payment
from custledger.stores.models import Store

# Name in the API's `moves`/`moved` → the customer column of the table whose rows move.
# Bulk UPDATEs of customer_id only: ids, order numbers, dates and amounts stay as they were.
MOVED: dict[str, InstrumentedAttribute[Any]] = {
    "payments": Payment.customer_id,
    "cheques": Cheque.customer_id,
    "orders": Order.customer_id,
    "deliveries": Delivery.customer_id,
    "idempotency_keys": IdempotencyRecord.customer_id,
}

# Tables that reference a customer but whose rows are not reassigned, and why.
NOT_MOVED = {
    "customers": "the source row itself is deleted",
    "monthly_totals": "the source's are deleted and the survivor's rebuilt from its entries",
    "audit_log": "history stays under the source id (GET /customers/{source_id}/audit)",
    "stores": "quick_sale_customer_id: quick-sale customers are refused",
}


async def record_merge(session: AsyncSession, source_id: int, survivor_id: int) -> None:
    """Remember where the source went, and repoint the customers merged into it before, so a
    read of any of their ids names the survivor in one look-up."""
    await session.execute(delete(CustomerMerge).where(CustomerMerge.source_id == source_id))
    await session.execute(
        update(CustomerMerge)
        .where(CustomerMerge.survivor_id == source_id)
        .values(survivor_id=survivor_id)
    )
    session.add(CustomerMerge(source_id=source_id, survivor_id=survivor_id, merged_at=clock.now()))
    await session.flush()


async def customer(session: AsyncSession, customer_id: int) -> Customer | None:
    """A plain read (no lock), for the preview and the checks made before locking."""
    return await session.get(Customer, customer_id)


async def is_store_quick_sale(session: AsyncSession, customer_id: int) -> bool:
    """Referenced by a store as its walk-in customer (whatever its own flag says)."""
    found = await session.scalar(
        select(Store.id).where(Store.quick_sale_customer_id == customer_id).limit(1)
    )
    return found is not None


async def count_records(session: AsyncSession, customer_id: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name, column in MOVED.items():
        counts[name] = int(
            await session.scalar(select(func.count()).where(column == customer_id)) or 0
        )
    return counts


async def move_records(session: AsyncSession, source_id: int, survivor_id: int) -> dict[str, int]:
    """Reassign every record of the source to the survivor: one UPDATE per table."""
    moved: dict[str, int] = {}
    for name, column in MOVED.items():
        result = await session.execute(
            update(column.class_)
            .where(column == source_id)
            .values({column.key: survivor_id})
            .execution_options(synchronize_session=False)
        )
        moved[name] = int(getattr(result, "rowcount", 0) or 0)
    return moved


async def delete_monthly_totals(session: AsyncSession, customer_id: int) -> None:
    await session.execute(
        delete(MonthlyTotal)
        .where(MonthlyTotal.customer_id == customer_id)
        .execution_options(synchronize_session=False)
    )


async def delete_customer(session: AsyncSession, customer: Customer) -> None:
    await session.delete(customer)
    await session.flush()
