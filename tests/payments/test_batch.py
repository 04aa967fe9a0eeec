"""The cheque batch: several cheques, one order reference and due date, saved all or none."""

from __future__ import annotations

from tests.payments.support import (
    API,
    CHEQUE,
    TODAY,
    TOMORROW,
    YESTERDAY,
    audit_entries,
    cheque_count,
    make_customer,
    payment_count,
    quick_sale_customer_id,
    stored_balance,
)


def url(customer_id: int) -> str:
    return f"{API}/customers/{customer_id}/payments/cheque-batch"


def cheque(n: int, **fields) -> dict:
    return {**CHEQUE, "cheque_number": f"{n:06d}", "amount": f"{n}00.00", **fields}


async def test_batch_saves_every_cheque_with_the_shared_order_and_due_date(
    client, clerk, session, ledger_consistent
):
    customer_id = await make_customer(session)
    body = {
        "order_number": 5150,
        "due_date": "2026-04-10",
        "cheques": [
            cheque(1, received_on=TODAY.isoformat()),
            cheque(2, predated_to="2026-05-10", details="second"),
            cheque(3, predated_to="2026-06-10"),
        ],
    }
    r = await client.post(url(customer_id), json=body, headers=clerk.headers)
    assert r.status_code == 201, r.text
    items = r.json()["items"]
    assert [p["cheque"]["cheque_number"] for p in items] == ["000001", "000002", "000003"]
    assert [p["amount"] for p in items] == ["100.00", "200.00", "300.00"]
    assert {p["order_number"] for p in items} == {5150}
    assert {p["due_date"] for p in items} == {"2026-04-10"}
    assert {p["method"] for p in items} == {"CHEQUE"}
    assert {p["recorded_by"]["id"] for p in items} == {clerk.id}
    assert [p["received_on"] for p in items] == [TODAY.isoformat(), None, None]
    assert items[1]["details"] == "second"
    assert items[2]["cheque"]["predated_to"] == "2026-06-10"
    assert await payment_count(session) == 3
    assert await cheque_count(session) == 3
    assert len(await audit_entries(session, "payment.create")) == 3
    # Only the received cheque moves the balance.
    assert await stored_balance(session, customer_id) == 10000
    await ledger_consistent()


async def test_one_invalid_cheque_saves_nothing_and_is_named(client, clerk, session):
    customer_id = await make_customer(session)
    body = {
        "order_number": 1,
        "due_date": "2026-04-10",
        "cheques": [cheque(1), cheque(2), cheque(3, bank="")],
    }
    r = await client.post(url(customer_id), json=body, headers=clerk.headers)
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["cheques.2.bank"]
    assert await payment_count(session) == 0
    assert await cheque_count(session) == 0


async def test_a_cheque_received_in_the_future_saves_nothing_and_is_named(
    client, owner, session, ledger_consistent
):
    customer_id = await make_customer(session)
    body = {
        "order_number": 1,
        "due_date": "2026-04-10",
        "cheques": [
            cheque(1, received_on=TODAY.isoformat()),
            cheque(2, received_on=TOMORROW.isoformat()),
        ],
    }
    r = await client.post(url(customer_id), json=body, headers=owner.headers)
    assert r.status_code == 422
    assert r.json()["type"] == "received-date-in-future"
    assert [e["field"] for e in r.json()["errors"]] == ["cheques.1.received_on"]
    assert await payment_count(session) == 0
    assert await stored_balance(session, customer_id) == 0
    await ledger_consistent()


async def test_a_backdated_cheque_from_a_clerk_saves_nothing(client, clerk, manager, session):
    customer_id = await make_customer(session)
    body = {
        "order_number": 1,
        "due_date": "2026-04-10",
        "cheques": [cheque(1), cheque(2), cheque(3, received_on=YESTERDAY.isoformat())],
    }
    r = await client.post(url(customer_id), json=body, headers=clerk.headers)
    assert r.status_code == 403
    assert r.json()["type"] == "backdating-not-allowed"
    assert [e["field"] for e in r.json()["errors"]] == ["cheques.2.received_on"]
    assert await payment_count(session) == 0
    r = await client.post(url(customer_id), json=body, headers=manager.headers)
    assert r.status_code == 201, r.text
    assert await payment_count(session) == 3


async def test_batch_size_is_1_to_50(client, clerk, session):
    customer_id = await make_customer(session)
    empty = {"order_number": 1, "due_date": "2026-04-10", "cheques": []}
    assert (
        await client.post(url(customer_id), json=empty, headers=clerk.headers)
    ).status_code == 422
    too_many = {**empty, "cheques": [cheque(n) for n in range(1, 52)]}
    r = await client.post(url(customer_id), json=too_many, headers=clerk.headers)
    assert r.status_code == 422
    assert await payment_count(session) == 0
    fifty = {**empty, "cheques": [cheque(n) for n in range(1, 51)]}
    r = await client.post(url(customer_id), json=fifty, headers=clerk.headers)
    assert r.status_code == 201
    assert len(r.json()["items"]) == 50


async def test_batch_due_date_defaults_like_a_single_payment(client, clerk, session):
    customer_id = await make_customer(session)
    body = {"cheques": [cheque(1, received_on=TODAY.isoformat()), cheque(2)]}
    r = await client.post(url(customer_id), json=body, headers=clerk.headers)
    assert r.status_code == 201, r.text
    assert [p["due_date"] for p in r.json()["items"]] == [TODAY.isoformat()] * 2
    assert {p["order_number"] for p in r.json()["items"]} == {None}


async def test_batch_refuses_unknown_customers_quick_sale_and_readers(
    client, clerk, make_actor, session
):
    body = {"order_number": 1, "due_date": "2026-04-10", "cheques": [cheque(1)]}
    r = await client.post(url(999_999), json=body, headers=clerk.headers)
    assert r.status_code == 404
    r = await client.post(
        url(await quick_sale_customer_id(session)), json=body, headers=clerk.headers
    )
    assert r.status_code == 409
    assert r.json()["type"] == "quick-sale-customer"
    reader = await make_actor("clerk", permissions=["payments:read"])
    customer_id = await make_customer(session)
    assert (
        await client.post(url(customer_id), json=body, headers=reader.headers)
    ).status_code == 403
    assert await payment_count(session) == 0


async def test_batch_honours_idempotency_key(client, clerk, session):
    customer_id = await make_customer(session)
    body = {"order_number": 1, "due_date": "2026-04-10", "cheques": [cheque(1), cheque(2)]}
    headers = clerk.headers | {"Idempotency-Key": "batch-1"}
    first = await client.post(url(customer_id), json=body, headers=headers)
    assert first.status_code == 201
    again = await client.post(url(customer_id), json=body, headers=headers)
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert await payment_count(session) == 2
