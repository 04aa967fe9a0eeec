"""DELETE only without history; every change audited; the audit trail outlives the customer."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from custledger.balance.models import MonthlyTotal
from custledger.balance.service import lock_customer, move
from custledger.customers.models import Customer
from custledger.kit.audit import AuditEntry
from custledger.orders.models import Delivery, Order
from custledger.payments.models import Payment
from tests.customers.helpers import BASE, CPF, create, get, quick_sale_id


async def _add_pending_payment(session, customer_id: int, recorded_by: int) -> None:
    session.add(
        Payment(
            customer_id=customer_id,
            recorded_by_id=recorded_by,
            method="BOLETO",
            amount=10_000,
            due_date=date(2026, 5, 1),
            received_on=None,
        )
    )
    await session.commit()


async def _add_quote(session, customer: dict, created_by: int) -> Order:
    order = Order(
        number=9001,
        customer_id=customer["id"],
        store_id=customer["store_id"],
        created_by_id=created_by,
        status="quote",
        delivery_type="unspecified",
        payment_terms="cash",
        total=5_000,
        placed_on=date(2026, 3, 1),
    )
    session.add(order)
    await session.commit()
    return order


async def _add_delivered_order(session, customer: dict, created_by: int) -> None:
    locked = await lock_customer(session, customer["id"])
    order = Order(
        number=9002,
        customer_id=customer["id"],
        store_id=customer["store_id"],
        created_by_id=created_by,
        status="delivered",
        delivery_type="single",
        payment_terms="cash",
        total=7_000,
        delivered_amount=7_000,
        placed_on=date(2026, 3, 1),
    )
    session.add(order)
    await session.flush()
    session.add(
        Delivery(
            order_id=order.id,
            customer_id=customer["id"],
            sequence=1,
            delivered_on=date(2026, 3, 2),
            amount=7_000,
            created_by_id=created_by,
            created_at=datetime(2026, 3, 2, 12, tzinfo=UTC),
        )
    )
    await move(session, locked, date(2026, 3, 2), delivered=7_000)
    await session.commit()


async def test_customer_without_history_is_deleted_and_its_row_kept_in_the_audit(
    client, clerk, manager, session
):
    created = await create(client, manager, name="Brief", tax_id=CPF, credit_limit="10")
    r = await client.delete(f"{BASE}/{created['id']}", headers=clerk.headers)
    assert r.status_code == 204 and r.content == b""
    assert (await get(client, clerk, created["id"])).status_code == 404
    assert await session.get(Customer, created["id"]) is None
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "customer.delete"))
    assert entry is not None
    assert entry.principal_id == clerk.id and entry.customer_id == created["id"]
    before = entry.changes["before"]
    assert before["name"] == "Brief" and before["tax_id"] == CPF
    assert before["number"] == created["number"] and before["credit_limit"] == "10.00"
    assert before["balance"] == "0.00" and before["store_id"] == created["store_id"]
    assert entry.changes["after"] is None
    # The tax id is free again.
    again = await create(client, clerk, name="Brief again", tax_id=CPF)
    assert again["number"] > created["number"]


@pytest.mark.parametrize("history", ["pending payment", "quote", "delivery"])
async def test_customer_with_history_cannot_be_deleted(
    client, clerk, session, history, ledger_consistent
):
    created = await create(client, clerk, name="Loyal")
    if history == "pending payment":
        await _add_pending_payment(session, created["id"], clerk.id)
    elif history == "quote":
        await _add_quote(session, created, clerk.id)
    else:
        await _add_delivered_order(session, created, clerk.id)
    r = await client.delete(f"{BASE}/{created['id']}", headers=clerk.headers)
    assert r.status_code == 409, r.text
    problem = r.json()
    assert problem["type"] == "customer-has-history"
    assert "deactivate" in problem["detail"].lower()
    assert (await get(client, clerk, created["id"])).status_code == 200
    await ledger_consistent()


async def test_empty_monthly_totals_do_not_block_a_deletion(client, clerk, session):
    created = await create(client, clerk, name="Undone")
    session.add(
        MonthlyTotal(customer_id=created["id"], month=date(2026, 3, 1), received=0, delivered=0)
    )
    await session.commit()
    r = await client.delete(f"{BASE}/{created['id']}", headers=clerk.headers)
    assert r.status_code == 204, r.text


async def test_quick_sale_customer_cannot_be_deleted(client, owner, session):
    quick = await quick_sale_id(session)
    r = await client.delete(f"{BASE}/{quick}", headers=owner.headers)
    assert r.status_code == 409
    assert r.json()["type"] == "quick-sale-customer"
    assert await session.get(Customer, quick) is not None


async def test_delete_of_an_unknown_customer_is_404(client, clerk):
    r = await client.delete(f"{BASE}/55555", headers=clerk.headers)
    assert r.status_code == 404


async def test_delete_with_a_stale_if_match_is_412(client, clerk):
    created = await create(client, clerk, name="Versioned")
    await client.patch(f"{BASE}/{created['id']}", json={"city": "X"}, headers=clerk.headers)
    r = await client.delete(f"{BASE}/{created['id']}", headers=clerk.headers | {"If-Match": '"1"'})
    assert r.status_code == 412
    r = await client.delete(f"{BASE}/{created['id']}", headers=clerk.headers | {"If-Match": '"2"'})
    assert r.status_code == 204


async def test_each_change_writes_an_audit_entry_with_before_and_after(client, manager):
    # A manager: the credit limit is credit control's.
    created = await create(client, manager, name="Audited", city="Recife", credit_limit="100")
    await client.patch(
        f"{BASE}/{created['id']}",
        json={"city": "Olinda", "credit_limit": "200", "notes": "vip"},
        headers=manager.headers,
    )
    await client.patch(f"{BASE}/{created['id']}", json={"active": False}, headers=manager.headers)
    r = await client.get(f"{BASE}/{created['id']}/audit", headers=manager.headers)
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["next_cursor"] is None
    items = page["items"]
    assert [e["action"] for e in items] == [
        "customer.update",
        "customer.update",
        "customer.create",
    ]
    deactivate, edit, creation = items
    assert deactivate["changes"] == {"before": {"active": True}, "after": {"active": False}}
    assert edit["changes"] == {
        "before": {"city": "Recife", "credit_limit": "100.00", "notes": None},
        "after": {"city": "Olinda", "credit_limit": "200.00", "notes": "vip"},
    }
    assert creation["changes"]["after"]["name"] == "Audited"
    assert creation["changes"]["after"]["number"] == created["number"]
    assert creation["changes"]["before"] is None
    for entry in items:
        assert entry["principal"] == {"id": manager.id, "name": manager.name}
        assert entry["entity_type"] == "customer" and entry["entity_id"] == created["id"]
        assert entry["customer_id"] == created["id"]
        assert entry["occurred_at"]


async def test_audit_is_paginated_newest_first(client, clerk, owner):
    created = await create(client, clerk, name="Busy")
    for i in range(5):
        r = await client.patch(
            f"{BASE}/{created['id']}", json={"notes": f"n{i}"}, headers=clerk.headers
        )
        assert r.status_code == 200
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        r = await client.get(f"{BASE}/{created['id']}/audit", params=params, headers=owner.headers)
        assert r.status_code == 200
        assert len(r.json()["items"]) <= 2
        seen += [e["id"] for e in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 6 and seen == sorted(seen, reverse=True)


async def test_audit_of_a_deleted_customer_stays_readable(client, clerk, manager):
    created = await create(client, clerk, name="Gone")
    await client.delete(f"{BASE}/{created['id']}", headers=clerk.headers)
    r = await client.get(f"{BASE}/{created['id']}/audit", headers=manager.headers)
    assert r.status_code == 200
    assert [e["action"] for e in r.json()["items"]] == ["customer.delete", "customer.create"]


async def test_audit_of_a_customer_that_never_existed_is_404(client, manager):
    r = await client.get(f"{BASE}/777777/audit", headers=manager.headers)
    assert r.status_code == 404
    assert r.json()["type"] == "customer-not-found"


async def test_audit_of_an_existing_customer_without_entries_is_an_empty_page(
    client, manager, session
):
    quick = await quick_sale_id(session)
    r = await client.get(f"{BASE}/{quick}/audit", headers=manager.headers)
    assert r.status_code == 200
    assert r.json() == {"items": [], "next_cursor": None}


async def test_audit_needs_sales_manage(client, clerk, pos):
    created = await create(client, clerk, name="Private")
    for actor in (clerk, pos):
        r = await client.get(f"{BASE}/{created['id']}/audit", headers=actor.headers)
        assert r.status_code == 403
        assert r.json()["permission"] == "sales:manage"


async def test_audit_limit_above_200_is_422(client, manager, session):
    quick = await quick_sale_id(session)
    r = await client.get(f"{BASE}/{quick}/audit", params={"limit": 201}, headers=manager.headers)
    assert r.status_code == 422
