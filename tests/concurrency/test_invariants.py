"""Every money domain at once on a few customers, and the ledger's invariants hold afterwards.

In parallel over four customers: payments posted (some with an ``Idempotency-Key`` sent several
times at once), credit sales, customer edits with ``If-Match`` (re-read and retried on 412),
payment edits and deletes racing each other, and two merges of the same pair in opposite
directions while payments and sales still arrive for both. Afterwards:

- only documented answers (no 5xx; every refusal a problem with the expected type);
- stored balance == derived balance for every customer;
- no accepted credit sale took a customer past its limit;
- no payment lost or duplicated: each accepted payment's row exists unless it was deleted,
  each idempotency key made exactly one payment and one stored response;
- no two edits accepted against the same customer version;
- nothing idle in a transaction.

PostgreSQL only: the requests run on separate pooled connections and the row locks order them.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from custledger.balance.service import available_credit
from custledger.kit import clock
from custledger.kit.idempotency import IdempotencyRecord
from custledger.orders.models import Order
from custledger.payments.models import Payment
from tests.customers.helpers import BASE as CUSTOMERS
from tests.customers.helpers import get
from tests.merge.helpers import add_order, idle_in_transaction, simple_customer
from tests.orders.helpers import order_body
from tests.payments.support import API, customer_row, paid

pytestmark = pytest.mark.postgres

SEEDS = [7, 1234]  # each seed: its own interleaving of the same work
C_LIMIT = 300_00  # the credit customer: limit 300.00, owes 100.00 → 200.00 available
C_DEBT = 100_00
SALE = 40_00  # five sales fit before any payment lands
EDIT_RETRIES = 8

# What each kind of request may answer: status → the problem types allowed (None: success).
ALLOWED: dict[str, dict[int, set[str | None]]] = {
    "pay": {201: {None}, 404: {"customer-not-found"}, 409: {"idempotency-key-in-flight"}},
    "sell": {201: {None}, 404: {"customer-not-found"}, 409: {"credit-limit-exceeded"}},
    "edit-customer": {200: {None}, 404: {"customer-not-found"}, 412: {"precondition-failed"}},
    "read-customer": {200: {None}, 404: {"customer-not-found", "customer-merged"}},
    "edit-payment": {200: {None}, 404: {"payment-not-found"}},
    "delete-payment": {204: {None}, 404: {"payment-not-found"}},
    "merge": {200: {None}, 404: {"customer-not-found"}},
}


def cents(text_amount: str) -> int:
    units, _, fraction = text_amount.partition(".")
    return int(units) * 100 + int((fraction + "00")[:2])


def money(amount: int) -> str:
    return f"{amount // 100}.{amount % 100:02d}"


@dataclass
class Record:
    """Every answer, by kind, and what the answers promised."""

    answers: list[tuple[str, int, str | None, str]] = field(default_factory=list)
    created_payments: dict[int, tuple[int, int]] = field(default_factory=dict)  # id: cust, ¢
    keyed: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    deleted: set[int] = field(default_factory=set)
    edited_to: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    sales: dict[int, tuple[int, int]] = field(default_factory=dict)  # order id: customer, ¢
    versions: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    merges: list[tuple[int, int, int]] = field(default_factory=list)  # status, survivor, src

    def note(self, kind: str, r: httpx.Response) -> httpx.Response:
        problem = r.json().get("type") if r.status_code >= 400 else None
        self.answers.append((kind, r.status_code, problem, r.text[:300]))
        return r


@dataclass
class Cast:
    owner: Any
    manager: Any
    terminals: list[Any]


async def storm(
    client: httpx.AsyncClient,
    cast: Cast,
    seed: int,
    customers: dict[str, int],
    existing: list[dict[str, Any]],
) -> Record:
    rnd = random.Random(seed)
    record = Record()
    today = clock.today().isoformat()
    a1, a2, b, c = customers["A1"], customers["A2"], customers["B"], customers["C"]
    amounts = iter(range(1_01, 10_000, 7))  # distinct amounts: 1.01, 1.08, ...

    async def later(work: Callable[[], Awaitable[None]]) -> None:
        await asyncio.sleep(rnd.random() * 0.15)
        await work()

    def pay(customer: int, key: str | None = None, amount: int | None = None) -> Any:
        amount = amount if amount is not None else next(amounts)
        # A key belongs to its principal: the duplicates of a keyed post come from one terminal.
        terminal = cast.terminals[0] if key else rnd.choice(cast.terminals)

        async def work() -> None:
            headers = terminal.headers | ({"Idempotency-Key": key} if key else {})
            r = record.note(
                "pay",
                await client.post(
                    f"{API}/customers/{customer}/payments",
                    json={"method": "PIX", "amount": money(amount), "received_on": today},
                    headers=headers,
                ),
            )
            if r.status_code == 201:
                record.created_payments[r.json()["id"]] = (customer, amount)
                if key:
                    record.keyed[key].add(r.json()["id"])

        return later(work)

    def sell(customer: int) -> Any:
        terminal = rnd.choice(cast.terminals)

        async def work() -> None:
            body = order_body(customer, total=money(SALE), payment_terms="credit")
            r = record.note(
                "sell", await client.post(f"{API}/orders", json=body, headers=terminal.headers)
            )
            if r.status_code == 201:
                record.sales[r.json()["id"]] = (customer, SALE)

        return later(work)

    def edit_customer(customer: int, n: int) -> Any:
        async def work() -> None:
            for _ in range(EDIT_RETRIES):
                read = record.note("read-customer", await get(client, cast.manager, customer))
                if read.status_code != 200:
                    return
                r = record.note(
                    "edit-customer",
                    await client.patch(
                        f"{CUSTOMERS}/{customer}",
                        json={"notes": f"edit {n}", "phone": f"11 9{n:04d}-0000"},
                        headers=cast.manager.headers | {"If-Match": read.headers["etag"]},
                    ),
                )
                if r.status_code == 200:
                    record.versions[customer].append(int(r.json()["version"]))
                    return
                if r.status_code != 412:
                    return

        return later(work)

    def edit_payment(payment: dict[str, Any]) -> Any:
        amount = next(amounts)

        async def work() -> None:
            r = record.note(
                "edit-payment",
                await client.patch(
                    f"{API}/payments/{payment['id']}",
                    json={"amount": money(amount)},
                    headers=cast.manager.headers,
                ),
            )
            if r.status_code == 200:
                record.edited_to[payment["id"]].add(amount)

        return later(work)

    def delete_payment(payment: dict[str, Any]) -> Any:
        async def work() -> None:
            r = record.note(
                "delete-payment",
                await client.delete(
                    f"{API}/payments/{payment['id']}", headers=cast.manager.headers
                ),
            )
            if r.status_code == 204:
                record.deleted.add(payment["id"])

        return later(work)

    def merge(survivor: int, source: int) -> Any:
        async def work() -> None:
            r = record.note(
                "merge",
                await client.post(
                    f"{CUSTOMERS}/{survivor}/merge",
                    json={"source_id": source},
                    headers=cast.owner.headers,
                ),
            )
            record.merges.append((r.status_code, survivor, source))

        return later(work)

    work: list[Any] = []
    # The merge pair: both directions at once, payments and sales still arriving for both.
    work += [merge(a1, a2), merge(a2, a1)]
    work += [pay(rnd.choice([a1, a2])) for _ in range(8)]
    work += [sell(rnd.choice([a1, a2])) for _ in range(4)]
    work += [edit_customer(rnd.choice([a1, a2]), n) for n in range(3)]
    # B: its payments edited and deleted, racing each other and new payments.
    for p in existing[:4]:
        work += [edit_payment(p), edit_payment(p)]
    for p in existing[4:7]:
        work += [delete_payment(p), delete_payment(p)]
    for p in existing[7:]:
        work += [edit_payment(p), delete_payment(p)]
    work += [pay(b) for _ in range(6)]
    work += [edit_customer(b, n) for n in range(3, 7)]
    # C: credit sales past its limit, payments lifting it, duplicates of keyed payments.
    work += [sell(c) for _ in range(10)]
    work += [pay(c) for _ in range(3)]
    for k in range(3):
        amount = next(amounts)
        key = f"dup-{seed}-{k}"
        work += [pay(c, key=key, amount=amount) for _ in range(4)]
    work += [edit_customer(c, n) for n in range(7, 10)]
    rnd.shuffle(work)
    await asyncio.gather(*work)
    return record


async def arrange(
    session: Any, client: httpx.AsyncClient, owner: Any
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    a1 = await simple_customer(session, owner.id, "Merge A1", received=30_00, delivered=10_00)
    a2 = await simple_customer(session, owner.id, "Merge A2", received=5_00, delivered=25_00)
    b = await simple_customer(session, owner.id, "Busy B", received=0, delivered=50_00)
    c = await simple_customer(session, owner.id, "Credit C", received=0, delivered=C_DEBT)
    await session.execute(
        text("UPDATE customers SET credit_limit = :limit WHERE id = ANY(:ids)"),
        {"limit": C_LIMIT, "ids": [a1, a2, c]},
    )
    await add_order(session, a2, owner.id, status="open", total=20_00, placed_on=clock.today())
    await session.commit()
    existing = [
        await paid(client, owner, b, amount=money(10_00 + n), received_on=clock.today().isoformat())
        for n in range(9)
    ]
    return {"A1": a1, "A2": a2, "B": b, "C": c}, existing


async def customer_gone(session: Any, customer_id: int) -> bool:
    found = await session.scalar(
        text("SELECT count(*) FROM customers WHERE id = :id"), {"id": customer_id}
    )
    await session.rollback()
    return found == 0


def undocumented(record: Record) -> list[tuple[str, int, str | None, str]]:
    return [
        answer
        for answer in record.answers
        if answer[2] not in ALLOWED[answer[0]].get(answer[1], set())
    ]


@pytest.mark.parametrize("seed", SEEDS)
async def test_mixed_parallel_work_keeps_every_invariant(
    client, owner, manager, make_actor, session, ledger_consistent, seed
):
    terminals = [await make_actor("pos-terminal", name=f"pos-{seed}-{n}") for n in range(3)]
    cast = Cast(owner=owner, manager=manager, terminals=terminals)
    with clock.pinned(clock.now()):  # one business day, even across midnight
        customers, existing = await arrange(session, client, owner)
        before = set((await session.scalars(select(Payment.id))).all())
        await session.rollback()
        record = await storm(client, cast, seed, customers, existing)

    statuses = Counter((kind, status) for kind, status, _, _ in record.answers)
    # Documented answers only; and the work really contended.
    assert undocumented(record) == [], (statuses, undocumented(record)[:5])
    assert statuses[("sell", 409)] > 0 and statuses[("edit-customer", 412)] > 0, statuses

    # Exactly one of the opposite merges won; the other found its survivor gone.
    assert sorted(status for status, _, _ in record.merges) == [200, 404], record.merges
    _, winner, gone = next(m for m in record.merges if m[0] == 200)
    await session.rollback()
    assert await customer_gone(session, gone)

    # Payments: every accepted one is stored unless deleted; nothing else is; keys made one each.
    rows = {
        p.id: (p.customer_id, p.amount)
        for p in (
            await session.scalars(select(Payment).execution_options(populate_existing=True))
        ).all()
    }
    await session.rollback()
    expected_ids = (before | set(record.created_payments)) - record.deleted
    assert set(rows) == expected_ids
    assert record.deleted <= before  # only the payments the storm deleted are gone
    for payment_id, (customer, amount) in record.created_payments.items():
        owner_now = winner if customer in (customers["A1"], customers["A2"]) else customer
        assert rows[payment_id] == (owner_now, amount), payment_id
    for payment_id, amounts in record.edited_to.items():
        if payment_id in rows:
            assert rows[payment_id][1] in amounts, (payment_id, rows[payment_id], amounts)
    for key, ids in record.keyed.items():
        assert len(ids) == 1, (key, ids)
    stored_keys = Counter(
        (
            await session.scalars(
                select(IdempotencyRecord.key).where(IdempotencyRecord.key.like(f"dup-{seed}-%"))
            )
        ).all()
    )
    await session.rollback()
    assert stored_keys == Counter({key: 1 for key in record.keyed}), stored_keys
    assert len(record.keyed) == 3

    # Credit sales: each accepted one stored, on its customer (or the merge's survivor).
    orders = dict(
        (
            await session.execute(
                select(Order.id, Order.customer_id).where(Order.id.in_(record.sales))
            )
        ).all()
    )
    await session.rollback()
    for order_id, (customer, _) in record.sales.items():
        assert orders[order_id] == (
            winner if customer in (customers["A1"], customers["A2"]) else customer
        )
    # C: at least the five sales that fit before any payment; never past its limit.
    c_row = await customer_row(session, customers["C"])
    c_limit, c_balance, c_reserved = c_row.credit_limit, c_row.balance, c_row.credit_reserved
    await session.rollback()
    c_sales = sum(1 for customer, _ in record.sales.values() if customer == customers["C"])
    assert c_sales >= (C_LIMIT - C_DEBT) // SALE
    assert c_reserved == c_sales * SALE
    c_available = available_credit(c_limit, c_balance, c_reserved)
    assert c_available is not None and c_available >= 0, c_available
    c_paid = sum(a for cust, a in record.created_payments.values() if cust == customers["C"])
    assert c_balance == -C_DEBT + c_paid

    # If-Match: no two edits of one customer accepted against the same version.
    for customer, versions in record.versions.items():
        assert len(versions) == len(set(versions)), (customer, versions)

    assert await idle_in_transaction(session) == 0
    await ledger_consistent()
