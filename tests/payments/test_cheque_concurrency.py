"""Returns and payments racing on one customer (PostgreSQL: separate pooled connections, the
customer row lock serialises them): the stored balance always equals the derived one, and a
cheque returned twice at once is debited once."""

from __future__ import annotations

import asyncio

import pytest

from tests.payments.support import (
    API,
    CHEQUE,
    TODAY,
    audit_entries,
    make_customer,
    paid,
    step,
    stepped,
    stored_balance,
)

pytestmark = pytest.mark.postgres


async def deposited_cheques(client, actor, customer_id: int, count: int) -> list[int]:
    ids = []
    for n in range(count):
        payment = await paid(
            client,
            actor,
            customer_id,
            method="CHEQUE",
            amount=f"{10 + n}.00",
            received_on=TODAY.isoformat(),
            cheque={**CHEQUE, "predated_to": TODAY.isoformat(), "cheque_number": f"9{n:03d}"},
        )
        await stepped(client, actor, payment["id"], "deposit")
        ids.append(payment["id"])
    return ids


async def test_parallel_returns_and_payments_keep_stored_equal_to_derived(
    client, manager, make_actor, session, ledger_consistent
):
    terminals = [await make_actor("pos-terminal", name=f"till-{n}") for n in range(3)]
    customer_id = await make_customer(session)
    cheques = await deposited_cheques(client, manager, customer_id, 10)

    async def cash(n: int):
        return await client.post(
            f"{API}/customers/{customer_id}/payments",
            json={"method": "CASH", "amount": f"{n + 1}.25", "received_on": TODAY.isoformat()},
            headers=terminals[n % 3].headers,
        )

    work = [step(client, manager, pid, "return") for pid in cheques]
    work += [cash(n) for n in range(20)]
    responses = await asyncio.gather(*work)
    assert [r.status_code for r in responses] == [200] * 10 + [201] * 20, [
        r.text for r in responses if r.status_code >= 300
    ]
    # The cheques were received and returned: they net to nothing; the cash stays.
    assert await stored_balance(session, customer_id) == sum((n + 1) * 100 + 25 for n in range(20))
    await ledger_consistent()


async def test_a_cheque_returned_twice_at_once_is_debited_once(
    client, manager, owner, session, ledger_consistent
):
    customer_id = await make_customer(session)
    [cheque] = await deposited_cheques(client, manager, customer_id, 1)
    first, second = await asyncio.gather(
        step(client, manager, cheque, "return"), step(client, owner, cheque, "return")
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    loser = first if first.status_code == 409 else second
    assert loser.json()["type"] == "cheque-status-conflict"
    assert await stored_balance(session, customer_id) == 0
    assert len(await audit_entries(session, "cheque.return")) == 1
    await ledger_consistent()
