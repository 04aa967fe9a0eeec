"""Arranging customers, deliveries and payments for the payments and balance tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.balance import service as balance
from custledger.customers.models import Customer
from custledger.kit.audit import AuditEntry
from custledger.kit.db import next_number
from custledger.orders.models import Delivery, Order
from custledger.payments.models import Cheque, Payment

API = "/api/v1"
# 12:00 in São Paulo on 2026-03-10: "today" is 2026-03-10 whichever zone one thinks in.
NOON = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)
YESTERDAY = date(2026, 3, 9)
TOMORROW = date(2026, 3, 11)
# 23:30 on 2026-03-09 in São Paulo is already 2026-03-10 in UTC.
LATE_EVENING = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)

CHEQUE = {
    "predated_to": "2026-04-10",
    "issuer_tax_id": "123.456.789-09",
    "issuer_name": "Maria da Silva",
    "bank": "001",
    "branch": "1234",
    "account": "56789-0",
    "cheque_number": "000101",
}


# What a cheque's read adds to its fields while it is in the drawer.
HELD = {
    "status": "held",
    "deposited_on": None,
    "deposited_by_id": None,
    "cleared_on": None,
    "cleared_by_id": None,
    "returned_on": None,
    "returned_by_id": None,
    "return_reason": None,
}


async def main_store_id(session: AsyncSession) -> int:
    store_id = await session.scalar(text("SELECT id FROM stores WHERE code = 'MAIN'"))
    assert store_id is not None
    return int(store_id)


async def make_customer(
    session: AsyncSession,
    name: str = "Ana Souza",
    *,
    next_invoice_date: date | None = None,
    billing_instructions: str | None = None,
) -> int:
    """A registered customer of the MAIN store, committed."""
    await session.rollback()  # a fresh snapshot: SQLite refuses to write from a stale one
    customer = Customer(
        store_id=await main_store_id(session),
        number=await next_number(session, "customer_number_seq"),
        name=name,
        sort_name=name.lower(),
        search_text=name.lower(),
        next_invoice_date=next_invoice_date,
        billing_instructions=billing_instructions,
    )
    session.add(customer)
    await session.commit()
    return customer.id


async def quick_sale_customer_id(session: AsyncSession) -> int:
    await session.rollback()
    found = await session.scalar(
        text("SELECT quick_sale_customer_id FROM stores WHERE code = 'MAIN'")
    )
    assert found is not None
    await session.rollback()
    return int(found)


async def deliver(
    session: AsyncSession, customer_id: int, cents: int, on: date, created_by: int
) -> None:
    """A delivered credit order: the debit that makes the customer owe ``cents``."""
    await session.rollback()
    customer = await balance.lock_customer(session, customer_id)
    order = Order(
        number=await next_number(session, "order_number_seq"),
        customer_id=customer_id,
        store_id=customer.store_id,
        created_by_id=created_by,
        status="delivered",
        delivery_type="single",
        payment_terms="credit",
        total=cents,
        delivered_amount=cents,
        placed_on=on,
    )
    session.add(order)
    await session.flush()
    session.add(
        Delivery(
            order_id=order.id,
            customer_id=customer_id,
            sequence=1,
            delivered_on=on,
            amount=cents,
            created_by_id=created_by,
            created_at=datetime.now(UTC),
        )
    )
    await balance.move(session, customer, on, delivered=cents)
    await session.commit()


async def pay(
    client: httpx.AsyncClient, actor: Any, customer_id: int, /, **fields: Any
) -> httpx.Response:
    body = {"method": "CASH", "amount": "100.00", **fields}
    headers = dict(actor.headers)
    if "idempotency_key" in body:
        headers["Idempotency-Key"] = body.pop("idempotency_key")
    return await client.post(f"{API}/customers/{customer_id}/payments", json=body, headers=headers)


async def paid(
    client: httpx.AsyncClient, actor: Any, customer_id: int, /, **fields: Any
) -> dict[str, Any]:
    """A payment that must be accepted."""
    r = await pay(client, actor, customer_id, **fields)
    assert r.status_code == 201, r.text
    return r.json()


async def customer_row(session: AsyncSession, customer_id: int) -> Customer:
    """The customer as stored now (a fresh transaction, bypassing the identity map)."""
    await session.rollback()
    found = await session.scalar(
        select(Customer).where(Customer.id == customer_id).execution_options(populate_existing=True)
    )
    assert found is not None
    return found


async def stored_balance(session: AsyncSession, customer_id: int) -> int:
    return (await customer_row(session, customer_id)).balance


async def payment_count(session: AsyncSession, customer_id: int | None = None) -> int:
    await session.rollback()
    query = select(func.count()).select_from(Payment)
    if customer_id is not None:
        query = query.where(Payment.customer_id == customer_id)
    return int(await session.scalar(query) or 0)


async def cheque_count(session: AsyncSession) -> int:
    await session.rollback()
    return int(await session.scalar(select(func.count()).select_from(Cheque)) or 0)


async def audit_entries(session: AsyncSession, action: str) -> list[AuditEntry]:
    await session.rollback()
    rows = await session.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    )
    return list(rows.all())


async def step(
    client: httpx.AsyncClient,
    actor: Any,
    payment_id: int,
    action: str,
    *,
    on: date | None = None,
    headers: dict[str, str] | None = None,
    **body: Any,
) -> httpx.Response:
    """``POST /cheques/{payment_id}/{action}`` (deposit, clear, return)."""
    if on is not None:
        body["on"] = on.isoformat()
    return await client.post(
        f"{API}/cheques/{payment_id}/{action}", json=body, headers=actor.headers | (headers or {})
    )


async def stepped(
    client: httpx.AsyncClient, actor: Any, payment_id: int, action: str, **kwargs: Any
) -> dict[str, Any]:
    """A cheque lifecycle step that must be accepted."""
    r = await step(client, actor, payment_id, action, **kwargs)
    assert r.status_code == 200, r.text
    return r.json()
