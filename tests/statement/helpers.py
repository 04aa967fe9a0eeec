"""Arranging customer histories for statement tests without the payments and orders APIs.

Rows are inserted directly and every received payment and delivery moves the balance exactly
as the services do: ``lock_customer`` + ``balance.move`` in the same transaction, then commit
(always commit before calling the API: on SQLite an open transaction holds the write lock).

``Ledger`` also keeps its own plain list of what the statement should show, so tests compare
the API with an independent, whole-history computation.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.balance.service import lock_customer, move
from custledger.customers.models import Customer
from custledger.kit.db import next_number
from custledger.kit.money import format_money
from custledger.orders.models import Delivery, Order
from custledger.payments.models import Cheque, Payment

DELIVERY_DESCRIPTIONS = {
    "single": "Single delivery",
    "collected": "Collected by customer",
    "awaiting_collection": "Ready for collection",
    "unspecified": "Delivery",
}


@dataclass(frozen=True)
class Expected:
    """A statement row as the tests expect it (money in cents)."""

    date: date
    rank: int
    id: int
    type: str
    reference: int
    description: str
    debit: int | None = None
    credit: int | None = None

    @property
    def key(self) -> tuple[date, int, int]:
        return (self.date, self.rank, self.id)


@dataclass
class Ledger:
    session: AsyncSession
    customer_id: int
    principal_id: int
    store_id: int
    payments: dict[int, Expected] = field(default_factory=dict)
    deliveries: dict[int, Expected] = field(default_factory=dict)
    returned: dict[int, Expected] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)

    # Arranging ---------------------------------------------------------------------------

    async def payment(
        self, amount: int, received_on: date | None, method: str = "PIX", due: date | None = None
    ) -> int:
        """A payment of ``amount`` cents; received (moves the balance) unless ``received_on``
        is None (pending)."""
        customer = await lock_customer(self.session, self.customer_id)
        payment = Payment(
            customer_id=self.customer_id,
            recorded_by_id=self.principal_id,
            method=method,
            amount=amount,
            due_date=due or received_on or date(2030, 1, 1),
            received_on=received_on,
        )
        self.session.add(payment)
        await self.session.flush()
        if received_on is not None:
            await move(self.session, customer, received_on, received=amount)
            self.payments[payment.id] = Expected(
                received_on, 2, payment.id, "payment", payment.id, method, credit=amount
            )
        await self.session.commit()
        return payment.id

    async def returned_cheque(self, amount: int, received_on: date, returned_on: date) -> int:
        """A CHEQUE payment of ``amount`` cents received on ``received_on`` (a credit), then
        deposited and returned on ``returned_on`` (a debit of the same amount), as the
        lifecycle does. Returns the payment id."""
        customer = await lock_customer(self.session, self.customer_id)
        payment = Payment(
            customer_id=self.customer_id,
            recorded_by_id=self.principal_id,
            method="CHEQUE",
            amount=amount,
            due_date=received_on,
            received_on=received_on,
        )
        self.session.add(payment)
        await self.session.flush()
        cheque = Cheque(
            payment_id=payment.id,
            customer_id=self.customer_id,
            predated_to=received_on,
            issuer_tax_id="12345678909",
            issuer_name="Maria da Silva",
            bank="001",
            branch="1234",
            account="56789-0",
            cheque_number=str(payment.id),
            duplicate_key=f"1|1234|567890|{payment.id}",
            status="returned",
            deposited_on=received_on,
            deposited_by_id=self.principal_id,
            returned_on=returned_on,
            returned_by_id=self.principal_id,
        )
        self.session.add(cheque)
        await self.session.flush()
        await move(self.session, customer, received_on, received=amount)
        await move(self.session, customer, returned_on, returned=amount)
        self.payments[payment.id] = Expected(
            received_on, 2, payment.id, "payment", payment.id, "CHEQUE", credit=amount
        )
        self.returned[cheque.id] = Expected(
            returned_on,
            3,
            cheque.id,
            "returned_cheque",
            payment.id,
            "Returned cheque",
            debit=amount,
        )
        await self.session.commit()
        return payment.id

    async def redate_payment(self, payment_id: int, received_on: date | None) -> None:
        """Change a payment's received date (None: back to pending), as an edit does."""
        customer = await lock_customer(self.session, self.customer_id)
        payment = await self.session.get(Payment, payment_id, populate_existing=True)
        assert payment is not None
        if payment.received_on is not None:
            await move(self.session, customer, payment.received_on, received=-payment.amount)
        if received_on is not None:
            await move(self.session, customer, received_on, received=payment.amount)
        payment.received_on = received_on
        self.payments.pop(payment_id, None)
        if received_on is not None:
            self.payments[payment_id] = Expected(
                received_on,
                2,
                payment_id,
                "payment",
                payment_id,
                payment.method,
                credit=payment.amount,
            )
        await self.session.commit()

    async def change_amount(self, payment_id: int, amount: int) -> None:
        customer = await lock_customer(self.session, self.customer_id)
        payment = await self.session.get(Payment, payment_id, populate_existing=True)
        assert payment is not None and payment.received_on is not None
        await move(self.session, customer, payment.received_on, received=amount - payment.amount)
        payment.amount = amount
        self.payments[payment_id] = replace(self.payments[payment_id], credit=amount)
        await self.session.commit()

    async def delete_payment(self, payment_id: int) -> None:
        customer = await lock_customer(self.session, self.customer_id)
        payment = await self.session.get(Payment, payment_id, populate_existing=True)
        assert payment is not None
        if payment.received_on is not None:
            await move(self.session, customer, payment.received_on, received=-payment.amount)
        await self.session.execute(delete(Payment).where(Payment.id == payment_id))
        self.payments.pop(payment_id, None)
        await self.session.commit()

    async def order(
        self,
        placed_on: date,
        total: int = 100_00,
        *,
        status: str = "open",
        delivery_type: str = "single",
        payment_terms: str = "credit",
    ) -> Order:
        """An order row (no deliveries yet); quotes, cancelled and consumed orders too."""
        order = Order(
            number=await next_number(self.session, "order_number_seq"),
            customer_id=self.customer_id,
            store_id=self.store_id,
            created_by_id=self.principal_id,
            status=status,
            delivery_type=delivery_type,
            payment_terms=payment_terms,
            total=total,
            delivered_amount=0,
            placed_on=placed_on,
            closed_on=placed_on if status in ("cancelled", "consumed") else None,
        )
        self.session.add(order)
        await self.session.flush()
        self.orders[order.id] = order
        await self.session.commit()
        return order

    async def deliver(self, order: Order, amount: int, delivered_on: date) -> int:
        """A delivery of ``amount`` cents of ``order``; the order becomes delivered when its
        total has been delivered."""
        customer = await lock_customer(self.session, self.customer_id)
        await self.session.refresh(order)
        sequence = 1 + sum(1 for d in self.deliveries.values() if d.reference == order.number)
        delivery = Delivery(
            order_id=order.id,
            customer_id=self.customer_id,
            sequence=sequence,
            delivered_on=delivered_on,
            amount=amount,
            created_by_id=self.principal_id,
            created_at=datetime.now(UTC),
        )
        self.session.add(delivery)
        order.delivered_amount += amount
        assert order.delivered_amount <= order.total
        if order.delivered_amount == order.total and order.status == "open":
            order.status = "delivered"
        await self.session.flush()
        await move(self.session, customer, delivered_on, delivered=amount)
        if order.delivery_type == "partial":
            description = f"Partial delivery {sequence}"
        else:
            description = DELIVERY_DESCRIPTIONS[order.delivery_type]
        self.deliveries[delivery.id] = Expected(
            delivered_on, 1, delivery.id, "delivery", order.number, description, debit=amount
        )
        await self.session.commit()
        return delivery.id

    async def set_status(self, order: Order, status: str) -> None:
        await self.session.refresh(order)
        order.status = status
        await self.session.commit()

    # The independent computation ------------------------------------------------------------

    def activity(self) -> list[Expected]:
        rows = []
        for order in self.orders.values():
            if order.status == "delivered" and order.delivery_type != "unspecified":
                continue
            kind, description = {
                "cancelled": ("cancelled", "Order cancelled"),
                "quote": ("quote", "Quote"),
                "consumed": ("quote", "Quote consumed"),
            }.get(order.status, ("order", "Order placed"))
            rows.append(Expected(order.placed_on, 0, order.id, kind, order.number, description))
        return rows

    def expected(self, *, financial_only: bool = False) -> list[dict[str, Any]]:
        """The whole statement as the API should render it, newest first, with running
        balances computed by summing the history from the start."""
        rows = [*self.payments.values(), *self.deliveries.values(), *self.returned.values()]
        if not financial_only:
            rows += self.activity()
        rows.sort(key=lambda r: r.key)
        balance = 0
        rendered = []
        for row in rows:
            shown_balance = None
            if row.rank != 0:
                balance += (row.credit or 0) - (row.debit or 0)
                shown_balance = format_money(balance)
            rendered.append(
                {
                    "date": row.date.isoformat(),
                    "type": row.type,
                    "reference": row.reference,
                    "description": row.description,
                    "debit": None if row.debit is None else format_money(row.debit),
                    "credit": None if row.credit is None else format_money(row.credit),
                    "balance": shown_balance,
                }
            )
        return rendered[::-1]


