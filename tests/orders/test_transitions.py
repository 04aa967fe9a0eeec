"""Cancel and consume: every legal transition and every illegal one."""

from __future__ import annotations

from sqlalchemy import select

from custledger.kit.audit import AuditEntry
from tests.orders.helpers import API, TODAY, order_body, stored_customer


async def place(client, actor, customer_id: int, **overrides: object) -> dict:
    r = await client.post(
        f"{API}/orders", json=order_body(customer_id, **overrides), headers=actor.headers
    )
    assert r.status_code == 201, r.text
    return r.json()


async def act(client, actor, order_id: int, action: str):
    return await client.post(f"{API}/orders/{order_id}/{action}", headers=actor.headers)


async def test_cancelling_a_quote(client, pos, make_customer, session):
    customer_id = await make_customer()
    quote = await place(client, pos, customer_id, kind="quote")
    r = await act(client, pos, quote["id"], "cancel")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "cancelled"
    assert body["kind"] == "quote"  # what it was created as
    assert body["closed_on"] == TODAY.isoformat()
    assert body["version"] == 2
    fetched = await client.get(f"{API}/orders/{quote['id']}", headers=pos.headers)
    assert fetched.json()["kind"] == "quote"
    customer = await stored_customer(session, customer_id)
    assert (customer.total_purchases, customer.credit_reserved) == (0, 0)


async def test_cancelling_an_open_credit_order_releases_its_reservation(
    client, pos, make_customer, session, ledger_consistent
):
    customer_id = await make_customer(credit_limit=500_00)
    order = await place(client, pos, customer_id, payment_terms="credit", total="500.00")
    r = await act(client, pos, order["id"], "cancel")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled"
    assert r.json()["kind"] == "order"
    customer = await stored_customer(session, customer_id)
    assert customer.credit_reserved == 0
    assert customer.total_purchases == 0
    # The whole limit is available again.
    again = await place(client, pos, customer_id, payment_terms="credit", total="500.00")
    assert again["status"] == "open"
    await ledger_consistent()


async def test_cancelling_a_partly_delivered_order_cancels_only_the_remainder(
    client, pos, make_customer, session, ledger_consistent
):
    customer_id = await make_customer(credit_limit=1000_00)
    order = await place(client, pos, customer_id, payment_terms="credit", total="100.00")
    r = await client.post(
        f"{API}/orders/{order['id']}/deliveries", json={"amount": "30.00"}, headers=pos.headers
    )
    assert r.status_code == 201
    r = await act(client, pos, order["id"], "cancel")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "cancelled"
    assert body["delivered_amount"] == "30.00"
    assert len(body["deliveries"]) == 1  # what was delivered stays delivered

    customer = await stored_customer(session, customer_id)
    assert customer.balance == -30_00  # the debit stands
    assert customer.credit_reserved == 0  # the 70.00 remainder is released
    assert customer.total_purchases == 30_00  # only what was really bought
    await ledger_consistent()


async def test_cash_order_cancel_changes_no_total(client, pos, make_customer, session):
    customer_id = await make_customer()
    order = await place(client, pos, customer_id, total="60.00")
    keep = await place(client, pos, customer_id, total="15.00")
    await act(client, pos, order["id"], "cancel")
    customer = await stored_customer(session, customer_id)
    assert customer.total_purchases == 0
    assert customer.credit_reserved == 0
    assert keep["status"] == "open"


async def test_delivered_cancelled_and_consumed_orders_cannot_be_cancelled(
    client, pos, make_customer, session, ledger_consistent
):
    customer_id = await make_customer()
    delivered = await place(client, pos, customer_id, total="20.00")
    await client.post(f"{API}/orders/{delivered['id']}/deliveries", json={}, headers=pos.headers)
    cancelled = await place(client, pos, customer_id)
    await act(client, pos, cancelled["id"], "cancel")
    consumed = await place(client, pos, customer_id, kind="quote")
    await act(client, pos, consumed["id"], "consume")
    before = await stored_customer(session, customer_id)
    totals = (before.balance, before.total_purchases, before.credit_reserved)

    for order, status in (
        (delivered, "delivered"),
        (cancelled, "cancelled"),
        (consumed, "consumed"),
    ):
        r = await act(client, pos, order["id"], "cancel")
        assert r.status_code == 409, (status, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["type"] == "illegal-transition"
        assert r.json()["status_now"] == status
        stored = await client.get(f"{API}/orders/{order['id']}", headers=pos.headers)
        assert stored.json()["status"] == status

    after = await stored_customer(session, customer_id)
    assert (after.balance, after.total_purchases, after.credit_reserved) == totals
    await ledger_consistent()


async def test_consuming_a_quote(client, pos, make_customer, session):
    customer_id = await make_customer()
    quote = await place(client, pos, customer_id, kind="quote", total="300.00")
    r = await act(client, pos, quote["id"], "consume")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "consumed"
    assert body["kind"] == "quote"
    assert body["closed_on"] == TODAY.isoformat()
    customer = await stored_customer(session, customer_id)
    assert customer.total_purchases == 0


async def test_only_a_quote_can_be_consumed(client, pos, make_customer):
    customer_id = await make_customer()
    open_order = await place(client, pos, customer_id)
    delivered = await place(client, pos, customer_id, total="20.00")
    await client.post(f"{API}/orders/{delivered['id']}/deliveries", json={}, headers=pos.headers)
    cancelled = await place(client, pos, customer_id, kind="quote")
    await act(client, pos, cancelled["id"], "cancel")
    consumed = await place(client, pos, customer_id, kind="quote")
    await act(client, pos, consumed["id"], "consume")

    for order, status in (
        (open_order, "open"),
        (delivered, "delivered"),
        (cancelled, "cancelled"),
        (consumed, "consumed"),
    ):
        r = await act(client, pos, order["id"], "consume")
        assert r.status_code == 409, (status, r.text)
        assert r.json()["type"] == "illegal-transition"


async def test_transitions_of_an_unknown_order_are_404(client, pos):
    for action in ("cancel", "consume"):
        r = await act(client, pos, 987654, action)
        assert r.status_code == 404
        assert r.json()["type"] == "order-not-found"


async def test_transitions_need_orders_write(client, make_actor, pos, make_customer):
    customer_id = await make_customer()
    quote = await place(client, pos, customer_id, kind="quote")
    reader = await make_actor("clerk", permissions=["customers:read"])
    for action in ("cancel", "consume"):
        r = await act(client, reader, quote["id"], action)
        assert r.status_code == 403
    r = await client.post(f"{API}/orders/{quote['id']}/cancel")
    assert r.status_code == 401
    stored = await client.get(f"{API}/orders/{quote['id']}", headers=pos.headers)
    assert stored.json()["status"] == "quote"


async def test_transitions_are_audited_with_the_customer(client, pos, make_customer, session):
    customer_id = await make_customer()
    order = await place(client, pos, customer_id)
    quote = await place(client, pos, customer_id, kind="quote")
    await act(client, pos, order["id"], "cancel")
    await act(client, pos, quote["id"], "consume")
    entries = (
        await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action.in_(("order.cancel", "order.consume")))
            .order_by(AuditEntry.id)
        )
    ).all()
    assert [(e.action, e.entity_id, e.customer_id) for e in entries] == [
        ("order.cancel", order["id"], customer_id),
        ("order.consume", quote["id"], customer_id),
    ]
    assert entries[0].changes["before"]["status"] == "open"
    assert entries[0].changes["after"]["status"] == "cancelled"
    assert entries[1].changes["after"]["status"] == "consumed"
