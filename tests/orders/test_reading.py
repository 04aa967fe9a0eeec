"""GET /orders, GET /orders/{id} and the purchase history GET /customers/{id}/purchases."""

from __future__ import annotations

from datetime import timedelta

from tests.orders.helpers import API, TODAY, order_body


async def place(client, actor, customer_id: int, **overrides: object) -> dict:
    r = await client.post(
        f"{API}/orders", json=order_body(customer_id, **overrides), headers=actor.headers
    )
    assert r.status_code == 201, r.text
    return r.json()


def day(offset: int) -> str:
    return (TODAY - timedelta(days=offset)).isoformat()


async def test_get_unknown_order_is_404_and_reading_needs_customers_read(
    client, pos, make_actor, make_customer
):
    r = await client.get(f"{API}/orders/31337", headers=pos.headers)
    assert r.status_code == 404
    assert r.json()["type"] == "order-not-found"
    order = await place(client, pos, await make_customer())
    nobody = await make_actor("clerk", permissions=["orders:write"])
    r = await client.get(f"{API}/orders/{order['id']}", headers=nobody.headers)
    assert r.status_code == 403
    r = await client.get(f"{API}/orders", headers=nobody.headers)
    assert r.status_code == 403
    r = await client.get(f"{API}/orders/{order['id']}")
    assert r.status_code == 401


async def test_orders_are_listed_newest_placed_first_and_paged_by_cursor(
    client, clerk, pos, make_customer
):
    customer_id = await make_customer()
    placed = [
        await place(client, pos, customer_id, placed_on=day(offset), total=f"{offset + 1}.00")
        for offset in (3, 0, 5, 0, 1)
    ]
    # Newest placed first; the same day: the later recorded first.
    expected = [placed[3]["id"], placed[1]["id"], placed[4]["id"], placed[0]["id"], placed[2]["id"]]

    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        r = await client.get(f"{API}/orders", params=params, headers=clerk.headers)
        assert r.status_code == 200, r.text
        page = r.json()
        pages += 1
        assert len(page["items"]) <= 2
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == expected
    assert pages == 3

    whole = await client.get(f"{API}/orders", headers=clerk.headers)
    assert [o["id"] for o in whole.json()["items"]] == expected
    assert whole.json()["next_cursor"] is None


async def test_orders_are_filtered_by_customer_and_status(client, pos, make_customer):
    ana = await make_customer("Ana")
    bruno = await make_customer("Bruno")
    a_open = await place(client, pos, ana)
    a_quote = await place(client, pos, ana, kind="quote")
    b_open = await place(client, pos, bruno)

    r = await client.get(f"{API}/orders", params={"customer_id": ana}, headers=pos.headers)
    assert {o["id"] for o in r.json()["items"]} == {a_open["id"], a_quote["id"]}
    r = await client.get(f"{API}/orders", params={"status": "open"}, headers=pos.headers)
    assert {o["id"] for o in r.json()["items"]} == {a_open["id"], b_open["id"]}
    r = await client.get(
        f"{API}/orders", params={"customer_id": ana, "status": "quote"}, headers=pos.headers
    )
    assert [o["id"] for o in r.json()["items"]] == [a_quote["id"]]
    assert r.json()["items"][0]["kind"] == "quote"


async def test_order_list_refuses_bad_parameters(client, pos):
    for params in (
        {"limit": 201},
        {"limit": 0},
        {"status": "lost"},
        {"customer_id": 0},
        {"cursor": "not-a-cursor"},
    ):
        r = await client.get(f"{API}/orders", params=params, headers=pos.headers)
        assert r.status_code == 422, (params, r.text)
    r = await client.get(f"{API}/orders", params={"limit": 200}, headers=pos.headers)
    assert r.status_code == 200


async def test_a_cursor_of_another_list_is_refused(client, pos, make_customer):
    customer_id = await make_customer()
    for _ in range(2):
        await deliver(client, pos, await place(client, pos, customer_id))
    r = await client.get(
        f"{API}/customers/{customer_id}/purchases", params={"limit": 1}, headers=pos.headers
    )
    cursor = r.json()["next_cursor"]
    assert cursor is not None
    r = await client.get(f"{API}/orders", params={"cursor": cursor}, headers=pos.headers)
    assert r.status_code == 422


async def test_cancelled_orders_listed_keep_what_they_were_created_as(client, pos, make_customer):
    customer_id = await make_customer()
    quote = await place(client, pos, customer_id, kind="quote")
    order = await place(client, pos, customer_id)
    for o in (quote, order):
        await client.post(f"{API}/orders/{o['id']}/cancel", headers=pos.headers)
    r = await client.get(f"{API}/orders", params={"status": "cancelled"}, headers=pos.headers)
    assert {o["id"]: o["kind"] for o in r.json()["items"]} == {
        quote["id"]: "quote",
        order["id"]: "order",
    }


async def deliver(client, actor, order: dict, amount: str | None = None) -> None:
    body = {} if amount is None else {"amount": amount}
    r = await client.post(
        f"{API}/orders/{order['id']}/deliveries", json=body, headers=actor.headers
    )
    assert r.status_code == 201, r.text


