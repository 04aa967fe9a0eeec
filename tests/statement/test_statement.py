"""The statement page: rows, descriptions, running balance, totals, period, and who may read it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from custledger.kit.money import format_money
from custledger.kit.pagination import encode_cursor
from tests.statement.helpers import cents, fetch_pages, new_ledger, statement_url

D = date


@pytest.fixture
async def ledger(session, owner):
    return await new_ledger(session, owner.id, owner.store_id)


def balances(body):
    """The running balances of the financial rows, newest first."""
    return [e["balance"] for e in body["entries"] if e["type"] in ("payment", "delivery")]


async def get(client, actor, ledger, **params):
    response = await client.get(
        statement_url(ledger.customer_id), params=params, headers=actor.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_statement_shows_payments_deliveries_and_activity_with_running_balance(
    client, owner, ledger, ledger_consistent
):
    order = await ledger.order(D(2025, 1, 3), 300_00, delivery_type="partial")
    await ledger.deliver(order, 100_00, D(2025, 1, 4))
    payment = await ledger.payment(50_00, D(2025, 1, 5), method="PIX")
    await ledger.deliver(order, 200_00, D(2025, 2, 1))
    quote = await ledger.order(D(2025, 2, 2), 70_00, status="quote")

    body = await get(client, owner, ledger)

    assert body["entries"] == [
        {
            "date": "2025-02-02",
            "type": "quote",
            "reference": quote.number,
            "description": "Quote",
            "debit": None,
            "credit": None,
            "balance": None,
        },
        {
            "date": "2025-02-01",
            "type": "delivery",
            "reference": order.number,
            "description": "Partial delivery 2",
            "debit": "200.00",
            "credit": None,
            "balance": "-250.00",
        },
        {
            "date": "2025-01-05",
            "type": "payment",
            "reference": payment,
            "description": "PIX",
            "debit": None,
            "credit": "50.00",
            "balance": "-50.00",
        },
        {
            "date": "2025-01-04",
            "type": "delivery",
            "reference": order.number,
            "description": "Partial delivery 1",
            "debit": "100.00",
            "credit": None,
            "balance": "-100.00",
        },
    ]
    assert body["entries"] == ledger.expected()
    assert body["period"] == {"from": "2025-01-04", "to": "2025-02-02"}
    assert body["total_received"] == "50.00"
    assert body["total_delivered"] == "300.00"
    assert body["next_cursor"] is None
    await ledger_consistent()


async def test_pending_payments_are_not_in_the_statement(client, owner, ledger):
    await ledger.payment(80_00, None, method="BOLETO", due=D(2025, 3, 1))
    received = await ledger.payment(20_00, D(2025, 2, 1), method="CASH")

    body = await get(client, owner, ledger)

    assert [(e["type"], e["reference"]) for e in body["entries"]] == [("payment", received)]
    assert body["total_received"] == "20.00"
    assert body["entries"][0]["balance"] == "20.00"


async def test_delivery_descriptions_follow_the_orders_delivery_type(client, owner, ledger):
    day = D(2025, 4, 10)
    expected = {}
    for delivery_type, description in [
        ("single", "Single delivery"),
        ("collected", "Collected by customer"),
        ("awaiting_collection", "Ready for collection"),
        ("unspecified", "Delivery"),
    ]:
        order = await ledger.order(day, 10_00, delivery_type=delivery_type)
        await ledger.deliver(order, 10_00, day)
        expected[order.number] = [description]
    partial = await ledger.order(day, 30_00, delivery_type="partial")
    for _ in range(3):
        await ledger.deliver(partial, 10_00, day)
    expected[partial.number] = ["Partial delivery 1", "Partial delivery 2", "Partial delivery 3"]

    body = await get(client, owner, ledger)

    found: dict[int, list[str]] = {}
    for entry in reversed(body["entries"]):
        if entry["type"] == "delivery":
            found.setdefault(entry["reference"], []).append(entry["description"])
    assert found == expected


async def test_activity_rows_by_order_status_carry_no_amount(client, owner, ledger):
    day = D(2025, 5, 1)
    open_order = await ledger.order(day, 10_00, status="open")
    cancelled = await ledger.order(day, 10_00, status="cancelled")
    quote = await ledger.order(day, 10_00, status="quote")
    consumed = await ledger.order(day, 10_00, status="consumed")
    delivered = await ledger.order(day, 10_00, delivery_type="single")
    await ledger.deliver(delivered, 10_00, day)
    unspecified = await ledger.order(day, 10_00, delivery_type="unspecified")
    await ledger.deliver(unspecified, 10_00, day)
    partly = await ledger.order(day, 20_00, delivery_type="partial")
    await ledger.deliver(partly, 5_00, day)

    body = await get(client, owner, ledger)

    activity = {
        e["reference"]: (e["type"], e["description"])
        for e in body["entries"]
        if e["type"] not in ("payment", "delivery")
    }
    assert activity == {
        open_order.number: ("order", "Order placed"),
        cancelled.number: ("cancelled", "Order cancelled"),
        quote.number: ("quote", "Quote"),
        consumed.number: ("quote", "Quote consumed"),
        # Fully delivered, but with no delivery type: still shown as an order row.
        unspecified.number: ("order", "Order placed"),
        # Placed and not fully delivered.
        partly.number: ("order", "Order placed"),
    }
    assert delivered.number not in activity
    for entry in body["entries"]:
        if entry["type"] in ("order", "cancelled", "quote"):
            assert entry["debit"] is None and entry["credit"] is None and entry["balance"] is None


async def test_rows_of_one_date_are_activity_then_deliveries_then_payments(client, owner, ledger):
    day = D(2025, 6, 15)
    first_payment = await ledger.payment(5_00, day)
    order = await ledger.order(day, 50_00, delivery_type="partial")
    await ledger.deliver(order, 10_00, day)
    second_payment = await ledger.payment(7_00, day)
    await ledger.order(day, 1_00, status="quote")

    body = await get(client, owner, ledger)

    chronological = list(reversed(body["entries"]))
    assert [e["type"] for e in chronological] == [
        "order",
        "quote",
        "delivery",
        "payment",
        "payment",
    ]
    assert [e["reference"] for e in chronological[3:]] == [first_payment, second_payment]
    assert [e["balance"] for e in chronological] == [None, None, "-10.00", "-5.00", "2.00"]


async def test_financial_only_drops_activity_rows(client, owner, ledger):
    day = D(2025, 7, 1)
    await ledger.order(day, 10_00, status="cancelled")
    order = await ledger.order(day, 40_00, delivery_type="single")
    await ledger.deliver(order, 40_00, D(2025, 7, 2))
    await ledger.payment(15_00, D(2025, 7, 3))
    await ledger.order(D(2025, 7, 4), 10_00, status="quote")

    body = await get(client, owner, ledger, financial_only="true")

    assert [e["type"] for e in body["entries"]] == ["payment", "delivery"]
    assert body["entries"] == ledger.expected(financial_only=True)
    assert body["period"] == {"from": "2025-07-02", "to": "2025-07-03"}
    everything = await get(client, owner, ledger)
    assert {e["type"] for e in everything["entries"]} == {
        "payment",
        "delivery",
        "cancelled",
        "quote",
    }
    assert everything["period"] == {"from": "2025-07-01", "to": "2025-07-04"}


async def test_page_totals_run_from_the_pages_oldest_row_to_the_newest_row(client, owner, ledger):
    order = await ledger.order(D(2025, 1, 1), 1000_00, delivery_type="partial")
    amounts = []
    for month in range(1, 7):
        await ledger.deliver(order, month * 10_00, D(2025, month, 10))
        await ledger.payment(month * 1_00, D(2025, month, 20))
        amounts.append((month * 10_00, month * 1_00))

    pages = await fetch_pages(
        client, owner.headers, ledger.customer_id, limit=4, financial_only=True
    )

    # Page 1: June and May rows; page 2: April and March; page 3: February and January.
    assert [len(p["entries"]) for p in pages] == [4, 4, 4]
    loaded_received = loaded_delivered = 0
    for page in pages:
        for entry in page["entries"]:
            loaded_received += cents(entry["credit"] or "0")
            loaded_delivered += cents(entry["debit"] or "0")
        assert page["total_received"] == format_money(loaded_received)
        assert page["total_delivered"] == format_money(loaded_delivered)
        assert page["period"]["to"] == "2025-06-20"
        assert page["period"]["from"] == page["entries"][-1]["date"]
    assert pages[-1]["total_received"] == "21.00"
    assert pages[-1]["total_delivered"] == "210.00"


async def test_empty_statement(client, owner, ledger):
    await ledger.payment(10_00, None)  # pending: not a row

    body = await get(client, owner, ledger)

    assert body == {
        "entries": [],
        "period": {"from": None, "to": None},
        "total_received": "0.00",
        "total_delivered": "0.00",
        "total_returned": "0.00",
        "next_cursor": None,
    }


async def test_backdated_payment_changes_every_later_balance_on_next_fetch(
    client, owner, ledger, ledger_consistent
):
    order = await ledger.order(D(2024, 11, 1), 900_00, delivery_type="partial")
    await ledger.deliver(order, 300_00, D(2024, 11, 5))
    await ledger.payment(100_00, D(2024, 12, 10))
    await ledger.deliver(order, 300_00, D(2025, 2, 3))
    await ledger.payment(50_00, D(2025, 3, 3))
    before = await get(client, owner, ledger)
    assert balances(before) == ["-450.00", "-500.00", "-200.00", "-300.00"]

    backdated = await ledger.payment(75_00, D(2024, 11, 20), method="CASH")
    after = await get(client, owner, ledger)
    assert balances(after) == [
        "-375.00",
        "-425.00",
        "-125.00",
        "-225.00",
        "-300.00",
    ]
    assert after["entries"] == ledger.expected()
    # Also when the later rows are reached by paging back one row at a time.
    paged = await fetch_pages(client, owner.headers, ledger.customer_id, limit=1)
    assert [e for p in paged for e in p["entries"]] == after["entries"]

    await ledger.delete_payment(backdated)
    assert (await get(client, owner, ledger))["entries"] == before["entries"]
    await ledger_consistent()


async def test_edited_payment_and_earlier_delivery_change_later_balances(
    client, owner, ledger, ledger_consistent
):
    order = await ledger.order(D(2025, 1, 1), 500_00, delivery_type="partial")
    await ledger.deliver(order, 100_00, D(2025, 3, 1))
    payment = await ledger.payment(40_00, D(2025, 3, 15))
    await ledger.payment(10_00, D(2025, 4, 1))

    await ledger.change_amount(payment, 90_00)
    body = await get(client, owner, ledger)
    assert balances(body) == ["0.00", "-10.00", "-100.00"]

    await ledger.redate_payment(payment, D(2025, 2, 1))  # now before the delivery
    body = await get(client, owner, ledger)
    assert balances(body) == ["0.00", "-10.00", "90.00"]

    await ledger.deliver(order, 25_00, D(2025, 1, 20))  # a delivery on an earlier date
    body = await get(client, owner, ledger)
    assert balances(body) == ["-25.00", "-35.00", "65.00", "-25.00"]
    assert body["entries"] == ledger.expected()

    await ledger.redate_payment(payment, None)  # back to pending: leaves the statement
    body = await get(client, owner, ledger)
    assert body["entries"] == ledger.expected()
    assert balances(body) == ["-115.00", "-125.00", "-25.00"]
    await ledger_consistent()


async def test_page_cost_does_not_grow_with_the_history(client, owner, session, database):
    """Constant cost, checked structurally: a page runs the same few statements whatever the
    length of the history (each an index range scan of page size; see the decisions doc for
    the EXPLAIN plans and timings on PostgreSQL)."""
    small = await new_ledger(session, owner.id, owner.store_id, name="Small")
    large = await new_ledger(session, owner.id, owner.store_id, name="Large")
    for ledger, count in ((small, 3), (large, 80)):
        order = await ledger.order(D(2023, 1, 1), count * 1_00, delivery_type="partial")
        for i in range(count):
            day = D(2023 + i // 60, 1 + (i // 5) % 12, 1 + i % 28)
            await ledger.deliver(order, 1_00, day)
            await ledger.payment(1_00, day)
            if i % 4 == 0:  # returned cheques are read in the same statements, never per row
                await ledger.returned_cheque(2_00, day, day)

    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", count)
    try:
        shapes = {}
        for label, ledger in (("Small", small), ("Large", large)):
            for cursor in (None, "deep"):
                statements.clear()
                params = {}
                if cursor == "deep":
                    params["cursor"] = encode_cursor("statement", ["2023-02-01", 2, 10**9])
                response = await client.get(
                    statement_url(ledger.customer_id), params=params, headers=owner.headers
                )
                assert response.status_code == 200
                queries = [
                    s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))
                ]
                shapes[(label, cursor)] = len(queries)
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", count)
    assert shapes[("Small", None)] == shapes[("Large", None)]
    assert shapes[("Small", "deep")] == shapes[("Large", "deep")]
    assert max(shapes.values()) <= 5


async def test_limit_above_50_is_refused(client, owner, ledger):
    response = await client.get(
        statement_url(ledger.customer_id), params={"limit": 51}, headers=owner.headers
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == "validation-error"
    assert response.json()["errors"][0]["field"] == "limit"
    response = await client.get(
        statement_url(ledger.customer_id), params={"limit": 0}, headers=owner.headers
    )
    assert response.status_code == 422
    response = await client.get(
        statement_url(ledger.customer_id), params={"limit": 50}, headers=owner.headers
    )
    assert response.status_code == 200


async def test_cursor_of_another_list_or_garbage_is_refused(client, owner, ledger):
    for cursor in (
        "garbage!",
        encode_cursor("payments", [5]),
        encode_cursor("statement", ["x", 1, 2]),
    ):
        response = await client.get(
            statement_url(ledger.customer_id), params={"cursor": cursor}, headers=owner.headers
        )
        assert response.status_code == 422, cursor
        assert response.json()["errors"][0]["field"] == "cursor"


async def test_unknown_customer_is_404(client, owner):
    response = await client.get(statement_url(999_999), headers=owner.headers)
    assert response.status_code == 404
    assert response.json()["type"] == "customer-not-found"


async def test_reading_the_statement_needs_customers_read(client, make_actor, ledger):
    outsider = await make_actor("clerk", permissions=["payments:read"], name="no-customers")
    response = await client.get(statement_url(ledger.customer_id), headers=outsider.headers)
    assert response.status_code == 403
    assert response.json()["type"] == "forbidden"
    reader = await make_actor("clerk", permissions=["customers:read"], name="reader")
    response = await client.get(statement_url(ledger.customer_id), headers=reader.headers)
    assert response.status_code == 200
    assert (await client.get(statement_url(ledger.customer_id))).status_code == 401


async def test_clerk_and_pos_terminal_read_the_statement(client, clerk, pos, ledger):
    await ledger.payment(10_00, D(2025, 1, 1))
    for actor in (clerk, pos):
        body = await get(client, actor, ledger)
        assert body["entries"][0]["balance"] == "10.00"


async def test_the_page_built_as_json_matches_the_documented_model(client, owner, ledger):
    """The page is written straight to JSON: it must still be exactly a ``StatementPage``."""
    from custledger.statement.schemas import StatementEntry, StatementPage

    order = await ledger.order(D(2025, 1, 3), 300_00, delivery_type="partial")
    await ledger.deliver(order, 100_00, D(2025, 1, 4))
    await ledger.payment(50_00, D(2025, 1, 5), method="PIX")
    await ledger.order(D(2025, 2, 2), 70_00, status="quote")
    for params in ({}, {"limit": 2}):
        body = await get(client, owner, ledger, **params)
        page = StatementPage.model_validate(body)
        assert set(body) == {f.alias or name for name, f in StatementPage.model_fields.items()}
        assert set(body["period"]) == {"from", "to"}
        for raw in body["entries"]:
            assert set(raw) == set(StatementEntry.model_fields)
        assert page.model_dump(mode="json", by_alias=True) == body
