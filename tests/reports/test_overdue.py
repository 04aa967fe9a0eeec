"""GET /reports/overdue: pending payments past their due date, oldest due first."""

from __future__ import annotations

import pytest

from custledger.kit.pagination import encode_cursor
from custledger.stores.service import create_store
from tests.reports.helpers import Ledger, ago, cents

URL = "/api/v1/reports/overdue"


async def get_overdue(client, actor, **params):
    r = await client.get(URL, params=params, headers=actor.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_overdue_lists_pending_payments_past_due_oldest_first(client, clerk, ledger: Ledger):
    maria = await ledger.customer("Maria")
    joao = await ledger.customer("João")
    ten = await ledger.pending(maria, cents("12.50"), ago(10), order_number=501)
    thirty = await ledger.pending(joao, cents("99.90"), ago(30), method="CHEQUE")
    one = await ledger.pending(maria, cents("1.00"), ago(1))
    # Not overdue: due today, due later, or already received.
    await ledger.pending(maria, cents("5.00"), ago(0))
    await ledger.pending(maria, cents("5.00"), ago(-5))
    await ledger.receive(joao, cents("7.00"), ago(40))

    body = await get_overdue(client, clerk)
    assert body["next_cursor"] is None
    assert [item["payment_id"] for item in body["items"]] == [thirty, ten, one]
    assert body["items"][1] == {
        "payment_id": ten,
        "customer_id": maria,
        "customer_name": "Maria",
        "customer_number": 1,
        "method": "BOLETO",
        "amount": "12.50",
        "due_date": ago(10).isoformat(),
        "days_overdue": 10,
        "order_number": 501,
    }
    assert [item["days_overdue"] for item in body["items"]] == [30, 10, 1]
    assert body["items"][0]["method"] == "CHEQUE"
    assert body["items"][0]["customer_name"] == "João"
    # A page exactly as long as the list is the last page.
    assert (await get_overdue(client, clerk, limit=3))["next_cursor"] is None
    assert (await get_overdue(client, clerk, limit=2))["next_cursor"] is not None


async def test_overdue_pages_through_ties_on_the_due_date(client, clerk, ledger: Ledger):
    cid = await ledger.customer()
    same_day = [await ledger.pending(cid, cents("1.00"), ago(5)) for _ in range(3)]
    older = await ledger.pending(cid, cents("1.00"), ago(6))
    seen, cursor = [], None
    while True:
        params = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        body = await get_overdue(client, clerk, **params)
        seen += [item["payment_id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [older, *same_day]


async def test_overdue_filters_by_the_customers_store(client, clerk, session, ledger: Ledger):
    branch = await create_store(session, "BRANCH", "Branch")
    await session.commit()
    main_customer = await ledger.customer("Main")
    branch_customer = await ledger.customer("Branch", store_id=branch.id)
    await ledger.pending(main_customer, cents("1.00"), ago(3))
    branch_payment = await ledger.pending(branch_customer, cents("2.00"), ago(3))
    body = await get_overdue(client, clerk, store_id=branch.id)
    assert [item["payment_id"] for item in body["items"]] == [branch_payment]
    assert len((await get_overdue(client, clerk))["items"]) == 2


async def test_a_walk_in_customers_overdue_cheque_is_listed(client, clerk, ledger: Ledger):
    walk_in = await ledger.customer("Quick sale", quick_sale=True)
    payment = await ledger.pending(walk_in, cents("80.00"), ago(2), method="CHEQUE")
    body = await get_overdue(client, clerk)
    assert [(i["payment_id"], i["customer_number"]) for i in body["items"]] == [(payment, None)]


async def test_overdue_needs_payments_read(client, make_actor):
    reader = await make_actor("clerk", permissions=["customers:read"])
    r = await client.get(URL, headers=reader.headers)
    assert r.status_code == 403
    assert r.json()["type"] == "forbidden"
    assert (await client.get(URL)).status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 201}, "limit"),
        ({"cursor": "garbage"}, "cursor"),
        ({"cursor": encode_cursor("overdue", ["not-a-date", 1])}, "cursor"),
        ({"cursor": encode_cursor("overdue", ["2026-01-01", "x"])}, "cursor"),
        ({"cursor": encode_cursor("receivables-ageing", [1])}, "cursor"),
    ],
)
async def test_overdue_refuses_bad_parameters(client, clerk, params, field):
    r = await client.get(URL, params=params, headers=clerk.headers)
    assert r.status_code == 422, r.text
    assert field in [e["field"] for e in r.json()["errors"]]
