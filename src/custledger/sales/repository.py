"""The queries of a sale of its own (the rest goes through the orders and payments domains)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.stores.models import Store


async def quick_sale_customer_of(session: AsyncSession, store_id: int) -> int | None:
    return await session.scalar(select(Store.quick_sale_customer_id).where(Store.id == store_id))
