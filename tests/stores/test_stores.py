"""Stores, each with exactly one hidden quick-sale customer."""

from __future__ import annotations

from sqlalchemy import func, select

from custledger.customers.models import Customer

STORES = "/api/v1/stores"


async def test_fresh_database_has_the_main_store_with_its_quick_sale_customer(client, clerk):
    r = await client.get(STORES, headers=clerk.headers)
    assert r.status_code == 200
    [main] = r.json()
    assert main["code"] == "MAIN"
    assert main["quick_sale_customer_id"] is not None


async def test_creating_a_store_creates_exactly_one_quick_sale_customer(client, owner, session):
    r = await client.post(STORES, json={"code": "sp01", "name": "São Paulo"}, headers=owner.headers)
    assert r.status_code == 201, r.text
    store = r.json()
    assert store["code"] == "SP01"
    quick = await session.scalars(
        select(Customer).where(Customer.store_id == store["id"], Customer.is_quick_sale)
    )
    [customer] = quick.all()
    assert customer.id == store["quick_sale_customer_id"]
    assert customer.number is None
    total_quick = await session.scalar(
        select(func.count()).select_from(Customer).where(Customer.is_quick_sale)
    )
    assert total_quick == 2


async def test_store_code_is_unique(client, owner):
    assert (
        await client.post(STORES, json={"code": "RJ", "name": "Rio"}, headers=owner.headers)
    ).status_code == 201
    r = await client.post(STORES, json={"code": "rj", "name": "Rio 2"}, headers=owner.headers)
    assert r.status_code == 409
    assert r.json()["type"] == "store-code-taken"


async def test_only_the_owner_writes_stores(client, manager):
    r = await client.post(STORES, json={"code": "BH", "name": "BH"}, headers=manager.headers)
    assert r.status_code == 403
    r = await client.patch(f"{STORES}/1", json={"name": "x"}, headers=manager.headers)
    assert r.status_code == 403


async def test_owner_renames_a_store(client, owner):
    r = await client.patch(f"{STORES}/1", json={"name": "Matriz"}, headers=owner.headers)
    assert r.status_code == 200
    assert r.json()["name"] == "Matriz"
    assert (
        await client.patch(f"{STORES}/99", json={"name": "x"}, headers=owner.headers)
    ).status_code == 404


async def quick_sale_name_of(session, store: dict) -> str:
    await session.rollback()  # a fresh snapshot: the app committed since the last read
    name = await session.scalar(
        select(Customer.name).where(Customer.id == store["quick_sale_customer_id"])
    )
    assert isinstance(name, str)
    return name


async def test_a_store_name_as_long_as_allowed_makes_a_quick_sale_customer_that_fits(
    client, owner, session
):
    # The quick-sale customer's name is the store's with a prefix: at 199 and 200 characters
    # it no longer fitted the customer name column (a 500).
    for code, length in (("L199", 199), ("L200", 200)):
        r = await client.post(
            STORES, json={"code": code, "name": "0" * length}, headers=owner.headers
        )
        assert r.status_code == 201, r.text
        assert r.json()["name"] == "0" * length
        name = await quick_sale_name_of(session, r.json())
        assert len(name) == 200
        assert name.startswith("Quick sale — 000") and name.endswith("0…")


async def test_renaming_a_store_renames_its_quick_sale_customer_within_the_column(
    client, owner, session
):
    r = await client.post(STORES, json={"code": "RN", "name": "Short"}, headers=owner.headers)
    store = r.json()
    assert await quick_sale_name_of(session, store) == "Quick sale — Short"
    for length in (199, 200):
        r = await client.patch(
            f"{STORES}/{store['id']}", json={"name": "9" * length}, headers=owner.headers
        )
        assert r.status_code == 200, r.text
        assert r.json()["name"] == "9" * length
        assert len(await quick_sale_name_of(session, store)) == 200
    r = await client.patch(
        f"{STORES}/{store['id']}", json={"name": "Centro"}, headers=owner.headers
    )
    assert await quick_sale_name_of(session, store) == "Quick sale — Centro"