async def test_purchase_history_allocates_every_received_payment_oldest_delivery_first(
    client, pos, make_customer, add_payment, ledger_consistent
):
    """A payment naming an order pays the oldest debt like any other: the unpaid parts are the
    newest deliveries and add up to the debt."""
    customer_id = await make_customer(credit_limit=10_000_00)
    other_id = await make_customer("Other")
    first = await place(client, pos, customer_id, number=101, total="100.00", placed_on=day(4))
    second = await place(client, pos, customer_id, number=102, total="100.00", placed_on=day(3))
    third = await place(client, pos, customer_id, number=103, total="100.00", placed_on=day(2))
    fourth = await place(
        client,
        pos,
        customer_id,
        number=104,
        total="50.00",
        placed_on=day(1),
        payment_terms="credit",
    )
    for order in (first, second, third, fourth):  # delivered today, in this order
        await deliver(client, pos, order)

    await add_payment(customer_id, pos.id, 60_00, order_number=101)
    await add_payment(customer_id, pos.id, 40_00, order_number=101)
    await add_payment(customer_id, pos.id, 25_00, order_number=102)
    await add_payment(customer_id, pos.id, 75_00, order_number=102, received_on=None)  # pending
    await add_payment(other_id, pos.id, 100_00, order_number=103)  # another customer's
    await add_payment(customer_id, pos.id, 100_00)  # references no order
    await add_payment(customer_id, pos.id, 80_00, order_number=104)
    # Received 305.00 of 350.00 delivered: 45.00 owed, on the newest delivery (104).

    r = await client.get(f"{API}/customers/{customer_id}/purchases", headers=pos.headers)
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["next_cursor"] is None
    rows = [
        (
            p["number"],
            p["date"],
            p["total"],
            p["delivered_amount"],
            p["status"],
            p["payment_status"],
            p["paid_amount"],
            p["unpaid_amount"],
        )
        for p in page["items"]
    ]
    assert rows == [
        (104, day(1), "50.00", "50.00", "delivered", "partial", "5.00", "45.00"),
        (103, day(2), "100.00", "100.00", "delivered", "paid", "100.00", "0.00"),
        (102, day(3), "100.00", "100.00", "delivered", "paid", "100.00", "0.00"),
        (101, day(4), "100.00", "100.00", "delivered", "paid", "100.00", "0.00"),
    ]
    assert page["items"][0]["order_id"] == fourth["id"]
    customer = (await client.get(f"{API}/customers/{customer_id}", headers=pos.headers)).json()
    assert customer["balance"] == "-45.00"
    assert customer["total_purchases"] == "350.00"
    await ledger_consistent()


async def test_purchase_history_is_what_was_delivered(client, pos, make_customer):
    """Quotes, consumed quotes, orders with nothing delivered yet and cancelled remainders
    were not bought; an order cancelled after a partial delivery was, for what left."""
    customer_id = await make_customer()
    await place(client, pos, customer_id, total="10.00")  # open, nothing delivered
    await place(client, pos, customer_id, kind="quote")
    consumed = await place(client, pos, customer_id, kind="quote")
    await client.post(f"{API}/orders/{consumed['id']}/consume", headers=pos.headers)
    cancelled = await place(client, pos, customer_id)
    await client.post(f"{API}/orders/{cancelled['id']}/cancel", headers=pos.headers)
    half = await place(client, pos, customer_id, total="100.00")
    await deliver(client, pos, half, "30.00")
    half_cancelled = await place(client, pos, customer_id, total="100.00")
    await deliver(client, pos, half_cancelled, "40.00")
    r = await client.post(f"{API}/orders/{half_cancelled['id']}/cancel", headers=pos.headers)
    assert r.status_code == 200, r.text

    r = await client.get(f"{API}/customers/{customer_id}/purchases", headers=pos.headers)
    items = r.json()["items"]
    assert [
        (p["order_id"], p["status"], p["total"], p["delivered_amount"], p["payment_status"])
        for p in items
    ] == [
        (half_cancelled["id"], "cancelled", "100.00", "40.00", "unpaid"),
        (half["id"], "open", "100.00", "30.00", "unpaid"),
    ]
    customer = (await client.get(f"{API}/customers/{customer_id}", headers=pos.headers)).json()
    assert customer["total_purchases"] == "70.00"
    assert customer["balance"] == "-70.00"


async def test_purchase_history_pages_newest_first(client, pos, make_customer):
    customer_id = await make_customer()
    ids = []
    for offset in (0, 2, 1, 2):
        order = await place(client, pos, customer_id, placed_on=day(offset))
        await deliver(client, pos, order)
        ids.append(order["id"])
    expected = [ids[0], ids[2], ids[3], ids[1]]
    seen, cursor = [], None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        r = await client.get(
            f"{API}/customers/{customer_id}/purchases", params=params, headers=pos.headers
        )
        assert r.status_code == 200, r.text
        seen += [p["order_id"] for p in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == expected


async def test_purchase_history_of_an_unknown_customer_is_404(client, pos, make_actor):
    r = await client.get(f"{API}/customers/777777/purchases", headers=pos.headers)
    assert r.status_code == 404
    assert r.json()["type"] == "customer-not-found"
    r = await client.get(f"{API}/customers/1/purchases", params={"limit": 201}, headers=pos.headers)
    assert r.status_code == 422
    writer = await make_actor("clerk", permissions=["orders:write"])
    r = await client.get(f"{API}/customers/1/purchases", headers=writer.headers)
    assert r.status_code == 403
