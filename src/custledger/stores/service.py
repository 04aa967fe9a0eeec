"""Stores, each with its hidden quick-sale (walk-in) customer made in the same transaction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from custledger.customers.models import Customer
from custledger.kit import audit
from custledger.kit.errors import Conflict, NotFound
from custledger.stores import repository
from custledger.stores.models import Store

DEFAULT_STORE_CODE = "MAIN"
QUICK_SALE_PREFIX = "Quick sale — "


def quick_sale_name(store_name: str) -> str:
    """The hidden walk-in customer's name, derived from its store's: always within the customer
    name column (a store name may be as long as that column, the prefix would not fit beside
    it), shortened with an ellipsis when it has to be."""
    width = getattr(Customer.__table__.c.name.type, "length", None)
    assert isinstance(width, int)
    name = QUICK_SALE_PREFIX + store_name
    if len(name) <= width:
        return name
    return name[: width - 1] + "…"


def snapshot(store: Store) -> dict[str, object]:
    return {"code": store.code, "name": store.name}


async def create_store(
    session: AsyncSession, code: str, name: str, actor_id: int | None = None
) -> Store:
    code = code.upper()
    if await repository.by_code(session, code) is not None:
        raise Conflict(f"A store with code {code} already exists.", type="store-code-taken")
    store = Store(code=code, name=name)
    session.add(store)
    await session.flush()
    quick_sale = Customer(
        store_id=store.id,
        is_quick_sale=True,
        name=quick_sale_name(name),
        sort_name="",
        search_text="",
    )
    session.add(quick_sale)
    await session.flush()
    store.quick_sale_customer_id = quick_sale.id
    await session.flush()
    await audit.record(
        session,
        principal_id=actor_id,
        action="store.create",
        entity_type="store",
        entity_id=store.id,
        after=snapshot(store) | {"quick_sale_customer_id": quick_sale.id},
    )
    return store


async def get_store(session: AsyncSession, store_id: int) -> Store:
    store = await repository.by_id(session, store_id)
    if store is None:
        raise NotFound(f"No store with id {store_id}.")
    return store


async def store_by_code(session: AsyncSession, code: str) -> Store:
    store = await repository.by_code(session, code)
    if store is None:
        raise NotFound(f"No store with code {code}.")
    return store


async def rename_store(session: AsyncSession, store_id: int, name: str, actor_id: int) -> Store:
    store = await get_store(session, store_id)
    before = snapshot(store)
    store.name = name
    if store.quick_sale_customer_id is not None:
        # The walk-in customer carries the store's name: it follows a rename.
        quick_sale = await session.get(Customer, store.quick_sale_customer_id)
        if quick_sale is not None:
            quick_sale.name = quick_sale_name(name)
    await session.flush()
    await audit.record(
        session,
        principal_id=actor_id,
        action="store.update",
        entity_type="store",
        entity_id=store.id,
        before=before,
        after=snapshot(store),
    )
    return store
