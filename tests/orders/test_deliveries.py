"""Deliveries: numbered, dated, never more than the order, each one a debit on the balance."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from custledger.balance.models import MonthlyTotal
from custledger.kit.audit import AuditEntry
from custledger.orders.models import Delivery
from tests.orders.helpers import API, TODAY, order_body, stored_customer


async def place(client, actor, customer_id: int, **overrides: object) -> dict:
    r = await client.post(
        f"{API}/orders", json=order_body(customer_id, **overrides), headers=actor.headers
    )
    assert r.status_code == 201, r.text
    return r.json()


async def deliver(client, actor, order_id: int, body: dict | None = None, **headers: str):
    return await client.post(
        f"{API}/orders/{order_id}/deliveries",
        json=body if body is not None else {},
        headers=actor.headers | headers,
    )


async def deliveries_count(session) -> int:
    count = await session.scalar(select(func.count()).select_from(Delivery))
    await session.commit()
    return int(count or 0)


async def test_partial_deliveries_are_numbered_and_close_the_order_when_complete(
    client, pos, make_customer, session, ledger_consistent
):
    customer_id = await make_customer(credit_limit=1000_00)
    order = await place(client, pos, customer_id, total="100.00", payment_terms="credit")

    first = await deliver(client, pos, order["id"], {"amount": "30.00"})
    assert first.status_code == 201, first.text
    body = first.json()
    assert first.headers["Location"] == f"/api/v1/orders/{order['id']}"
    assert body["status"] == "open"
    assert body["delivered_amount"] == "30.00"
    assert body["outstanding_delivery"] == "70.00"
    assert [(d["sequence"], d["amount"], d["delivered_on"]) for d in body["deliveries"]] == [
        (1, "30.00", TODAY.isoformat())
    ]
    customer = await stored_customer(session, customer_id)
    assert customer.balance == -30_00
    assert customer.credit_reserved == 70_00  # the delivered part is now debt, not reserved

    second = await deliver(client, pos, order["id"], {"amount": "50.00"})
    assert second.json()["deliveries"][1]["sequence"] == 2
    third = await deliver(client, pos, order["id"])  # no amount: the remainder
    assert third.status_code == 201, third.text
    body = third.json()
    assert body["status"] == "delivered"
    assert body["delivered_amount"] == "100.00"
    assert body["outstanding_delivery"] == "0.00"
    assert [(d["sequence"], d["amount"]) for d in body["deliveries"]] == [
        (1, "30.00"),
        (2, "50.00"),
        (3, "20.00"),
    ]
    assert body["version"] == 4

    customer = await stored_customer(session, customer_id)
    assert customer.balance == -100_00
    assert customer.credit_reserved == 0
    assert customer.total_purchases == 100_00
    month = await session.get(MonthlyTotal, (customer_id, TODAY.replace(day=1)))
    assert month is not None and month.delivered == 100_00
    await session.commit()
    await ledger_consistent()


async def test_delivery_beyond_what_is_left_is_refused(
    client, pos, make_customer, session, ledger_consistent
):
    customer_id = await make_customer()
    order = await place(client, pos, customer_id, total="100.00")
    assert (await deliver(client, pos, order["id"], {"amount": "60.00"})).status_code == 201
    r = await deliver(client, pos, order["id"], {"amount": "40.01"})
    assert r.status_code == 409
    assert r.json()["type"] == "delivery-exceeds-order"
    assert r.json()["remaining"] == "40.00"
    assert await deliveries_count(session) == 1
    customer = await stored_customer(session, customer_id)
    assert customer.balance == -60_00
    await ledger_consistent()


async def test_delivery_amount_must_be_positive_money(client, pos, make_customer, session):
    customer_id = await make_customer()
    order = await place(client, pos, customer_id)
    for amount in ("0.00", "-5.00", "1.234", 3.5):
        r = await deliver(client, pos, order["id"], {"amount": amount})
        assert r.status_code == 422, (amount, r.text)
    r = await deliver(client, pos, order["id"], {"amount": "1.00", "sequence": 7})
    assert r.status_code == 422
    assert await deliveries_count(session) == 0


async def test_single_and_collected_orders_are_delivered_whole_in_one_delivery(
    client, pos, make_customer, session, ledger_consistent
):
    customer_id = await make_customer()
    for delivery_type in ("single", "collected"):
        order = await place(client, pos, customer_id, total="80.00", delivery_type=delivery_type)
        part = await deliver(client, pos, order["id"], {"amount": "30.00"})
        assert part.status_code == 409
        assert part.json()["type"] == "whole-delivery-required"

        whole = await deliver(client, pos, order["id"], {"amount": "80.00"})
        assert whole.status_code == 201, whole.text
        assert whole.json()["status"] == "delivered"
        assert len(whole.json()["deliveries"]) == 1
    awaiting = await place(client, pos, customer_id, total="10.00", delivery_type="single")
    default = await deliver(client, pos, awaiting["id"])
    assert default.json()["deliveries"][0]["amount"] == "10.00"
    customer = await stored_customer(session, customer_id)
    assert customer.balance == -170_00
    await ledger_consistent()


async def test_delivery_date_after_today_is_refused_for_everyone(client, owner, make_customer):
    customer_id = await make_customer()
    order = await place(client, owner, customer_id)
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    r = await deliver(client, owner, order["id"], {"delivered_on": tomorrow})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "delivered_on"


async def test_clerk_cannot_backdate_a_delivery(client, clerk, pos, make_customer, session):
    customer_id = await make_customer()
    order = await place(client, pos, customer_id)
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    for actor in (clerk, pos):
        r = await deliver(client, actor, order["id"], {"delivered_on": yesterday})
        assert r.status_code == 403
        assert r.json()["type"] == "backdating-not-allowed"
    assert await deliveries_count(session) == 0
    today = await deliver(client, clerk, order["id"], {"delivered_on": TODAY.isoformat()})
    assert today.status_code == 201, today.text


async def test_manager_may_backdate_a_delivery_into_an_earlier_month(
    client, manager, pos, make_customer, session, ledger_consistent
):
    customer_id = await make_customer()
    order = await place(
        client, pos, customer_id, placed_on=(TODAY - timedelta(days=60)).isoformat()
    )
    earlier = TODAY - timedelta(days=45)
    r = await deliver(
        client, manager, order["id"], {"amount": "25.00", "delivered_on": earlier.isoformat()}
    )
    assert r.status_code == 201, r.text
    assert r.json()["deliveries"][0]["delivered_on"] == earlier.isoformat()
    month = await session.get(MonthlyTotal, (customer_id, earlier.replace(day=1)))
    assert month is not None and month.delivered == 25_00
    await session.commit()
    await ledger_consistent()


async def test_only_open_orders_can_be_delivered(
    client, pos, make_customer, session, ledger_consistent
):
    customer_id = await make_customer()
    quote = await place(client, pos, customer_id, kind="quote")
    consumed = await place(client, pos, customer_id, kind="quote")
    await client.post(f"{API}/orders/{consumed['id']}/consume", headers=pos.headers)
    cancelled = await place(client, pos, customer_id)
    await client.post(f"{API}/orders/{cancelled['id']}/cancel", headers=pos.headers)
    delivered = await place(client, pos, customer_id, total="5.00")
    assert (await deliver(client, pos, delivered["id"])).status_code == 201

    for order, status in (
        (quote, "quote"),
        (consumed, "consumed"),
        (cancelled, "cancelled"),
        (delivered, "delivered"),
    ):
        r = await deliver(client, pos, order["id"], {"amount": "1.00"})
        assert r.status_code == 409, (status, r.text)
        assert r.json()["type"] == "illegal-transition"
        assert r.json()["status_now"] == status
    assert await deliveries_count(session) == 1
    await ledger_consistent()


async def test_delivering_a_zero_total_order_closes_it_without_a_debit(
    client, pos, make_customer, session, ledger_consistent
):
    customer_id = await make_customer()
    order = await place(client, pos, customer_id, total="0.00")
    refused = await deliver(client, pos, order["id"], {"amount": "0.01"})
    assert refused.status_code == 409
    assert refused.json()["type"] == "delivery-exceeds-order"
    r = await deliver(client, pos, order["id"])
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "delivered"
    assert r.json()["deliveries"] == []
    assert await deliveries_count(session) == 0
    customer = await stored_customer(session, customer_id)
    assert customer.balance == 0
    await ledger_consistent()


async def test_retried_delivery_with_the_same_key_debits_once(
    client, pos, make_customer, session, ledger_consistent
):
    customer_id = await make_customer()
    order = await place(client, pos, customer_id, total="100.00")
    first = await deliver(
        client, pos, order["id"], {"amount": "40.00"}, **{"Idempotency-Key": "d1"}
    )
    retry = await deliver(
        client, pos, order["id"], {"amount": "40.00"}, **{"Idempotency-Key": "d1"}
    )
    assert first.status_code == retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert await deliveries_count(session) == 1
    customer = await stored_customer(session, customer_id)
    assert customer.balance == -40_00
    await ledger_consistent()


async def test_delivery_of_an_unknown_order_is_404(client, pos):
    r = await deliver(client, pos, 424242, {"amount": "1.00"})
    assert r.status_code == 404
    assert r.json()["type"] == "order-not-found"


async def test_delivering_needs_orders_write(client, make_actor, pos, make_customer, session):
    customer_id = await make_customer()
    order = await place(client, pos, customer_id)
    reader = await make_actor("clerk", permissions=["customers:read", "payments:write"])
    r = await deliver(client, reader, order["id"], {"amount": "1.00"})
    assert r.status_code == 403
    assert await deliveries_count(session) == 0


async def test_delivery_lowers_the_balance_of_an_inactive_or_blocked_customer_too(
    client, pos, make_customer, session, ledger_consistent
):
    # The sale was accepted earlier; the goods leaving later is a fact to record.
    customer_id = await make_customer(credit_limit=100_00)
    order = await place(client, pos, customer_id, payment_terms="credit", total="50.00")
    customer = await stored_customer(session, customer_id)
    customer.active, customer.blocked = False, True
    await session.commit()
    r = await deliver(client, pos, order["id"])
    assert r.status_code == 201, r.text
    customer = await stored_customer(session, customer_id)
    assert (customer.balance, customer.credit_reserved) == (-50_00, 0)
    await ledger_consistent()


async def test_delivery_is_audited_with_the_customer(client, pos, make_customer, session):
    customer_id = await make_customer()
    order = await place(client, pos, customer_id, total="100.00")
    first = await deliver(client, pos, order["id"], {"amount": "30.00"})
    second = await deliver(client, pos, order["id"], {"amount": "20.00"})
    assert (first.status_code, second.status_code) == (201, 201), second.text
    entries = list(
        await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "order.deliver", AuditEntry.entity_id == order["id"])
            .order_by(AuditEntry.id)
        )
    )
    await session.commit()
    assert len(entries) == 2
    entry = entries[0]
    assert entry.customer_id == customer_id
    assert entry.principal_id == pos.id
    assert entry.changes["before"]["delivered_amount"] == "0.00"
    assert entry.changes["after"]["delivered_amount"] == "30.00"
    assert entry.changes["delivery"]["amount"] == "30.00"
    assert entry.changes["customer"] == {
        "before": {"credit_reserved": "0.00", "total_purchases": "0.00"},
        "after": {"credit_reserved": "0.00", "total_purchases": "30.00"},
    }
    # Each entry names the delivery row it wrote (on PostgreSQL its id comes from the same
    # statement as the row).
    delivered = second.json()["deliveries"]
    assert [(e.changes["delivery"]["id"], e.changes["delivery"]["sequence"]) for e in entries] == [
        (d["id"], d["sequence"]) for d in delivered
    ]
    assert [d["sequence"] for d in delivered] == [1, 2]
    assert entries[1].changes["before"]["delivered_amount"] == "30.00"
    assert entries[1].changes["after"]["delivered_amount"] == "50.00"
    assert entries[1].changes["customer"]["after"]["total_purchases"] == "50.00"


async def test_a_delivery_without_a_body_delivers_the_remainder_today(
    client, pos, make_customer, ledger_consistent
):
    customer_id = await make_customer()
    order = await place(client, pos, customer_id, total="12.34", delivery_type="unspecified")
    r = await client.post(f"{API}/orders/{order['id']}/deliveries", headers=pos.headers)
    assert r.status_code == 201, r.text
    assert [(d["amount"], d["delivered_on"]) for d in r.json()["deliveries"]] == [
        ("12.34", TODAY.isoformat())
    ]
    assert r.json()["status"] == "delivered"
    await ledger_consistent()
