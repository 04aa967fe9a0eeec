"""A query that runs past ``statement_timeout_ms`` ends the request as a 503 problem within about
the timeout, and changes nothing.

The app runs with a 500 ms statement timeout (its own pool, swapped in for these tests); another
connection holds the customer's row lock, so each write waits on it until PostgreSQL cancels
the statement. PostgreSQL only: SQLite has no statement timeout.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select, text

from custledger.kit.idempotency import IdempotencyRecord
from custledger.orders.models import Order
from tests.faults.test_disconnect import settled
from tests.merge.helpers import idle_in_transaction
from tests.payments.support import API, customer_row, make_customer, payment_count

pytestmark = pytest.mark.postgres

TIMEOUT_MS = 500
# The answer may come a little after the timeout (scheduling, the rollback), never much later.
LATEST_SECONDS = TIMEOUT_MS / 1000 + 2.5


@pytest.fixture
async def short_timeout(migrated: str, database: Any) -> AsyncIterator[Any]:
    """The app's database swapped for one with a short statement timeout."""
    from custledger.config import Settings
    from custledger.kit import db as kit_db

    impatient = kit_db.Database(
        Settings(database_url=migrated, statement_timeout_ms=TIMEOUT_MS, db_pool_size=2)
    )
    kit_db.set_database(impatient)
    try:
        yield impatient
    finally:
        kit_db.set_database(database)
        await impatient.dispose()


def writes(customer_id: int) -> dict[str, tuple[str, str, dict[str, Any], dict[str, str]]]:
    return {
        "payment": (
            "POST",
            f"{API}/customers/{customer_id}/payments",
            {"method": "CASH", "amount": "50.00"},
            {"Idempotency-Key": "slow-payment-1"},
        ),
        "credit-sale": (
            "POST",
            f"{API}/orders",
            {
                "customer_id": customer_id,
                "kind": "order",
                "delivery_type": "single",
                "total": "50.00",
                "payment_terms": "credit",
            },
            {"Idempotency-Key": "slow-sale-1"},
        ),
        "customer-edit": (
            "PATCH",
            f"{API}/customers/{customer_id}",
            {"notes": "changed while locked"},
            {"If-Match": '"1"'},
        ),
    }


def state_of(customer: Any) -> tuple[Any, ...]:
    return (
        customer.version,
        customer.notes,
        customer.balance,
        customer.credit_reserved,
        customer.total_purchases,
    )


@pytest.mark.parametrize("write", ["payment", "credit-sale", "customer-edit"])
async def test_a_write_waiting_past_the_statement_timeout_is_a_503_and_changes_nothing(
    client, owner, session, database, short_timeout, ledger_consistent, write
):
    customer_id = await make_customer(session)
    await session.execute(
        text("UPDATE customers SET credit_limit = 100000 WHERE id = :id"), {"id": customer_id}
    )
    await session.commit()
    before = state_of(await customer_row(session, customer_id))
    await session.rollback()
    method, url, body, extra = writes(customer_id)[write]
    headers = owner.headers | extra

    async with database.sessionmaker() as gate:  # the suite's pool: no short timeout
        await gate.execute(
            text("SELECT id FROM customers WHERE id = :id FOR UPDATE"), {"id": customer_id}
        )
        started = time.monotonic()
        r = await asyncio.wait_for(
            client.request(method, url, json=body, headers=headers), timeout=10
        )
        took = time.monotonic() - started
        await gate.rollback()

    assert r.status_code == 503, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "service-unavailable"
    assert r.headers["retry-after"]
    assert TIMEOUT_MS / 1000 <= took < LATEST_SECONDS, took

    # Nothing changed: no payment, order or stored key; the customer as it was.
    await settled(short_timeout, 0)
    assert await payment_count(session) == 0
    for model in (Order, IdempotencyRecord):
        assert await session.scalar(select(func.count()).select_from(model)) == 0
    assert state_of(await customer_row(session, customer_id)) == before
    await session.rollback()
    assert await idle_in_transaction(session) == 0

    # With the lock gone the same request (same key, same version) goes through.
    again = await client.request(method, url, json=body, headers=headers)
    assert again.status_code in (200, 201), again.text
    assert "idempotent-replayed" not in again.headers
    await ledger_consistent()
