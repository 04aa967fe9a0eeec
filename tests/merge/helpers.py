"""Arranging customers with every kind of record, straight through the models and the balance
rule (lock the customer, insert, ``move``), as the payments and orders services do."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.balance import service as balance
from custledger.balance.models import MonthlyTotal
from custledger.customers.models import Customer
from custledger.kit import clock
from custledger.kit.db import Database, next_number
from custledger.kit.errors import NotFound
from custledger.kit.idempotency import COMPLETED, IdempotencyRecord
from custledger.kit.text import fold
from custledger.orders.models import Delivery, Order
from custledger.payments.models import Cheque, Payment
from custledger.stores.models import Store

API = "/api/v1"


async def main_store(session: AsyncSession) -> Store:
    store = await session.scalar(select(Store).where(Store.code == "MAIN"))
    assert store is not None
    return store


async def quick_sale_customer_id(session: AsyncSession) -> int:
    store = await main_store(session)
    assert store.quick_sale_customer_id is not None
    return store.quick_sale_customer_id


async def make_customer(session: AsyncSession, name: str, **fields: object) -> int:
    store = await main_store(session)
    customer = Customer(
        store_id=store.id,
        number=await next_number(session, "customer_number_seq"),
        name=name,
        sort_name=fold(name),
        search_text=fold(name),
        **fields,
    )
    session.add(customer)
    await session.flush()
    return customer.id


async def add_payment(
    session: AsyncSession,
    customer_id: int,
    recorded_by: int,
    amount: int,
    *,
    received_on: date | None,
    due_date: date | None = None,
    method: str = "CASH",
    order_number: int | None = None,
    cheque_number: str = "000123",
) -> int:
    """A payment as the payments service writes it (a CHEQUE one with its cheque)."""
    customer = await balance.lock_customer(session, customer_id)
    payment = Payment(
        customer_id=customer_id,
        order_number=order_number,
        recorded_by_id=recorded_by,
        method=method,
        amount=amount,
        due_date=due_date or received_on or date(2026, 1, 1),
        received_on=received_on,
    )
    session.add(payment)
    await session.flush()
    if method == "CHEQUE":
        session.add(
            Cheque(
                payment_id=payment.id,
                customer_id=customer_id,
                predated_to=payment.due_date,
                issuer_tax_id="12345678901",
                issuer_name="Issuer",
                bank="001",
                branch="1234",
                account="98765",
                cheque_number=cheque_number,
            )
        )
    if received_on is not None:
        await balance.move(session, customer, received_on, received=amount)
    await session.flush()
    return payment.id


async def add_order(
    session: AsyncSession,
    customer_id: int,
    created_by: int,
    *,
    status: str,
    total: int,
    placed_on: date,
    payment_terms: str = "credit",
    delivery_type: str = "single",
    deliveries: tuple[tuple[date, int], ...] = (),
    closed_on: date | None = None,
) -> Order:
    """An order with its deliveries (they move the balance and total_purchases), keeping
    credit_reserved as the orders service does."""
    customer = await balance.lock_customer(session, customer_id)
    delivered = sum(amount for _, amount in deliveries)
    order = Order(
        number=await next_number(session, "order_number_seq"),
        customer_id=customer_id,
        store_id=customer.store_id,
        created_by_id=created_by,
        status=status,
        delivery_type=delivery_type,
        payment_terms=payment_terms,
        total=total,
        delivered_amount=delivered,
        placed_on=placed_on,
        closed_on=closed_on,
    )
    session.add(order)
    await session.flush()
    for sequence, (day, amount) in enumerate(deliveries, start=1):
        session.add(
            Delivery(
                order_id=order.id,
                customer_id=customer_id,
                sequence=sequence,
                delivered_on=day,
                amount=amount,
                created_by_id=created_by,
                created_at=clock.now(),
            )
        )
        await balance.move(session, customer, day, delivered=amount)
    if status == "open" and payment_terms == "credit":
        customer.credit_reserved += total - delivered
    await session.flush()
    return order


async def add_idempotency_record(
    session: AsyncSession, principal_id: int, customer_id: int, key: str
) -> int:
    now = clock.now()
    record = IdempotencyRecord(
        principal_id=principal_id,
        key=key,
        fingerprint="0" * 64,
        state=COMPLETED,
        status_code=201,
        response_body=b"{}",
        response_headers={},
        customer_id=customer_id,
        created_at=now,
        expires_at=now + timedelta(hours=24),
    )
    session.add(record)
    await session.flush()
    return record.id


@dataclass
class Pair:
    survivor: int
    source: int
    # What the source holds, by kind: the ids that must end up on the survivor.
    source_ids: dict[str, set[int]] = field(default_factory=dict)
    survivor_ids: dict[str, set[int]] = field(default_factory=dict)
    order_numbers: set[int] = field(default_factory=set)


async def record_ids(session: AsyncSession, customer_id: int) -> dict[str, set[int]]:
    """The ids of every record of a customer, per kind (as the merge names them)."""
    tables = {
        "payments": Payment,
        "cheques": Cheque,
        "orders": Order,
        "deliveries": Delivery,
        "idempotency_keys": IdempotencyRecord,
    }
    ids: dict[str, set[int]] = {}
    for name, model in tables.items():
        rows = await session.scalars(select(model.id).where(model.customer_id == customer_id))
        ids[name] = set(rows)
    return ids


async def arrange_full_pair(session: AsyncSession, actor_id: int) -> Pair:
    """Survivor: one payment, one delivered order; invoicing fields set (it owes).
    Source: every kind of record — received payments (one a cheque), a pending boleto, orders
    of each status with deliveries, a stored idempotent response.

    Survivor balance 100 − 300 = −200.00; source 50 + 120 − 200 − 150 = −180.00.
    """
    survivor = await make_customer(
        session,
        "Maria Silva",
        tax_id="11122233344",
        phone="11 99999-0000",
        credit_limit=200_000,
    )
    source = await make_customer(
        session,
        "Maria da Silva",
        tax_id="55566677788",
        email="maria@example.com",
        credit_limit=100_000,
        notes="duplicate made at the counter",
    )
    await add_payment(session, survivor, actor_id, 10_000, received_on=date(2026, 1, 10))
    await add_order(
        session,
        survivor,
        actor_id,
        status="delivered",
        total=30_000,
        placed_on=date(2026, 2, 1),
        deliveries=((date(2026, 2, 5), 30_000),),
    )
    # Set once it owes (a payment that leaves it out of debt clears them).
    owing = await balance.lock_customer(session, survivor)
    owing.next_invoice_date = date(2026, 4, 1)
    owing.billing_instructions = "Send boleto to the office"

    await add_payment(
        session, source, actor_id, 5_000, received_on=date(2026, 1, 20), method="CHEQUE"
    )
    await add_payment(
        session,
        source,
        actor_id,
        8_000,
        received_on=None,
        due_date=date(2026, 5, 1),
        method="BOLETO",
    )
    await add_payment(
        session,
        source,
        actor_id,
        7_000,
        received_on=None,
        due_date=date(2026, 6, 1),
        method="CHEQUE",
        cheque_number="000124",
    )
    await add_payment(session, source, actor_id, 12_000, received_on=date(2026, 3, 1), method="PIX")
    await add_order(
        session, source, actor_id, status="quote", total=9_900, placed_on=date(2026, 1, 5)
    )
    open_order = await add_order(
        session,
        source,
        actor_id,
        status="open",
        total=50_000,
        placed_on=date(2026, 2, 8),
        delivery_type="partial",
        deliveries=((date(2026, 2, 10), 20_000),),
    )
    await add_order(
        session,
        source,
        actor_id,
        status="delivered",
        total=15_000,
        placed_on=date(2026, 3, 2),
        deliveries=((date(2026, 3, 2), 15_000),),
    )
    await add_order(
        session,
        source,
        actor_id,
        status="cancelled",
        total=9_000,
        placed_on=date(2026, 1, 7),
        closed_on=date(2026, 1, 8),
    )
    await add_order(
        session,
        source,
        actor_id,
        status="consumed",
        total=4_000,
        placed_on=date(2026, 1, 9),
        closed_on=date(2026, 2, 8),
    )
    await add_payment(
        session,
        source,
        actor_id,
        3_000,
        received_on=None,
        due_date=date(2026, 7, 1),
        order_number=open_order.number,
        method="BOLETO",
    )
    await add_idempotency_record(session, actor_id, source, "retry-of-a-payment")
    await session.commit()

    pair = Pair(survivor=survivor, source=source)
    pair.source_ids = await record_ids(session, source)
    pair.survivor_ids = await record_ids(session, survivor)
    pair.order_numbers = set(
        await session.scalars(select(Order.number).where(Order.customer_id.in_([survivor, source])))
    )
    await session.commit()
    return pair


async def simple_customer(
    session: AsyncSession, actor_id: int, name: str, *, received: int, delivered: int
) -> int:
    """A customer with one received payment and one delivered order."""
    customer_id = await make_customer(session, name)
    if received:
        await add_payment(session, customer_id, actor_id, received, received_on=date(2026, 1, 15))
    if delivered:
        await add_order(
            session,
            customer_id,
            actor_id,
            status="delivered",
            total=delivered,
            placed_on=date(2026, 2, 1),
            deliveries=((date(2026, 2, 3), delivered),),
        )
    return customer_id


async def monthly_totals(session: AsyncSession, customer_id: int) -> dict[date, tuple[int, int]]:
    rows = await session.execute(
        select(MonthlyTotal.month, MonthlyTotal.received, MonthlyTotal.delivered).where(
            MonthlyTotal.customer_id == customer_id
        )
    )
    return {month: (received, delivered) for month, received, delivered in rows}


async def customer_row(session: AsyncSession, customer_id: int) -> Customer | None:
    return await session.scalar(
        select(Customer).where(Customer.id == customer_id).execution_options(populate_existing=True)
    )


async def count_rows(session: AsyncSession) -> dict[str, int]:
    counts = {}
    for name, model in (
        ("payments", Payment),
        ("cheques", Cheque),
        ("orders", Order),
        ("deliveries", Delivery),
        ("idempotency_keys", IdempotencyRecord),
    ):
        counts[name] = int(await session.scalar(select(func.count()).select_from(model)) or 0)
    return counts


async def pay_like_the_payments_service(
    database: Database,
    customer_id: int,
    recorded_by: int,
    amount: int,
    received_on: date,
    *,
    locked: asyncio.Event | None = None,
    release: asyncio.Event | None = None,
) -> int | None:
    """What POST /customers/{id}/payments does, in its own connection: lock the customer,
    insert, move the balance, commit. None when the customer is gone (the API's 404).
    ``locked`` is set once the lock is held; the commit waits for ``release``."""
    async with database.sessionmaker() as s:
        try:
            customer = await balance.lock_customer(s, customer_id)
        except NotFound:
            await s.rollback()
            return None
        payment = Payment(
            customer_id=customer_id,
            recorded_by_id=recorded_by,
            method="CASH",
            amount=amount,
            due_date=received_on,
            received_on=received_on,
        )
        s.add(payment)
        await s.flush()
        await balance.move(s, customer, received_on, received=amount)
        if locked is not None:
            locked.set()
        if release is not None:
            await release.wait()
        await s.commit()
        return payment.id


async def wait_for_lock_waiters(session: AsyncSession, count: int, within: float = 10.0) -> None:
    """Until ``count`` backends of this database wait on a row lock (PostgreSQL)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        waiting = await session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
        )
        await session.rollback()
        if int(waiting or 0) >= count:
            return
        if loop.time() > deadline:
            raise AssertionError(f"expected {count} lock waiters, saw {waiting}")
        await asyncio.sleep(0.02)


async def idle_in_transaction(session: AsyncSession) -> int:
    found = await session.scalar(
        text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"
        )
    )
    await session.rollback()
    return int(found or 0)
