"""Merges racing other writers on real PostgreSQL connections: nothing lost, no deadlock."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import func, select

from custledger.balance import service as balance
from custledger.kit import clock
from custledger.payments.models import Payment
from tests.merge.helpers import (
    API,
    add_payment,
    count_rows,
    customer_row,
    idle_in_transaction,
    make_customer,
    pay_like_the_payments_service,
    record_ids,
    simple_customer,
    wait_for_lock_waiters,
)

pytestmark = pytest.mark.postgres

TODAY = date(2026, 3, 10)  # the received date of the simulated payment writer
ROUNDS = 10


def merge_url(survivor: int) -> str:
    return f"{API}/customers/{survivor}/merge"


async def payments_of(session, customer_id: int) -> int:
    found = await session.scalar(
        select(func.count()).select_from(Payment).where(Payment.customer_id == customer_id)
    )
    await session.commit()
    return int(found or 0)


async def test_payment_racing_a_merge_is_moved_or_refused_never_lost(
    client, owner, clerk, session, ledger_consistent
):
    """POST /customers/{source}/payments and the merge at once, many times: the payment either
    commits first and is moved to the survivor, or finds the source gone (404)."""
    landed = refused = 0
    with clock.pinned(clock.now()):  # one business day, even across midnight
        for round_ in range(ROUNDS):
            survivor = await simple_customer(
                session, owner.id, f"Survivor {round_}", received=10_000, delivered=30_000
            )
            source = await simple_customer(
                session, owner.id, f"Source {round_}", received=5_000, delivered=8_000
            )
            await session.commit()

            async def pay(delay: float, source: int = source) -> object:
                await asyncio.sleep(delay)
                return await client.post(
                    f"{API}/customers/{source}/payments",
                    json={
                        "method": "CASH",
                        "amount": "25.00",
                        "received_on": clock.today().isoformat(),
                    },
                    headers=clerk.headers,
                )

            async def merge(delay: float, survivor: int = survivor, source: int = source) -> object:
                await asyncio.sleep(delay)
                return await client.post(
                    merge_url(survivor), json={"source_id": source}, headers=owner.headers
                )

            # The payment starts a little later each round, so both orders happen: early
            # rounds it usually wins the lock, late rounds the merge does.
            paid, merged = await asyncio.gather(pay(0.02 * round_), merge(0.0))

            assert merged.status_code == 200, merged.text
            assert await customer_row(session, source) is None
            row = await customer_row(session, survivor)
            assert row is not None
            if paid.status_code == 201:
                landed += 1
                payment = await session.get(Payment, paid.json()["id"])
                assert payment is not None and payment.customer_id == survivor
                assert merged.json()["moved"]["payments"] == 2
                assert await payments_of(session, survivor) == 3
                assert row.balance == -23_000 + 2_500
            else:
                refused += 1
                assert paid.status_code == 404, paid.text
                assert paid.json()["type"] == "customer-not-found"
                assert merged.json()["moved"]["payments"] == 1
                assert await payments_of(session, survivor) == 2
                assert row.balance == -23_000
            await session.commit()
    assert landed + refused == ROUNDS
    assert await count_rows(session) == {
        "payments": 2 * ROUNDS + landed,
        "cheques": 0,
        "orders": 2 * ROUNDS,
        "deliveries": 2 * ROUNDS,
        "idempotency_keys": 0,
    }
    await ledger_consistent()


async def test_payment_holding_the_source_lock_lands_first_and_is_moved(
    client, owner, session, database, ledger_consistent
):
    """The payment locked the source before the merge: the merge waits for it, then moves it."""
    survivor = await simple_customer(session, owner.id, "Survivor", received=10_000, delivered=0)
    source = await simple_customer(session, owner.id, "Source", received=0, delivered=4_000)
    await session.commit()
    locked, release = asyncio.Event(), asyncio.Event()

    writer = asyncio.create_task(
        pay_like_the_payments_service(
            database, source, owner.id, 1_500, TODAY, locked=locked, release=release
        )
    )
    await locked.wait()
    merging = asyncio.create_task(
        client.post(merge_url(survivor), json={"source_id": source}, headers=owner.headers)
    )
    await wait_for_lock_waiters(session, 1)  # the merge queues behind the payment
    release.set()
    payment_id = await writer
    merged = await merging

    assert payment_id is not None
    assert merged.status_code == 200, merged.text
    assert merged.json()["moved"]["payments"] == 1
    assert merged.json()["survivor"]["balance"] == "75.00"  # 100.00 − 40.00 + 15.00
    payment = await session.get(Payment, payment_id)
    assert payment is not None and payment.customer_id == survivor
    await session.commit()
    await ledger_consistent()


async def test_payment_after_the_merge_took_the_lock_fails_cleanly(
    client, owner, clerk, session, database, ledger_consistent
):
    """The merge locked the source first: the payment waits, then gets a 404 and writes
    nothing; the survivor's balance does not include it."""
    source = await simple_customer(session, owner.id, "Source", received=2_000, delivered=0)
    survivor = await simple_customer(session, owner.id, "Survivor", received=0, delivered=9_000)
    await session.commit()
    assert source < survivor  # the merge locks the source first, then waits at the gate
    before = await count_rows(session)
    await session.commit()

    with clock.pinned(clock.now()):  # one business day, even across midnight
        async with database.sessionmaker() as gate:
            await balance.lock_customer(gate, survivor)
            merging = asyncio.create_task(
                client.post(merge_url(survivor), json={"source_id": source}, headers=owner.headers)
            )
            await wait_for_lock_waiters(session, 1)
            paying = asyncio.create_task(
                client.post(
                    f"{API}/customers/{source}/payments",
                    json={
                        "method": "PIX",
                        "amount": "30.00",
                        "received_on": clock.today().isoformat(),
                    },
                    headers=clerk.headers,
                )
            )
            await wait_for_lock_waiters(session, 2)
            await gate.rollback()
        merged, paid = await merging, await paying

    assert merged.status_code == 200, merged.text
    assert paid.status_code == 404, paid.text
    assert paid.json()["type"] == "customer-not-found"
    assert merged.json()["survivor"]["balance"] == "-70.00"
    assert await count_rows(session) == before
    await session.commit()
    await ledger_consistent()


