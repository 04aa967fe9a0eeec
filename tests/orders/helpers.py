"""Constants and small helpers of the orders tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.customers.models import Customer
from custledger.kit.clock import business_date
from custledger.stores.models import Store

API = "/api/v1"
# The instant every test is pinned at. Near the real time on purpose: the token library
# checks expiry against the real clock too, so a token issued at a far-away pinned instant
# would be refused.
NOW = datetime.now(UTC).replace(second=0, microsecond=0)
TODAY = business_date(NOW)


async def main_store(session: AsyncSession) -> Store:
    store = await session.scalar(select(Store).where(Store.code == "MAIN"))
    assert store is not None
    return store


async def stored_customer(session: AsyncSession, customer_id: int) -> Customer:
    """The customer as committed now (not the session's cached copy)."""
    customer = await session.get(Customer, customer_id, populate_existing=True)
    assert customer is not None
    await session.commit()  # end the read transaction: never hold a snapshot across requests
    return customer


def order_body(customer_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customer_id": customer_id,
        "kind": "order",
        "delivery_type": "partial",
        "total": "100.00",
        "payment_terms": "cash",
    }
    body.update(overrides)
    return body
