"""One meaning of purchases on random histories (docs/decisions/orders.md).

Random sequences of orders (cash and credit), partial and whole deliveries (some backdated),
cancellations (often right after a partial delivery), payments received (naming an order, or
none, some backdated), pending payments and payment deletions, sent to the API as the owner.
After every step, read through the API:

- Σ `delivered_amount` of the purchase history == the customer's `total_purchases`;
- Σ `unpaid_amount` == max(0, −balance);
- each row: `paid_amount` + `unpaid_amount` == `delivered_amount`, its status follows them;
- the history lists exactly the orders with something delivered (a cancelled one included);
- each row's unpaid part is what the credit report's allocation (``reports.allocation``)
  leaves on that order's deliveries, from the rows stored;
- the history read in pages of 2 equals the history read in one page.

``recompute_all`` (stored balance and total purchases against the entries) is empty at the
end of each example. Both backends; a fixed seed (``derandomize``).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from custledger.auth.models import PrincipalRow
from custledger.auth.roles import ROLE_PERMISSIONS, Role
from custledger.balance.service import recompute_all
from custledger.kit import clock
from custledger.kit import db as kit_db
from custledger.kit.db import Database
from custledger.orders.models import Delivery
from custledger.payments.models import Payment
from custledger.reports.allocation import DeliveryEntry, ReceiptEntry, allocate
from tests.conftest import _reset, lasting_token

T = TypeVar("T")
API = "/api/v1"
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)

amounts = st.integers(1, 200_00)
steps = st.one_of(
    st.tuples(st.just("order"), amounts, st.sampled_from(["cash", "credit"])),
    st.tuples(st.just("deliver"), st.integers(0, 99), st.integers(1, 100), st.integers(0, 3)),
    st.tuples(st.just("deliver_and_cancel"), st.integers(0, 99), st.integers(1, 99)),
    st.tuples(st.just("cancel"), st.integers(0, 99)),
    st.tuples(st.just("pay"), amounts, st.integers(0, 5), st.one_of(st.none(), st.integers(0, 99))),
    st.tuples(st.just("pending"), amounts),
    st.tuples(st.just("delete_payment"), st.integers(0, 99)),
)


class History:
    """One example: a customer of the MAIN store, the owner, the orders and payments made."""

    def __init__(self, loop: asyncio.AbstractEventLoop, database: Database, client: Any):
        self.loop, self.database, self.client = loop, database, client
        self.orders: list[dict[str, Any]] = []
        self.payments: list[int] = []
        self.numbers = itertools.count(1)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        with clock.pinned(NOW):
            return self.loop.run_until_complete(coroutine)

    async def setup(self) -> None:
        await _reset(self.database)
        async with self.database.sessionmaker() as session:
            store_id = await session.scalar(text("SELECT id FROM stores WHERE code = 'MAIN'"))
            owner = PrincipalRow(
                kind="user",
                name="owner",
                username="owner",
                password_hash="unused",
                role="owner",
                permissions=sorted(ROLE_PERMISSIONS[Role.OWNER]),
                store_id=store_id,
                active=True,
            )
            session.add(owner)
            await session.commit()
            self.headers = {"Authorization": f"Bearer {lasting_token(owner.id)}"}
        r = await self.send("POST", "/customers", {"name": "Ana", "credit_limit": "100000.00"})
        assert r.status_code == 201, r.text
        self.customer_id = r.json()["id"]

    async def send(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        return await self.client.request(
            method, API + path, json=body, headers=self.headers, params=params or None
        )

    def order_of(self, pick: int) -> dict[str, Any] | None:
        return self.orders[pick % len(self.orders)] if self.orders else None

    async def step(self, step: tuple[Any, ...]) -> None:
        kind = step[0]
        today = clock.today()
        if kind == "order":
            _, total, terms = step
            body = {
                "customer_id": self.customer_id,
                "kind": "order",
                "delivery_type": "partial",
                "total": f"{total / 100:.2f}",
                "payment_terms": terms,
            }
            r = await self.send("POST", "/orders", body)
            assert r.status_code == 201, r.text
            self.orders.append(r.json())
        elif kind in ("deliver", "deliver_and_cancel"):
            order = self.order_of(step[1])
            if order is None:
                return
            current = (await self.send("GET", f"/orders/{order['id']}")).json()
            left = cents(current["outstanding_delivery"])
            if current["status"] != "open" or left == 0:
                return
            amount = max(1, left * step[2] // 100)
            back = step[3] if kind == "deliver" else 0
            body = {"amount": f"{amount / 100:.2f}"}
            body["delivered_on"] = (today - timedelta(days=back)).isoformat()
            r = await self.send("POST", f"/orders/{order['id']}/deliveries", body)
            assert r.status_code == 201, r.text
            if kind == "deliver_and_cancel":
                r = await self.send("POST", f"/orders/{order['id']}/cancel")
                assert r.status_code == 200, r.text
        elif kind == "cancel":
            order = self.order_of(step[1])
            if order is None:
                return
            r = await self.send("POST", f"/orders/{order['id']}/cancel")
            assert r.status_code in (200, 409), r.text
        elif kind == "pay":
            _, amount, back, pick = step
            named = None if pick is None else self.order_of(pick)
            body = {
                "method": "PIX",
                "amount": f"{amount / 100:.2f}",
                "received_on": (today - timedelta(days=back)).isoformat(),
            }
            if named is not None:
                body["order_number"] = named["number"]
            r = await self.send("POST", f"/customers/{self.customer_id}/payments", body)
            assert r.status_code == 201, r.text
            self.payments.append(r.json()["id"])
        elif kind == "pending":
            body = {"method": "BOLETO", "amount": f"{step[1] / 100:.2f}"}
            r = await self.send("POST", f"/customers/{self.customer_id}/payments", body)
            assert r.status_code == 201, r.text
            self.payments.append(r.json()["id"])
        elif kind == "delete_payment" and self.payments:
            payment_id = self.payments.pop(step[1] % len(self.payments))
            r = await self.send("DELETE", f"/payments/{payment_id}")
            assert r.status_code == 204, r.text

    async def history(self, limit: int) -> list[dict[str, Any]]:
        rows, cursor = [], None
        while True:
            params: dict[str, Any] = {"limit": limit} | ({"cursor": cursor} if cursor else {})
            r = await self.send("GET", f"/customers/{self.customer_id}/purchases", **params)
            assert r.status_code == 200, r.text
            rows += r.json()["items"]
            cursor = r.json()["next_cursor"]
            if cursor is None:
                return rows

    async def check(self) -> None:
        customer = (await self.send("GET", f"/customers/{self.customer_id}")).json()
        rows = await self.history(200)
        assert await self.history(2) == rows
        total_purchases = cents(customer["total_purchases"])
        debt = max(0, -cents(customer["balance"]))
        assert sum(cents(p["delivered_amount"]) for p in rows) == total_purchases
        assert sum(cents(p["unpaid_amount"]) for p in rows) == debt
        for p in rows:
            delivered, paid, unpaid = (
                cents(p[k]) for k in ("delivered_amount", "paid_amount", "unpaid_amount")
            )
            assert paid + unpaid == delivered
            expected = "paid" if unpaid == 0 else "partial" if paid > 0 else "unpaid"
            assert p["payment_status"] == expected, p
        # The report's allocation over the stored rows gives the same unpaid parts.
        async with self.database.sessionmaker() as session:
            deliveries = (
                await session.execute(
                    select(
                        Delivery.id, Delivery.order_id, Delivery.delivered_on, Delivery.amount
                    ).where(Delivery.customer_id == self.customer_id)
                )
            ).all()
            receipts = (
                await session.execute(
                    select(Payment.id, Payment.received_on, Payment.amount).where(
                        Payment.customer_id == self.customer_id,
                        Payment.received_on.is_not(None),
                    )
                )
            ).all()
        allocation = allocate(
            [DeliveryEntry(d.id, d.delivered_on, d.amount) for d in deliveries],
            [ReceiptEntry(r.id, r.received_on, r.amount) for r in receipts],
        )
        order_of_delivery = {d.id: d.order_id for d in deliveries}
        unpaid_by_order: dict[int, int] = {}
        for item in allocation.open_items:
            order_id = order_of_delivery[item.delivery_id]
            unpaid_by_order[order_id] = unpaid_by_order.get(order_id, 0) + item.unpaid
        delivered_orders = {d.order_id for d in deliveries}
        assert {p["order_id"] for p in rows} == delivered_orders
        assert {p["order_id"]: cents(p["unpaid_amount"]) for p in rows} == {
            order_id: unpaid_by_order.get(order_id, 0) for order_id in delivered_orders
        }

    async def consistent(self) -> None:
        async with self.database.sessionmaker() as session:
            differences = await recompute_all(session)
            await session.rollback()
        assert differences == []


def cents(text_amount: str) -> int:
    negative = text_amount.startswith("-")
    whole, _, fraction = text_amount.lstrip("-").partition(".")
    value = int(whole) * 100 + int(fraction.ljust(2, "0"))
    return -value if negative else value


ENV: tuple[asyncio.AbstractEventLoop, Database, httpx.AsyncClient] | None = None


@settings(
    max_examples=25,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(steps, min_size=1, max_size=25))
def check_history(plan: list[tuple[Any, ...]]) -> None:
    assert ENV is not None
    history = History(*ENV)
    history.run(history.setup())
    for step in plan:
        history.run(history.step(step))
        history.run(history.check())
    history.run(history.consistent())


def test_purchases_total_and_balance_agree_after_every_step(migrated: str) -> None:
    global ENV
    from custledger.app import create_app

    loop = asyncio.new_event_loop()
    previous = kit_db._database
    database = Database()
    kit_db.set_database(database)
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app()), base_url="http://testserver"
    )
    ENV = (loop, database, client)
    try:
        check_history()
    finally:
        ENV = None
        loop.run_until_complete(client.aclose())
        loop.run_until_complete(database.dispose())
        loop.close()
        kit_db.set_database(previous)