async def test_opposite_merges_at_once_one_wins_the_other_is_not_found(
    client, owner, session, database, ledger_consistent
):
    """A→B and B→A at once: exactly one succeeds, the other is a 404, every record ends on
    the winner, no deadlock, and no connection is left idle in a transaction."""
    for round_ in range(ROUNDS):
        a = await simple_customer(session, owner.id, f"A {round_}", received=3_000, delivered=1_000)
        await add_payment(session, a, owner.id, 700, received_on=None, due_date=date(2026, 5, 1))
        b = await simple_customer(session, owner.id, f"B {round_}", received=500, delivered=2_500)
        await session.commit()
        both = await record_ids(session, a), await record_ids(session, b)
        union = {k: both[0][k] | both[1][k] for k in both[0]}
        before = await count_rows(session)
        await session.commit()

        def merge(survivor: int, source: int) -> object:
            return client.post(
                merge_url(survivor), json={"source_id": source}, headers=owner.headers
            )

        if round_ % 2 == 0:
            # Make both really contend: hold the first lock both need until both queue on it.
            async with database.sessionmaker() as gate:
                await balance.lock_customer(gate, min(a, b))
                tasks = [asyncio.create_task(merge(a, b)), asyncio.create_task(merge(b, a))]
                await wait_for_lock_waiters(session, 2)
                await gate.rollback()
            a_into_b, b_into_a = await asyncio.gather(*tasks)
        else:
            a_into_b, b_into_a = await asyncio.gather(merge(a, b), merge(b, a))

        statuses = sorted([a_into_b.status_code, b_into_a.status_code])
        assert statuses == [200, 404], (a_into_b.text, b_into_a.text)
        loser = a_into_b if a_into_b.status_code == 404 else b_into_a
        assert loser.json()["type"] == "customer-not-found"
        winner, gone = (a, b) if a_into_b.status_code == 200 else (b, a)
        assert await customer_row(session, gone) is None
        survivor = await customer_row(session, winner)
        assert survivor is not None
        assert survivor.balance == 3_000 - 1_000 + 500 - 2_500
        assert await record_ids(session, winner) == union
        assert await count_rows(session) == before
        await session.commit()

    assert await idle_in_transaction(session) == 0
    await ledger_consistent()


async def test_merge_waits_for_a_delivery_in_progress_on_the_survivor(
    client, owner, session, database, ledger_consistent
):
    """A balance move on the survivor holding its lock: the merge waits and sums both."""
    survivor = await make_customer(session, "Survivor")
    source = await simple_customer(session, owner.id, "Source", received=6_000, delivered=0)
    await session.commit()
    locked, release = asyncio.Event(), asyncio.Event()

    writer = asyncio.create_task(
        pay_like_the_payments_service(
            database, survivor, owner.id, 1_000, TODAY, locked=locked, release=release
        )
    )
    await locked.wait()
    merging = asyncio.create_task(
        client.post(merge_url(survivor), json={"source_id": source}, headers=owner.headers)
    )
    await wait_for_lock_waiters(session, 1)
    release.set()
    assert await writer is not None
    merged = await merging

    assert merged.status_code == 200, merged.text
    assert merged.json()["survivor"]["balance"] == "70.00"
    await ledger_consistent()
