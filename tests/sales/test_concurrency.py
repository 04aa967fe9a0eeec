"""Parallel sales on separate connections: the customer's row lock orders them, so the credit
rule sees every sale before it. PostgreSQL only."""

from __future__ import annotations

import asyncio

import pytest

from tests.orders.helpers import stored_customer
from tests.sales.helpers import API, CHEQUE, sale

pytestmark = pytest.mark.postgres


async def test_twenty_parallel_credit_sales_against_room_for_ten_accept_exactly_ten(
    client, make_actor, make_customer, session, ledger_consistent
):
    tills = [await make_actor("pos-terminal", name=f"till-{n}") for n in range(5)]
    customer_id = await make_customer(credit_limit=100_00)

    async def sell(n: int):
        body = sale(customer_id, "10.00", payments=[], on_credit="10.00")
        headers = {**tills[n % len(tills)].headers, "Idempotency-Key": f"parallel-{n}"}
        return await client.post(f"{API}/sales", json=body, headers=headers)

    responses = await asyncio.gather(*(sell(n) for n in range(20)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 10 + [409] * 10, [r.text for r in responses]
    refusals = {r.json()["type"] for r in responses if r.status_code == 409}
    assert refusals == {"credit-limit-exceeded"}
    customer = await stored_customer(session, customer_id)
    assert customer.balance == -100_00
    assert customer.credit_reserved == 0
    await ledger_consistent()


async def test_two_parallel_sales_with_the_same_cheque_record_it_once(
    client, make_actor, make_customer, session, ledger_consistent
):
    tills = [await make_actor("pos-terminal", name=f"till-{n}") for n in range(2)]
    first, second = await make_customer("Ana Lima"), await make_customer("Bruno Reis")

    async def sell(customer_id: int, till: int):
        body = sale(
            customer_id,
            "75.00",
            payments=[{"method": "CHEQUE", "amount": "75.00", "cheque": CHEQUE}],
        )
        return await client.post(f"{API}/sales", json=body, headers=tills[till].headers)

    responses = await asyncio.gather(sell(first, 0), sell(second, 1))
    assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
    loser = next(r for r in responses if r.status_code == 409).json()
    winner = next(r for r in responses if r.status_code == 201).json()
    assert loser["type"] == "cheque-duplicate"
    assert loser["payment_id"] == winner["payments"][0]["id"]
    await ledger_consistent()
