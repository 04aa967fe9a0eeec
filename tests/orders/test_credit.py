"""Who may be sold to, and on credit (DESIGN "Orders, deliveries and credit sales")."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from custledger.orders.models import Order
from tests.orders.helpers import API, order_body, stored_customer


def credit_sale(customer_id: int, total: str, **overrides: object) -> dict[str, object]:
    return order_body(customer_id, payment_terms="credit", total=total, **overrides)


async def orders_count(session) -> int:
    count = await session.scalar(select(func.count()).select_from(Order))
    await session.commit()
    return int(count or 0)


async def test_credit_sale_within_the_limit_reserves_credit(
    client, pos, make_customer, session, ledger_consistent
):
    customer_id = await make_customer(credit_limit=1000_00)
    r = await client.post(
        f"{API}/orders", json=credit_sale(customer_id, "400.00"), headers=pos.headers
    )
    assert r.status_code == 201, r.text
    customer = await stored_customer(session, customer_id)
    assert customer.credit_reserved == 400_00
    assert customer.total_purchases == 0  # bought once delivered
    await ledger_consistent()


async def test_credit_sale_exactly_reaching_the_limit_is_accepted_one_cent_more_refused(
    client, pos, make_customer, session, add_payment, ledger_consistent
):
    # Limit 1000.00, debt 300.00 (a delivered order), 200.00 reserved by an open credit order:
    # exactly 500.00 is left.
    customer_id = await make_customer(credit_limit=1000_00)
    r = await client.post(
        f"{API}/orders",
        json=credit_sale(customer_id, "300.00", delivery_type="single"),
        headers=pos.headers,
    )
    assert r.status_code == 201, r.text
    r = await client.post(f"{API}/orders/{r.json()['id']}/deliveries", json={}, headers=pos.headers)
    assert r.status_code == 201, r.text
    r = await client.post(
        f"{API}/orders", json=credit_sale(customer_id, "200.00"), headers=pos.headers
    )
    assert r.status_code == 201, r.text
    customer = await stored_customer(session, customer_id)
    assert (customer.balance, customer.credit_reserved) == (-300_00, 200_00)

    over = await client.post(
        f"{API}/orders", json=credit_sale(customer_id, "500.01"), headers=pos.headers
    )
    assert over.status_code == 409
    assert over.headers["content-type"] == "application/problem+json"
    problem = over.json()
    assert problem["type"] == "credit-limit-exceeded"
    assert problem["available_credit"] == "500.00"
    assert problem["requested"] == "500.01"
    assert problem["status"] == 409

    exact = await client.post(
        f"{API}/orders", json=credit_sale(customer_id, "500.00"), headers=pos.headers
    )
    assert exact.status_code == 201, exact.text
    customer = await stored_customer(session, customer_id)
    assert customer.credit_reserved == 700_00  # 300 debt + 700 reserved = the 1000 limit

    nothing_left = await client.post(
        f"{API}/orders", json=credit_sale(customer_id, "0.01"), headers=pos.headers
    )
    assert nothing_left.status_code == 409
    assert nothing_left.json()["available_credit"] == "0.00"
    assert await orders_count(session) == 3
    await ledger_consistent()


async def test_a_received_payment_frees_credit(
    client, pos, make_customer, session, add_payment, ledger_consistent
):
    customer_id = await make_customer(credit_limit=100_00)
    r = await client.post(
        f"{API}/orders",
        json=credit_sale(customer_id, "100.00", delivery_type="single"),
        headers=pos.headers,
    )
    await client.post(f"{API}/orders/{r.json()['id']}/deliveries", json={}, headers=pos.headers)
    refused = await client.post(
        f"{API}/orders", json=credit_sale(customer_id, "40.00"), headers=pos.headers
    )
    assert refused.status_code == 409
    assert refused.json()["available_credit"] == "0.00"

    await add_payment(customer_id, pos.id, 40_00, order_number=r.json()["number"])
    accepted = await client.post(
        f"{API}/orders", json=credit_sale(customer_id, "40.00"), headers=pos.headers
    )
    assert accepted.status_code == 201, accepted.text
    await ledger_consistent()


async def test_credit_in_favour_does_not_raise_the_limit(
    client, pos, make_customer, add_payment, ledger_consistent
):
    # Debt is max(0, −balance): a customer in credit still gets only the limit.
    customer_id = await make_customer(credit_limit=100_00)
    await add_payment(customer_id, pos.id, 500_00)
    r = await client.post(
        f"{API}/orders", json=credit_sale(customer_id, "100.01"), headers=pos.headers
    )
    assert r.status_code == 409
    assert r.json()["type"] == "credit-limit-exceeded"
    assert r.json()["available_credit"] == "100.00"
    await ledger_consistent()


async def test_credit_sale_to_a_blocked_customer_is_refused_but_cash_is_sold(
    client, pos, make_customer, session
):
    customer_id = await make_customer(credit_limit=1000_00, blocked=True)
    r = await client.post(
        f"{API}/orders", json=credit_sale(customer_id, "10.00"), headers=pos.headers
    )
    assert r.status_code == 409
    assert r.json()["type"] == "customer-blocked"
    assert await orders_count(session) == 0

    cash = await client.post(f"{API}/orders", json=order_body(customer_id), headers=pos.headers)
    assert cash.status_code == 201, cash.text


async def test_credit_sale_without_a_credit_limit_is_refused_as_no_credit(
    client, pos, make_customer, session
):
    no_limit = await make_customer(credit_limit=None)
    zero_limit = await make_customer("Zero Limit", credit_limit=0)
    for customer_id in (no_limit, zero_limit):
        r = await client.post(
            f"{API}/orders", json=credit_sale(customer_id, "0.01"), headers=pos.headers
        )
        assert r.status_code == 409, r.text
        assert r.json()["type"] == "no-credit"
    assert await orders_count(session) == 0
    customer = await stored_customer(session, no_limit)
    assert customer.credit_reserved == 0
    assert customer.total_purchases == 0


async def test_inactive_customer_cannot_be_sold_to_at_all(client, pos, make_customer, session):
    customer_id = await make_customer(active=False, credit_limit=1000_00)
    for body in (
        credit_sale(customer_id, "10.00"),
        order_body(customer_id),  # cash
        order_body(customer_id, kind="quote"),  # not even a quote
    ):
        r = await client.post(f"{API}/orders", json=body, headers=pos.headers)
        assert r.status_code == 409, r.text
        assert r.json()["type"] == "customer-inactive"
    assert await orders_count(session) == 0


async def test_inactive_takes_precedence_over_blocked(client, pos, make_customer):
    customer_id = await make_customer(active=False, blocked=True, credit_limit=None)
    r = await client.post(
        f"{API}/orders", json=credit_sale(customer_id, "10.00"), headers=pos.headers
    )
    assert r.json()["type"] == "customer-inactive"


async def test_quick_sale_customer_buys_for_cash_only(
    client, pos, quick_sale_id, session, ledger_consistent
):
    cash = await client.post(
        f"{API}/orders",
        json=order_body(quick_sale_id, delivery_type="collected"),
        headers=pos.headers,
    )
    assert cash.status_code == 201, cash.text
    delivered = await client.post(
        f"{API}/orders/{cash.json()['id']}/deliveries", json={}, headers=pos.headers
    )
    assert delivered.status_code == 201, delivered.text

    for body in (
        order_body(quick_sale_id, payment_terms="credit"),
        order_body(quick_sale_id, payment_terms="credit", kind="quote"),
    ):
        r = await client.post(f"{API}/orders", json=body, headers=pos.headers)
        assert r.status_code == 409
        assert r.json()["type"] == "no-credit"
    await ledger_consistent()


async def test_quick_sale_customer_is_always_active(client, pos, quick_sale_id, session):
    customer = await stored_customer(session, quick_sale_id)
    customer.active = False
    await session.commit()
    r = await client.post(f"{API}/orders", json=order_body(quick_sale_id), headers=pos.headers)
    assert r.status_code == 201, r.text


async def test_a_credit_quote_is_not_checked_against_the_limit(client, pos, make_customer):
    customer_id = await make_customer(credit_limit=10_00, blocked=True)
    r = await client.post(
        f"{API}/orders",
        json=credit_sale(customer_id, "999.00", kind="quote"),
        headers=pos.headers,
    )
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "quote"


@pytest.mark.postgres
async def test_parallel_credit_sales_never_exceed_the_limit(
    client, make_actor, make_customer, session, ledger_consistent
):
    """20 terminals sell 100.00 on credit at once to a customer whose limit allows 10."""
    customer_id = await make_customer(credit_limit=1000_00)
    terminals = [await make_actor("pos-terminal") for _ in range(4)]

    async def sell(i: int):
        return await client.post(
            f"{API}/orders",
            json=credit_sale(customer_id, "100.00"),
            headers=terminals[i % len(terminals)].headers,
        )

    responses = await asyncio.gather(*(sell(i) for i in range(20)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 10 + [409] * 10, [r.text for r in responses if r.status_code >= 500]
    refused = [r.json() for r in responses if r.status_code == 409]
    assert {p["type"] for p in refused} == {"credit-limit-exceeded"}
    assert {p["available_credit"] for p in refused} == {"0.00"}

    customer = await stored_customer(session, customer_id)
    assert customer.credit_reserved == 10 * 100_00
    assert customer.credit_reserved <= customer.credit_limit
    assert customer.total_purchases == 0  # nothing delivered
    assert await orders_count(session) == 10
    numbers = {r.json()["number"] for r in responses if r.status_code == 201}
    assert len(numbers) == 10
    await ledger_consistent()
