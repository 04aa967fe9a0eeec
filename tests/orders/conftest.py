"""Orders tests: customers and payments are arranged straight through the models and the
balance rule (the customers and payments APIs are separate domains); orders only through the
API. The clock is pinned for every test, so "today" is known and tokens are issued at it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.balance import service as balance
from custledger.customers.models import Customer
from custledger.kit import clock
from custledger.kit.db import next_number
from custledger.kit.text import fold
from custledger.payments.models import Payment
from tests.orders.helpers import NOW, TODAY, main_store


@pytest.fixture(autouse=True)
def pinned_clock() -> Iterator[None]:
    with clock.pinned(NOW):
        yield


MakeCustomer = Callable[..., Awaitable[int]]


@pytest.fixture
def make_customer(session: AsyncSession) -> MakeCustomer:
    """A committed customer of the MAIN store; keyword arguments set its columns."""

    async def make(name: str = "Maria Souza", **fields: Any) -> int:
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
        await session.commit()
        return customer.id

    return make


@pytest.fixture
async def quick_sale_id(session: AsyncSession) -> int:
    store = await main_store(session)
    assert store.quick_sale_customer_id is not None
    return store.quick_sale_customer_id


AddPayment = Callable[..., Awaitable[int]]


@pytest.fixture
def add_payment(session: AsyncSession) -> AddPayment:
    """A payment written as the payments service writes it: customer locked, row inserted,
    a received one moved into the balance; committed."""

    async def add(
        customer_id: int,
        recorded_by: int,
        amount: int,
        *,
        order_number: int | None = None,
        received_on: date | None = TODAY,
        method: str = "PIX",
    ) -> int:
        customer = await balance.lock_customer(session, customer_id)
        payment = Payment(
            customer_id=customer_id,
            order_number=order_number,
            recorded_by_id=recorded_by,
            method=method,
            amount=amount,
            due_date=received_on or TODAY,
            received_on=received_on,
        )
        session.add(payment)
        await session.flush()
        if received_on is not None:
            await balance.move(session, customer, received_on, received=amount)
        await session.commit()
        return payment.id

    return add
