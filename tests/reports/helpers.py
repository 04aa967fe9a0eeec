"""Arranging ledger histories for the report tests.

The payments and orders APIs are written alongside, so histories are made the way their
services make them: rows inserted directly, every delivery and received payment moving the
balance through ``balance.service`` with the customer locked, then committed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.balance.service import lock_customer, move
from custledger.customers.models import Customer
from custledger.kit import clock
from custledger.kit.db import next_number
from custledger.kit.text import fold
from custledger.orders.models import Delivery, Order
from custledger.payments.models import Payment

# The pinned "today" of the report tests (noon in São Paulo).
TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def ago(days: int, today: date = TODAY) -> date:
    return today - timedelta(days=days)


def cents(text_amount: str) -> int:
    units, _, fraction = text_amount.partition(".")
    return int(units) * 100 + int((fraction + "00")[:2])


class Ledger:
    """Builds customers, orders, deliveries and payments; each call commits."""

    def __init__(self, session: AsyncSession, principal_id: int) -> None:
        self.session = session
        self.principal_id = principal_id

    async def main_store_id(self) -> int:
        store_id = await self.session.scalar(text("SELECT id FROM stores WHERE code = 'MAIN'"))
        assert store_id is not None
        return int(store_id)

    async def customer(
        self,
        name: str = "Customer",
        *,
        store_id: int | None = None,
        blocked: bool = False,
        next_invoice_date: date | None = None,
        quick_sale: bool = False,
    ) -> int:
        customer = Customer(
            name=name,
            store_id=store_id or await self.main_store_id(),
            number=None if quick_sale else await next_number(self.session, "customer_number_seq"),
            is_quick_sale=quick_sale,
            blocked=blocked,
            next_invoice_date=next_invoice_date,
            sort_name=fold(name),
            search_text=fold(name),
        )
        self.session.add(customer)
        await self.session.flush()
        await self.session.commit()
        return customer.id

    async def order(
        self,
        customer_id: int,
        placed_on: date,
        total: int,
        *,
        status: str = "open",
        terms: str = "credit",
    ) -> int:
        store_id = await self.session.scalar(
            select(Customer.store_id).where(Customer.id == customer_id)
        )
        order = Order(
            number=await next_number(self.session, "order_number_seq"),
            customer_id=customer_id,
            store_id=store_id,
            created_by_id=self.principal_id,
            status=status,
            delivery_type="single",
            payment_terms=terms,
            total=total,
            delivered_amount=0,
            placed_on=placed_on,
        )
        self.session.add(order)
        await self.session.flush()
        await self.session.commit()
        return order.id

    async def deliver(self, order_id: int, amount: int, on: date) -> int:
        order = await self.session.get(Order, order_id, populate_existing=True)
        assert order is not None
        customer = await lock_customer(self.session, order.customer_id)
        sequence = await self.session.scalar(
            select(func.count(Delivery.id)).where(Delivery.order_id == order_id)
        )
        delivery = Delivery(
            order_id=order_id,
            customer_id=order.customer_id,
            sequence=int(sequence or 0) + 1,
            delivered_on=on,
            amount=amount,
            created_by_id=self.principal_id,
            created_at=clock.now(),
        )
        self.session.add(delivery)
        order.delivered_amount += amount
        if order.delivered_amount == order.total:
            order.status = "delivered"
        await move(self.session, customer, on, delivered=amount)
        await self.session.commit()
        return delivery.id

    async def sale(self, customer_id: int, on: date, amount: int) -> int:
        """An order placed and delivered in full on ``on``; returns the delivery id."""
        order_id = await self.order(customer_id, on, amount)
        return await self.deliver(order_id, amount, on)

    async def receive(
        self, customer_id: int, amount: int, on: date, *, method: str = "CASH"
    ) -> int:
        customer = await lock_customer(self.session, customer_id)
        payment = Payment(
            customer_id=customer_id,
            recorded_by_id=self.principal_id,
            method=method,
            amount=amount,
            due_date=on,
            received_on=on,
        )
        self.session.add(payment)
        await move(self.session, customer, on, received=amount)
        await self.session.commit()
        return payment.id

    async def pending(
        self,
        customer_id: int,
        amount: int,
        due: date,
        *,
        method: str = "BOLETO",
        order_number: int | None = None,
    ) -> int:
        payment = Payment(
            customer_id=customer_id,
            recorded_by_id=self.principal_id,
            method=method,
            amount=amount,
            due_date=due,
            received_on=None,
            order_number=order_number,
        )
        self.session.add(payment)
        await self.session.flush()
        await self.session.commit()
        return payment.id
