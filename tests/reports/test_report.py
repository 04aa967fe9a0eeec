"""GET /customers/{id}/report: the figures of a hand-made history, permissions, 404."""

from __future__ import annotations

import re

from tests.reports.helpers import TODAY, Ledger, ago, cents

API = "/api/v1"


async def get_report(client, actor, customer_id):
    r = await client.get(f"/api/v1/customers/{customer_id}/report", headers=actor.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_report_figures_of_a_hand_made_history(
    client, clerk, ledger: Ledger, ledger_consistent
):
    cid = await ledger.customer("Maria Souza")
    # Order A: 300.00 placed and delivered 100 days ago.
    await ledger.sale(cid, ago(100), cents("300.00"))
    # Order B: 200.00 placed 50 days ago, 100.00 of it delivered that day (still open).
    order_b = await ledger.order(cid, ago(50), cents("200.00"))
    await ledger.deliver(order_b, cents("100.00"), ago(50))
    # Not sales: a quote, a cancelled and a consumed order.
    await ledger.order(cid, ago(10), cents("999.00"), status="quote")
    await ledger.order(cid, ago(20), cents("50.00"), status="cancelled")
    await ledger.order(cid, ago(5), cents("70.00"), status="consumed")
    # Received: 150.00 after 10 days and 150.00 after 30 days pay A; 50.00 twenty days ago
    # pays half of B's delivery after 30 days. A pending boleto moves nothing.
    await ledger.receive(cid, cents("150.00"), ago(90))
    await ledger.receive(cid, cents("150.00"), ago(70))
    await ledger.receive(cid, cents("50.00"), ago(20))
    await ledger.pending(cid, cents("999.00"), ago(1))

    body = await get_report(client, clerk, cid)

    assert body["customer_id"] == cid
    assert body["as_of"] == TODAY.isoformat()
    assert body["orders"] == {
        "count": 2,
        "first_order_date": ago(100).isoformat(),
        "last_order_date": ago(50).isoformat(),
        "total_ordered": "500.00",
        "total_delivered": "400.00",
        # 400.00 delivered − 350.00 received
        "outstanding": "50.00",
        # 50 / 400 = 12.5 %
        "indebtedness_percent": 12.5,
    }
    assert body["behaviour"] == {
        # (150 × 10 + 150 × 30 + 50 × 30) / 350 = 21.4 → 21
        "average_days_to_pay": 21,
        "days_since_last_payment": 20,
        # 500.00 / 2
        "average_order_value": "250.00",
        # The unpaid 50.00 is the rest of B's delivery, 50 days old.
        "oldest_unpaid_days": 50,
    }
    # Delay = max(21, 50) = 50: late. 50.00 unpaid past 35 days: invoice. Two orders: limited.
    assert [(o["code"], o["severity"]) for o in body["observations"]] == [
        ("PAYS_LATE", "warning"),
        ("CONSIDER_INVOICING", "warning"),
        ("LIMITED_HISTORY", "info"),
    ]
    assert all(o["message"] for o in body["observations"])
    assert body["warning"] is False
    assert body["warning_reasons"] == []
    await ledger_consistent()


async def test_report_of_a_customer_without_history(client, clerk, ledger: Ledger):
    cid = await ledger.customer("New customer")
    body = await get_report(client, clerk, cid)
    assert body["orders"] == {
        "count": 0,
        "first_order_date": None,
        "last_order_date": None,
        "total_ordered": "0.00",
        "total_delivered": "0.00",
        "outstanding": "0.00",
        "indebtedness_percent": None,
    }
    assert body["behaviour"] == {
        "average_days_to_pay": None,
        "days_since_last_payment": None,
        "average_order_value": None,
        "oldest_unpaid_days": None,
    }
    assert [o["code"] for o in body["observations"]] == ["LIMITED_HISTORY"]
    assert body["warning"] is False


async def test_a_customer_in_credit_owes_nothing(client, clerk, ledger: Ledger, ledger_consistent):
    cid = await ledger.customer()
    await ledger.sale(cid, ago(30), cents("100.00"))
    await ledger.receive(cid, cents("130.00"), ago(25))
    body = await get_report(client, clerk, cid)
    assert body["orders"]["outstanding"] == "0.00"
    assert body["orders"]["indebtedness_percent"] == 0.0
    assert body["behaviour"]["average_days_to_pay"] == 5
    assert body["behaviour"]["oldest_unpaid_days"] is None
    await ledger_consistent()


async def test_indebtedness_is_rounded_to_one_decimal(client, clerk, ledger: Ledger):
    cid = await ledger.customer()
    await ledger.sale(cid, ago(3), cents("300.00"))
    await ledger.receive(cid, cents("200.00"), ago(1))
    body = await get_report(client, clerk, cid)
    # 100 / 300 = 33.33… %
    assert body["orders"]["indebtedness_percent"] == 33.3
    assert body["orders"]["outstanding"] == "100.00"


async def test_indebtedness_rounds_half_up(client, clerk, ledger: Ledger):
    cid = await ledger.customer()
    await ledger.sale(cid, ago(3), cents("400.00"))
    await ledger.receive(cid, cents("399.00"), ago(1))
    body = await get_report(client, clerk, cid)
    # 1.00 / 400.00 = 0.25 % exactly → 0.3 (half up; banker's rounding would say 0.2)
    assert body["orders"]["indebtedness_percent"] == 0.3


async def test_average_order_value_rounds_to_the_cent(client, clerk, ledger: Ledger):
    cid = await ledger.customer()
    for total in ("10.00", "10.00", "10.01"):
        await ledger.order(cid, ago(1), cents(total))
    body = await get_report(client, clerk, cid)
    # 30.01 / 3 = 10.0033… → 10.00
    assert body["orders"]["count"] == 3
    assert body["behaviour"]["average_order_value"] == "10.00"


async def test_report_needs_customers_read(client, make_actor, ledger: Ledger):
    cid = await ledger.customer()
    outsider = await make_actor("clerk", permissions=["payments:read"])
    r = await client.get(f"/api/v1/customers/{cid}/report", headers=outsider.headers)
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"] == "forbidden"


async def test_report_without_a_token_is_401(client, ledger: Ledger):
    cid = await ledger.customer()
    r = await client.get(f"/api/v1/customers/{cid}/report")
    assert r.status_code == 401


async def test_pos_terminals_may_read_the_report(client, pos, ledger: Ledger):
    cid = await ledger.customer()
    assert (await get_report(client, pos, cid))["customer_id"] == cid


async def test_report_of_an_unknown_customer_is_404(client, clerk):
    r = await client.get("/api/v1/customers/999999/report", headers=clerk.headers)
    assert r.status_code == 404
    assert r.json()["type"] == "customer-not-found"


async def test_report_with_an_out_of_range_id_is_422(client, clerk):
    r = await client.get("/api/v1/customers/99999999999/report", headers=clerk.headers)
    assert r.status_code == 422


async def test_totals_beyond_one_amount_s_digits_fit_the_documented_answer(client, owner):
    """A sum of amounts may pass the 13 digits one amount may have: the answer's money pattern
    allows what a BIGINT of cents holds. Found by `make fuzz` (29 large orders)."""
    r = await client.post(f"{API}/customers", json={"name": "Grande"}, headers=owner.headers)
    assert r.status_code == 201, r.text
    customer = r.json()["id"]
    for _ in range(2):
        r = await client.post(
            f"{API}/orders",
            json={
                "customer_id": customer,
                "kind": "order",
                "delivery_type": "unspecified",
                "total": "9000000000000.00",
                "payment_terms": "cash",
            },
            headers=owner.headers,
        )
        assert r.status_code == 201, r.text
    r = await client.get(f"{API}/customers/{customer}/report", headers=owner.headers)
    assert r.status_code == 200, r.text
    total = r.json()["orders"]["total_ordered"]
    assert total == "18000000000000.00"
    document = (await client.get(f"{API}/openapi.json")).json()
    pattern = document["components"]["schemas"]["ReportOrders"]["properties"]["total_ordered"]
    assert re.fullmatch(pattern["pattern"], total)
