from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.stores.models import Store


async def by_id(session: AsyncSession, store_id: int) -> Store | None:
    return await session.get(Store, store_id)


async def by_code(session: AsyncSession, code: str) -> Store | None:
    return await session.scalar(select(Store).where(Store.code == code.upper()))


async def all_stores(session: AsyncSession) -> list[Store]:
    return list((await session.scalars(select(Store).order_by(Store.code))).all())
