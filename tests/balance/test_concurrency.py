"""Two terminals never lose an update: parallel requests on separate connections, one customer.

PostgreSQL only: each request through the ASGI client gets its own pooled connection and the
customer row lock (SELECT ... FOR UPDATE) is what serialises them.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.payments.support import API, TODAY, make_customer, paid, payment_count, stored_balance

pytestmark = pytest.mark.postgres


async def test_fifty_parallel_payments_to_one_customer_all_count(
    client, make_actor, session, ledger_consistent
):
    terminals = [await make_actor("pos-terminal", name=f"pos-{n}") for n in range(5)]
    customer_id = await make_customer(session)
    amounts = [(n + 1) * 100 + n for n in range(50)]  # cents: 1.00, 2.01, 3.02, ...

    async def post(n: int):
        return await client.post(
            f"{API}/customers/{customer_id}/payments",
            json={
                "method": "CASH",
                "amount": f"{amounts[n] // 100}.{amounts[n] % 100:02d}",
                "received_on": TODAY.isoformat(),
            },
            headers=terminals[n % len(terminals)].headers,
        )

    responses = await asyncio.gather(*(post(n) for n in range(50)))
    assert [r.status_code for r in responses] == [201] * 50, [
        r.text for r in responses if r.status_code != 201
    ]
    assert await payment_count(session, customer_id) == 50
    assert await stored_balance(session, customer_id) == sum(amounts)
    await ledger_consistent()


async def test_parallel_creates_edits_and_deletes_keep_stored_equal_to_derived(
    client, owner, session, ledger_consistent
):
    customer_id = await make_customer(session)
    existing = [
        await paid(client, owner, customer_id, amount="10.00", received_on=TODAY.isoformat())
        for _ in range(20)
    ]

    async def edit(payment: dict, n: int):
        return await client.patch(
            f"{API}/payments/{payment['id']}",
            json={"amount": f"{20 + n}.00", "received_on": "2026-02-15"},
            headers=owner.headers,
        )

    async def remove(payment: dict):
        return await client.delete(f"{API}/payments/{payment['id']}", headers=owner.headers)

    async def create(n: int):
        return await client.post(
            f"{API}/customers/{customer_id}/payments",
            json={"method": "PIX", "amount": f"{n + 1}.50", "received_on": TODAY.isoformat()},
            headers=owner.headers,
        )

    work = [edit(p, n) for n, p in enumerate(existing[:10])]
    work += [remove(p) for p in existing[10:]]
    work += [create(n) for n in range(10)]
    responses = await asyncio.gather(*work)
    assert all(r.status_code in (200, 201, 204) for r in responses), [
        r.text for r in responses if r.status_code >= 300
    ]
    expected = sum((20 + n) * 100 for n in range(10)) + sum((n + 1) * 100 + 50 for n in range(10))
    assert await stored_balance(session, customer_id) == expected
    assert await payment_count(session, customer_id) == 20
    await ledger_consistent()