async def new_ledger(
    session: AsyncSession,
    principal_id: int,
    store_id: int,
    *,
    name: str = "Maria Souza",
    tax_id: str | None = None,
) -> Ledger:
    number = await next_number(session, "customer_number_seq")
    customer = Customer(
        number=number,
        store_id=store_id,
        name=name,
        sort_name=name.lower(),
        search_text=name.lower(),
        tax_id=tax_id,
    )
    session.add(customer)
    await session.flush()
    await session.commit()
    return Ledger(session, customer.id, principal_id, store_id)


def cents(money: str) -> int:
    units, _, fraction = money.lstrip("-").partition(".")
    value = int(units) * 100 + int((fraction + "00")[:2])
    return -value if money.startswith("-") else value


def statement_url(customer_id: int) -> str:
    return f"/api/v1/customers/{customer_id}/statement"


async def fetch_pages(
    client: Any,
    headers: dict[str, str],
    customer_id: int,
    *,
    limit: int = 50,
    financial_only: bool = False,
    max_pages: int = 1000,
) -> list[dict[str, Any]]:
    """Every page of the statement, from the newest back to the oldest, following
    ``next_cursor`` the way the Balance tab's "Load earlier period" does."""
    pages: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": limit, "financial_only": str(financial_only).lower()}
    for _ in range(max_pages):
        response = await client.get(statement_url(customer_id), params=params, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append(page)
        if page["next_cursor"] is None:
            return pages
        params["cursor"] = page["next_cursor"]
    raise AssertionError("paging did not end")
