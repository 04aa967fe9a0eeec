"""POST /sales: one sale at the till in one transaction (API "Orders and the till")."""

from __future__ import annotations

from asyncio import selector_events
from typing import Any

import pytest
from sqlalchemy import func, select

from custledger.kit.audit import AuditEntry
from custledger.orders.models import Order
from custledger.payments.models import Payment
from tests.orders.helpers import TODAY, stored_customer
from tests.sales.helpers import API, CHEQUE, row_counts, sale


async def test_cash_sale_paid_in_full_and_delivered_now_leaves_the_balance_where_it_was(
    client, pos, make_customer, session, ledger_consistent
):
    customer_id = await make_customer(credit_limit=500_00, balance=0)
    r = await client.post(
        f"{API}/sales",
        json=sale(
            customer_id,
            "150.00",
            payments=[
                {"method": "CASH", "amount": "100.00"},
                {"method": "CARD", "amount": "50.00", "details": "visa 4242"},
            ],
        ),
        headers=pos.headers,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    order = body["order"]
    assert r.headers["Location"] == f"/api/v1/orders/{order['id']}"
    assert order["status"] == "delivered"
    assert order["delivery_type"] == "collected"
    assert order["payment_terms"] == "cash"
    assert order["total"] == "150.00"
    assert order["delivered_amount"] == "150.00"
    assert order["placed_on"] == TODAY.isoformat()
    assert order["customer"]["id"] == customer_id
    assert order["customer"]["name"] == "Maria Souza"
    assert len(body["deliveries"]) == 1
    assert body["deliveries"][0]["amount"] == "150.00"
    assert body["deliveries"][0]["delivered_on"] == TODAY.isoformat()
    assert [(p["method"], p["amount"]) for p in body["payments"]] == [
        ("CASH", "100.00"),
        ("CARD", "50.00"),
    ]
    for payment in body["payments"]:
        assert payment["received_on"] == TODAY.isoformat()
        assert payment["order_number"] == order["number"]
        assert payment["recorded_by"]["id"] == pos.id
    assert body["customer"]["id"] == customer_id
    assert body["customer"]["balance"] == "0.00"
    assert body["customer"]["available_credit"] == "500.00"

    customer = await stored_customer(session, customer_id)
    assert customer.balance == 0
    assert customer.credit_reserved == 0
    assert customer.total_purchases == 150_00
    # The same rows as the single calls write, each with its audit entry.
    actions = list(
        await session.scalars(
            select(AuditEntry.action).where(AuditEntry.customer_id == customer_id)
        )
    )
    await session.commit()
    assert sorted(actions) == [
        "order.create",
        "order.deliver",
        "payment.create",
        "payment.create",
    ]
    await ledger_consistent()


async def test_credit_sale_delivered_now_lowers_the_balance_by_the_unpaid_part(
    client, pos, make_customer, session, ledger_consistent
):
    customer_id = await make_customer(credit_limit=1000_00)
    r = await client.post(
        f"{API}/sales",
        json=sale(
            customer_id,
            "300.00",
            payments=[{"method": "PIX", "amount": "100.00"}],
            on_credit="200.00",
        ),
        headers=pos.headers,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["order"]["payment_terms"] == "credit"
    assert body["order"]["status"] == "delivered"
    assert body["customer"]["balance"] == "-200.00"
    assert body["customer"]["available_credit"] == "800.00"
    customer = await stored_customer(session, customer_id)
    assert customer.balance == -200_00
    assert customer.credit_reserved == 0  # delivered: nothing left reserved
    await ledger_consistent()


async def test_a_sale_wholly_on_credit_has_no_payment(
    client, clerk, make_customer, session, ledger_consistent
):
    customer_id = await make_customer(credit_limit=1000_00)
    r = await client.post(
        f"{API}/sales",
        json=sale(customer_id, "80.00", payments=[], on_credit="80.00"),
        headers=clerk.headers,
    )
    assert r.status_code == 201, r.text
    assert r.json()["payments"] == []
    assert r.json()["customer"]["balance"] == "-80.00"
    await ledger_consistent()


async def test_awaiting_delivery_delivers_nothing_and_reserves_the_credit_part(
    client, pos, make_customer, session, ledger_consistent
):
    customer_id = await make_customer(credit_limit=1000_00)
    r = await client.post(
        f"{API}/sales",
        json=sale(
            customer_id,
            "300.00",
            delivery="awaiting",
            payments=[{"method": "CASH", "amount": "100.00"}],
            on_credit="200.00",
        ),
        headers=pos.headers,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["deliveries"] == []
    assert body["order"]["status"] == "open"
    assert body["order"]["delivery_type"] == "awaiting_collection"
    # The payment is received today (balance +100); the whole order waits, reserved.
    assert body["customer"]["balance"] == "100.00"
    customer = await stored_customer(session, customer_id)
    assert customer.credit_reserved == 300_00
    # Delivered later, the balance ends at minus the unpaid part.
    r = await client.post(
        f"{API}/orders/{body['order']['id']}/deliveries", json={}, headers=pos.headers
    )
    assert r.status_code == 201, r.text
    customer = await stored_customer(session, customer_id)
    assert (customer.balance, customer.credit_reserved) == (-200_00, 0)
    await ledger_consistent()


async def test_partial_delivery_delivers_the_delivered_amount_now(
    client, pos, make_customer, session, ledger_consistent
):
    customer_id = await make_customer()
    r = await client.post(
        f"{API}/sales",
        json=sale(customer_id, "100.00", delivery="partial", delivered_amount="40.00"),
        headers=pos.headers,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["order"]["delivery_type"] == "partial"
    assert body["order"]["status"] == "open"
    assert body["order"]["delivered_amount"] == "40.00"
    assert [d["amount"] for d in body["deliveries"]] == ["40.00"]
    assert body["customer"]["balance"] == "60.00"  # paid 100, 40 delivered so far
    await ledger_consistent()


async def test_partial_without_delivered_amount_delivers_nothing_yet(client, pos, make_customer):
    customer_id = await make_customer()
    r = await client.post(
        f"{API}/sales", json=sale(customer_id, "100.00", delivery="partial"), headers=pos.headers
    )
    assert r.status_code == 201, r.text
    assert r.json()["deliveries"] == []
    assert r.json()["order"]["status"] == "open"


async def test_a_sale_with_a_cheque_records_the_cheque(
    client, pos, make_customer, session, ledger_consistent
):
    customer_id = await make_customer()
    r = await client.post(
        f"{API}/sales",
        json=sale(
            customer_id,
            "90.00",
            payments=[{"method": "CHEQUE", "amount": "90.00", "cheque": CHEQUE}],
        ),
        headers=pos.headers,
    )
    assert r.status_code == 201, r.text
    cheque = r.json()["payments"][0]["cheque"]
    assert cheque["issuer_tax_id"] == "12345678909"
    assert cheque["cheque_number"] == "000101"
    await ledger_consistent()


async def test_walk_in_sale_without_customer_goes_to_the_store_quick_sale_customer(
    client, pos, quick_sale_id, session, ledger_consistent
):
    r = await client.post(f"{API}/sales", json=sale(None, "25.00"), headers=pos.headers)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["order"]["customer_id"] == quick_sale_id
    assert body["order"]["customer"]["number"] is None
    assert body["customer"]["id"] == quick_sale_id
    assert body["customer"]["balance"] == "0.00"
    await ledger_consistent()


async def test_the_same_key_replays_the_same_sale_without_a_second_one(
    client, pos, make_customer, session, ledger_consistent
):
    customer_id = await make_customer()
    headers = {**pos.headers, "Idempotency-Key": "till-7-sale-1"}
    body = sale(customer_id, "60.00")
    first = await client.post(f"{API}/sales", json=body, headers=headers)
    assert first.status_code == 201, first.text
    again = await client.post(f"{API}/sales", json=body, headers=headers)
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    orders = await session.scalar(select(func.count()).select_from(Order))
    payments = await session.scalar(select(func.count()).select_from(Payment))
    await session.commit()
    assert (orders, payments) == (1, 1)

    before = await row_counts(session)
    other = await client.post(f"{API}/sales", json=sale(customer_id, "61.00"), headers=headers)
    assert other.status_code == 422
    assert other.json()["type"] == "idempotency-key-reused"
    assert await row_counts(session) == before
    await ledger_consistent()


async def test_sale_needs_orders_write_and_payments_write(client, make_actor, make_customer):
    customer_id = await make_customer()
    for permissions, missing in (
        (["customers:read", "orders:write"], "payments:write"),
        (["customers:read", "payments:write"], "orders:write"),
    ):
        actor = await make_actor("clerk", permissions=permissions)
        r = await client.post(
            f"{API}/sales", json=sale(customer_id, "10.00"), headers=actor.headers
        )
        assert r.status_code == 403, r.text
        assert r.json()["permission"] == missing


async def test_the_answer_is_the_sale_as_stored(client, pos, owner, make_customer, session):
    """The answer is built from the rows the sale wrote, not read back: it says what a read
    of the order, its payments and the audit log says."""
    customer_id = await make_customer(credit_limit=500_00)
    r = await client.post(
        f"{API}/sales",
        json=sale(
            customer_id,
            "90.00",
            delivery="partial",
            delivered_amount="40.00",
            payments=[{"method": "CASH", "amount": "30.00"}],
            on_credit="60.00",
        ),
        headers=pos.headers,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    order = body["order"]
    stored = await client.get(f"{API}/orders/{order['id']}", headers=owner.headers)
    assert stored.status_code == 200
    assert stored.json() == order
    assert order["deliveries"] == body["deliveries"]
    assert [(d["sequence"], d["amount"]) for d in body["deliveries"]] == [(1, "40.00")]
    assert (order["status"], order["delivered_amount"], order["version"]) == ("open", "40.00", 2)
    payments = await client.get(f"{API}/customers/{customer_id}/payments", headers=owner.headers)
    assert payments.json()["items"] == body["payments"]

    entries = {
        e.action: e
        for e in await session.scalars(
            select(AuditEntry).where(AuditEntry.customer_id == customer_id)
        )
    }
    await session.commit()
    created, delivered = entries["order.create"], entries["order.deliver"]
    assert (created.entity_id, delivered.entity_id) == (order["id"], order["id"])
    assert created.changes["after"]["number"] == order["number"]
    assert created.changes["customer"]["after"]["credit_reserved"] == "90.00"
    assert delivered.changes["delivery"]["id"] == body["deliveries"][0]["id"]
    assert delivered.changes["delivery"]["sequence"] == 1
    assert delivered.changes["customer"]["after"] == {
        "credit_reserved": "50.00",
        "total_purchases": "40.00",
    }
    assert entries["payment.create"].entity_id == body["payments"][0]["id"]
    assert body["customer"]["balance"] == "-10.00"


@pytest.mark.postgres
async def test_a_cash_sale_makes_nine_round_trips_to_postgresql(
    client, pos, make_customer, monkeypatch
):
    """The sale's statements on PostgreSQL (docs/performance.md, "The sale at the till"): the
    principal, BEGIN, the key's claim, the customer's lock, the order with its audit row, the
    delivery with the order's new state, its audit row and the balance's move, the payment
    with its audit row and the balance's move, the idempotency record, COMMIT: one socket
    write each (19 before the order, its delivery and its answer were written together)."""
    customer_id = await make_customer()
    writes = 0
    write = selector_events._SelectorSocketTransport.write

    other: list[bytes] = []

    def counted(self: Any, data: Any) -> None:
        nonlocal writes
        # Only executions count: Bind (a prepared statement) or Query (BEGIN, COMMIT). A
        # statement met for the first time on a connection is prepared first (Parse), and the
        # driver may close statements it dropped from its cache (Close): not the sale's work.
        if bytes(data)[:1] in (b"B", b"Q"):
            writes += 1
        else:
            other.append(bytes(data)[:1])
        write(self, data)

    monkeypatch.setattr(selector_events._SelectorSocketTransport, "write", counted)
    for n in range(2):
        writes = 0
        r = await client.post(
            f"{API}/sales",
            json=sale(customer_id, "25.00"),
            headers=pos.headers | {"Idempotency-Key": f"till-1-{n}"},
        )
        assert r.status_code == 201, r.text
        assert writes == 9, f"{writes} executions; the other writes began with {other}"
        other.clear()
