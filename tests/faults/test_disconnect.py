"""A client that goes away in the middle of a write leaves nothing behind.

Two ways of going away: the body stops half-way with ``http.disconnect`` (a raw ASGI call), and
the request task is cancelled while the handler holds the customer's row lock (the httpx call
cancelled; the app runs in that task). Afterwards: no half-written payment or order, the
connection is back in the pool, nothing is idle in a transaction, the ledger is consistent and
the next request for the same customer is served at once.

PostgreSQL only: the handler is held inside its transaction by a row lock taken from another
connection.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.kit.idempotency import IdempotencyRecord
from custledger.orders.models import Order
from tests.merge.helpers import idle_in_transaction, wait_for_lock_waiters
from tests.payments.support import API, make_customer, payment_count, stored_balance

pytestmark = pytest.mark.postgres

SETTLE_SECONDS = 3.0  # how long a cancelled request may take to give its connection back


async def count(session: AsyncSession, model: Any) -> int:
    await session.rollback()
    found = await session.scalar(select(func.count()).select_from(model))
    await session.rollback()
    return int(found or 0)


async def settled(database: Any, baseline: int) -> None:
    """Until the pool has lent out no more connections than before the request."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while database.engine.pool.checkedout() > baseline:
        assert time.monotonic() < deadline, database.engine.pool.status()
        await asyncio.sleep(0.02)


async def customer_lock_is_free(database: Any, customer_id: int) -> bool:
    async with database.sessionmaker() as probe:
        try:
            await probe.execute(
                text("SELECT id FROM customers WHERE id = :id FOR UPDATE NOWAIT"),
                {"id": customer_id},
            )
        except DBAPIError:  # lock_not_available: someone holds it
            return False
        finally:
            await probe.rollback()
        return True


async def test_a_body_cut_off_by_a_disconnect_writes_nothing(
    app, owner, session, database, ledger_consistent
):
    customer_id = await make_customer(session)
    await session.rollback()
    baseline = database.engine.pool.checkedout()
    body = json.dumps({"method": "CASH", "amount": "75.00"}).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": f"{API}/customers/{customer_id}/payments",
        "raw_path": f"{API}/customers/{customer_id}/payments".encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"authorization", owner.headers["Authorization"].encode()),
            (b"idempotency-key", b"cut-off-1"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    messages = [
        {"type": "http.request", "body": body[:10], "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        await asyncio.sleep(3600)  # nothing more will come
        raise AssertionError("unreachable")

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    try:
        await asyncio.wait_for(app(scope, receive, send), timeout=5)
    except Exception as exc:  # whatever the app does with a vanished client
        sent.append({"type": "raised", "error": type(exc).__name__})

    assert not messages, "the app never read the body"
    starts = [m for m in sent if m["type"] == "http.response.start"]
    # No one is listening, but a crash would be logged as a 500: only a clean refusal is fine.
    assert all(m["status"] < 500 for m in starts), sent
    await settled(database, baseline)
    assert await payment_count(session) == 0
    assert await count(session, IdempotencyRecord) == 0
    assert await idle_in_transaction(session) == 0
    assert await stored_balance(session, customer_id) == 0
    await ledger_consistent()


async def gate_on_principal(gate: AsyncSession, principal_id: int) -> None:
    """Hold the principal's row: a write that references it (recorded_by / created_by) waits,
    after it has locked the customer."""
    await gate.execute(
        text("SELECT id FROM principals WHERE id = :id FOR UPDATE"), {"id": principal_id}
    )


WRITES = {
    "payment": lambda customer_id: (
        f"{API}/customers/{customer_id}/payments",
        {"method": "PIX", "amount": "40.00"},
    ),
    "credit-sale": lambda customer_id: (
        f"{API}/orders",
        {
            "customer_id": customer_id,
            "kind": "order",
            "delivery_type": "partial",
            "total": "40.00",
            "payment_terms": "credit",
        },
    ),
}


@pytest.mark.parametrize("write", sorted(WRITES))
async def test_a_request_cancelled_while_holding_the_customer_lock_leaves_nothing(
    client, owner, session, database, ledger_consistent, write
):
    customer_id = await make_customer(session)
    await session.execute(
        text("UPDATE customers SET credit_limit = 100000 WHERE id = :id"), {"id": customer_id}
    )
    await session.commit()
    baseline = database.engine.pool.checkedout()
    url, body = WRITES[write](customer_id)

    async with database.sessionmaker() as gate:
        await gate_on_principal(gate, owner.id)
        request = asyncio.create_task(client.post(url, json=body, headers=owner.headers))
        await wait_for_lock_waiters(session, 1)
        # The premise: the handler is inside its transaction, holding the customer's lock.
        assert not await customer_lock_is_free(database, customer_id)
        request.cancel()
        with pytest.raises(asyncio.CancelledError):
            await request
        # Cancelled: its transaction ends now, although the gate still holds the principal.
        deadline = time.monotonic() + SETTLE_SECONDS
        while not await customer_lock_is_free(database, customer_id):
            assert time.monotonic() < deadline, "the cancelled request still holds the lock"
            await asyncio.sleep(0.05)
        await gate.rollback()

    await settled(database, baseline)
    assert await idle_in_transaction(session) == 0
    assert await payment_count(session) == 0
    assert await count(session, Order) == 0
    row = (
        await session.execute(
            text("SELECT balance, credit_reserved, total_purchases FROM customers WHERE id = :id"),
            {"id": customer_id},
        )
    ).one()
    await session.rollback()
    assert tuple(row) == (0, 0, 0)
    # The next request for the same customer is served at once.
    started = time.monotonic()
    again = await asyncio.wait_for(client.post(url, json=body, headers=owner.headers), timeout=5)
    assert again.status_code == 201, again.text
    assert time.monotonic() - started < 2
    await ledger_consistent()


async def test_a_cancelled_request_releases_its_idempotency_key(
    client, owner, session, database, ledger_consistent
):
    """Cancelled after reserving its key, while waiting for the customer's lock: the key is
    released, so the client's retry with the same key runs and makes exactly one payment."""
    customer_id = await make_customer(session)
    await session.rollback()
    baseline = database.engine.pool.checkedout()
    url = f"{API}/customers/{customer_id}/payments"
    body = {"method": "CASH", "amount": "12.34"}
    headers = owner.headers | {"Idempotency-Key": "cancelled-then-retried"}

    async with database.sessionmaker() as gate:
        await gate.execute(
            text("SELECT id FROM customers WHERE id = :id FOR UPDATE"), {"id": customer_id}
        )
        request = asyncio.create_task(client.post(url, json=body, headers=headers))
        await wait_for_lock_waiters(session, 1)  # the key reserved, the work waiting
        request.cancel()
        with pytest.raises(asyncio.CancelledError):
            await request
        await gate.rollback()

    await settled(database, baseline)
    assert await idle_in_transaction(session) == 0
    assert await payment_count(session) == 0
    assert await count(session, IdempotencyRecord) == 0
    retry = await asyncio.wait_for(client.post(url, json=body, headers=headers), timeout=5)
    assert retry.status_code == 201, retry.text
    assert "idempotent-replayed" not in retry.headers
    replay = await client.post(url, json=body, headers=headers)
    assert replay.headers.get("idempotent-replayed") == "true"
    assert replay.json()["id"] == retry.json()["id"]
    assert await payment_count(session) == 1
    assert await stored_balance(session, customer_id) == 0  # pending: no received_on
    await ledger_consistent()
