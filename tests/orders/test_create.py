"""POST /orders: numbers, kinds, dates, the caller's store, retries, permissions, audit."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from custledger.auth.principal import Principal
from custledger.auth.roles import ROLE_PERMISSIONS, Role
from custledger.kit import clock
from custledger.kit.audit import AuditEntry
from custledger.kit.db import next_number
from custledger.kit.errors import Unprocessable
from custledger.orders import service
from custledger.orders.models import Order
from custledger.orders.schemas import OrderCreate
from custledger.stores.service import create_store
from tests.orders.helpers import API, TODAY, order_body, stored_customer


async def test_pos_places_an_open_order_with_an_assigned_number(
    client, pos, make_customer, session, ledger_consistent
):
    customer_id = await make_customer()
    r = await client.post(f"{API}/orders", json=order_body(customer_id), headers=pos.headers)
    assert r.status_code == 201, r.text
    order = r.json()
    assert r.headers["Location"] == f"/api/v1/orders/{order['id']}"
    assert order["number"] == 1
    assert order["customer_id"] == customer_id
    assert order["store_id"] == pos.store_id
    assert order["kind"] == "order"
    assert order["status"] == "open"
    assert order["delivery_type"] == "partial"
    assert order["payment_terms"] == "cash"
    assert order["total"] == "100.00"
    assert order["delivered_amount"] == "0.00"
    assert order["outstanding_delivery"] == "100.00"
    assert order["placed_on"] == TODAY.isoformat()
    assert order["closed_on"] is None
    assert order["deliveries"] == []
    assert order["version"] == 1

    r2 = await client.get(f"{API}/orders/{order['id']}", headers=pos.headers)
    assert r2.status_code == 200
    assert r2.json() == order

    customer = await stored_customer(session, customer_id)
    assert customer.total_purchases == 0  # a purchase once delivered
    assert customer.credit_reserved == 0  # a cash sale reserves no credit
    assert customer.balance == 0  # only a delivery moves the balance
    await ledger_consistent()


async def test_a_quote_is_created_with_status_quote_and_counts_as_no_purchase(
    client, clerk, make_customer, session
):
    customer_id = await make_customer(credit_limit=1000_00)
    body = order_body(customer_id, kind="quote", payment_terms="credit", total="5000.00")
    r = await client.post(f"{API}/orders", json=body, headers=clerk.headers)
    assert r.status_code == 201, r.text
    assert r.json()["kind"] == "quote"
    assert r.json()["status"] == "quote"
    customer = await stored_customer(session, customer_id)
    # A quote reserves nothing (so is not checked against the limit) and is not a purchase.
    assert customer.total_purchases == 0
    assert customer.credit_reserved == 0


async def test_the_order_belongs_to_the_callers_store(client, make_actor, make_customer, session):
    other = await create_store(session, "NORTH", "North store")
    await session.commit()
    terminal = await make_actor("pos-terminal", store_id=other.id)
    customer_id = await make_customer()  # a MAIN customer buying at the NORTH store
    r = await client.post(f"{API}/orders", json=order_body(customer_id), headers=terminal.headers)
    assert r.status_code == 201, r.text
    assert r.json()["store_id"] == other.id


async def test_pos_given_number_is_kept_and_a_taken_number_is_409(
    client, pos, make_customer, session
):
    customer_id = await make_customer()
    r = await client.post(
        f"{API}/orders", json=order_body(customer_id, number=5001), headers=pos.headers
    )
    assert r.status_code == 201, r.text
    assert r.json()["number"] == 5001

    r2 = await client.post(
        f"{API}/orders",
        json=order_body(customer_id, number=5001, total="7.00"),
        headers=pos.headers,
    )
    assert r2.status_code == 409
    assert r2.headers["content-type"] == "application/problem+json"
    problem = r2.json()
    assert problem["type"] == "order-number-taken"
    assert problem["order_id"] == r.json()["id"]
    count = await session.scalar(select(func.count()).select_from(Order))
    assert count == 1
    customer = await stored_customer(session, customer_id)
    assert customer.total_purchases == 0  # the refused order changed nothing


async def test_assigned_numbers_skip_numbers_a_pos_already_used(
    client, pos, make_customer, session
):
    customer_id = await make_customer()
    for number in (1, 2):
        r = await client.post(
            f"{API}/orders", json=order_body(customer_id, number=number), headers=pos.headers
        )
        assert r.status_code == 201, r.text
    r = await client.post(f"{API}/orders", json=order_body(customer_id), headers=pos.headers)
    assert r.status_code == 201, r.text
    assert r.json()["number"] == 3
    # The numbers tried and skipped wrote nothing: one audit row per order, each naming its
    # order's number.
    entries = list(
        await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "order.create", AuditEntry.customer_id == customer_id)
            .order_by(AuditEntry.id)
        )
    )
    await session.commit()
    assert [e.changes["after"]["number"] for e in entries] == [1, 2, 3]
    assert entries[-1].entity_id == r.json()["id"]


async def test_assigned_numbers_are_never_reused(client, pos, make_customer, session):
    customer_id = await make_customer()
    await next_number(session, "order_number_seq")  # a number handed out by a failed request
    await session.commit()
    r = await client.post(f"{API}/orders", json=order_body(customer_id), headers=pos.headers)
    assert r.json()["number"] == 2


async def test_retried_sale_with_the_same_idempotency_key_is_placed_once(
    client, pos, make_customer, session, ledger_consistent
):
    customer_id = await make_customer(credit_limit=500_00)
    body = order_body(customer_id, payment_terms="credit", total="300.00")
    headers = pos.headers | {"Idempotency-Key": "sale-7f1c"}
    first = await client.post(f"{API}/orders", json=body, headers=headers)
    assert first.status_code == 201, first.text
    retry = await client.post(f"{API}/orders", json=body, headers=headers)
    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert retry.headers["Location"] == first.headers["Location"]

    assert await session.scalar(select(func.count()).select_from(Order)) == 1
    customer = await stored_customer(session, customer_id)
    assert customer.credit_reserved == 300_00  # reserved once, not twice
    assert customer.total_purchases == 0  # nothing delivered yet

    other = await client.post(
        f"{API}/orders", json=order_body(customer_id, total="1.00"), headers=headers
    )
    assert other.status_code == 422
    assert other.json()["type"] == "idempotency-key-reused"
    await ledger_consistent()


async def test_retry_with_a_pos_number_and_the_same_key_is_a_replay_not_a_409(
    client, pos, make_customer
):
    customer_id = await make_customer()
    body = order_body(customer_id, number=88)
    headers = pos.headers | {"Idempotency-Key": "k-88"}
    first = await client.post(f"{API}/orders", json=body, headers=headers)
    retry = await client.post(f"{API}/orders", json=body, headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.json()["id"] == first.json()["id"]


async def test_placed_on_may_be_in_the_past_but_never_after_today(client, pos, make_customer):
    customer_id = await make_customer()
    past = (TODAY - timedelta(days=9)).isoformat()
    r = await client.post(
        f"{API}/orders", json=order_body(customer_id, placed_on=past), headers=pos.headers
    )
    assert r.status_code == 201, r.text
    assert r.json()["placed_on"] == past

    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    r = await client.post(
        f"{API}/orders", json=order_body(customer_id, placed_on=tomorrow), headers=pos.headers
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "placed_on"


async def test_placed_on_defaults_to_today_in_the_business_time_zone(pos, make_customer, database):
    # Through the service: tokens cannot be pinned to an arbitrary instant (see helpers.NOW).
    customer_id = await make_customer()
    principal = Principal(
        id=pos.id,
        kind="api_client",
        name="pos",
        store_id=pos.store_id,
        permissions=frozenset(ROLE_PERMISSIONS[Role.POS_TERMINAL]),
    )
    body = OrderCreate.model_validate(order_body(customer_id))
    # 23:30 on the 9th in São Paulo, already the 10th in UTC.
    with clock.pinned(datetime(2026, 3, 10, 2, 30, tzinfo=UTC)):
        async with database.sessionmaker() as s:
            order = await service.create_order(s, principal, body)
            assert order.placed_on == date(2026, 3, 9)
            late = OrderCreate.model_validate(order_body(customer_id, placed_on="2026-03-10"))
            with pytest.raises(Unprocessable):
                await service.create_order(s, principal, late)
            await s.rollback()


async def test_invalid_order_bodies_are_422(client, pos, make_customer):
    customer_id = await make_customer()
    for override in (
        {"total": "10.005"},
        {"total": "-1.00"},
        {"total": 10.5},
        {"kind": "sale"},
        {"delivery_type": "drone"},
        {"payment_terms": "later"},
        {"number": 0},
        {"customer_id": 0},
        {"status": "delivered"},  # read-only fields are refused, not ignored
    ):
        r = await client.post(
            f"{API}/orders", json=order_body(customer_id) | override, headers=pos.headers
        )
        assert r.status_code == 422, (override, r.text)
        assert r.json()["type"] == "validation-error"
    body = order_body(customer_id)
    del body["delivery_type"]
    r = await client.post(f"{API}/orders", json=body, headers=pos.headers)
    assert r.status_code == 422


async def test_order_for_an_unknown_customer_is_404(client, pos):
    r = await client.post(f"{API}/orders", json=order_body(999_999), headers=pos.headers)
    assert r.status_code == 404
    assert r.json()["type"] == "customer-not-found"


async def test_placing_orders_needs_orders_write(client, make_actor, make_customer, session):
    customer_id = await make_customer()
    reader = await make_actor("clerk", permissions=["customers:read"])
    r = await client.post(f"{API}/orders", json=order_body(customer_id), headers=reader.headers)
    assert r.status_code == 403
    r = await client.post(f"{API}/orders", json=order_body(customer_id))
    assert r.status_code == 401
    assert await session.scalar(select(func.count()).select_from(Order)) == 0


async def test_order_creation_is_audited_with_the_customer(client, pos, make_customer, session):
    customer_id = await make_customer(credit_limit=1000_00)
    r = await client.post(
        f"{API}/orders",
        json=order_body(customer_id, payment_terms="credit", total="250.00"),
        headers=pos.headers,
    )
    order_id = r.json()["id"]
    entry = await session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "order.create", AuditEntry.entity_id == order_id
        )
    )
    assert entry is not None
    assert entry.entity_type == "order"
    assert entry.customer_id == customer_id
    assert entry.principal_id == pos.id
    assert entry.changes["after"]["total"] == "250.00"
    assert entry.changes["after"]["kind"] == "order"
    assert entry.changes["customer"]["after"]["credit_reserved"] == "250.00"


@pytest.mark.postgres
async def test_two_terminals_racing_for_one_pos_number_get_one_order_and_one_409(
    client, make_actor, make_customer, session
):
    # Two customers, so the customer locks do not serialise the two sales: the unique
    # number decides, and the loser gets the specific problem, not a generic conflict.
    first, second = await make_customer("Ana"), await make_customer("Bruno")
    terminals = [await make_actor("pos-terminal") for _ in range(2)]
    for attempt in range(5):
        number = 900 + attempt
        responses = await asyncio.gather(
            *(
                client.post(
                    f"{API}/orders",
                    json=order_body(customer_id, number=number),
                    headers=terminal.headers,
                )
                for customer_id, terminal in zip((first, second), terminals, strict=True)
            )
        )
        assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
        loser = next(r for r in responses if r.status_code == 409)
        assert loser.json()["type"] == "order-number-taken"
    count = await session.scalar(select(func.count()).select_from(Order))
    assert count == 5
