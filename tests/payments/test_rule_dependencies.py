"""The payment rules as permission dependencies: declared on every route that writes a payment,
solved after the permission and the idempotency claim and before the route, in the route's own
transaction and under the customer's row lock, and shown in OpenAPI."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import text

from custledger.kit import clock
from custledger.kit.db import Database
from tests.payments.support import (
    API,
    LATE_EVENING,
    TODAY,
    YESTERDAY,
    make_customer,
    paid,
    pay,
    payment_count,
    quick_sale_customer_id,
    stored_balance,
)

# The rule dependencies each writing route must declare, by the name of their function.
GUARDS = {
    "payments-create": ["idempotency", "payable_customer", "received_dates_allowed"],
    "payments-cheque-batch": ["idempotency", "payable_customer", "received_dates_allowed"],
    "payments-update": ["editable_payment", "allowed_payment_change"],
    "payments-delete": ["editable_payment"],
}
RULE_DEPENDENCIES = {"payable_customer", "received_dates_allowed", "editable_payment"}
RULE_DEPENDENCIES |= {"allowed_payment_change", "idempotency"}


def routes(app) -> dict[str, APIRoute]:
    return {r.operation_id: r for r in app.routes if isinstance(r, APIRoute) and r.operation_id}


def declared(route: APIRoute) -> list[str]:
    """The rule dependencies of a route, in the order FastAPI solves them."""
    names: list[str] = []

    def walk(dependant) -> None:
        for sub in dependant.dependencies:
            walk(sub)
            name = getattr(sub.call, "__name__", "")
            if name in RULE_DEPENDENCIES and name not in names:
                names.append(name)

    walk(route.dependant)
    return names


def test_every_route_that_writes_a_payment_declares_its_rules_after_the_idempotency_claim(app):
    found = routes(app)
    for operation_id, expected in GUARDS.items():
        assert declared(found[operation_id]) == expected, operation_id


async def test_openapi_shows_each_rules_refusals_on_the_routes_it_guards(client):
    doc = (await client.get(f"{API}/openapi.json")).json()

    def types(path: str, method: str, status: int) -> set[str]:
        response = doc["paths"][f"{API}{path}"][method]["responses"][str(status)]
        examples = response["content"]["application/problem+json"].get("examples", {})
        for name, example in examples.items():
            assert example["value"]["type"] == name and example["value"]["status"] == status
            assert f"`{name}`" in response["description"]
        return set(examples)

    single = "/customers/{customer_id}/payments"
    for path in (single, f"{single}/cheque-batch"):
        assert types(path, "post", 422) == {"received-date-in-future"}
        assert types(path, "post", 403) == {"backdating-not-allowed"}
        assert types(path, "post", 404) == {"customer-not-found"}
        assert types(path, "post", 409) == {"quick-sale-customer"}
    edit = "/payments/{payment_id}"
    assert types(edit, "patch", 403) == {"payment-not-editable", "backdating-not-allowed"}
    assert types(edit, "patch", 422) == {"received-date-in-future"}
    assert types(edit, "patch", 412) == {"precondition-failed"}
    assert types(edit, "patch", 404) == {"payment-not-found"}
    assert types(edit, "delete", 403) == {"payment-not-editable"}
    assert types(edit, "delete", 412) == {"precondition-failed"}
    assert types(edit, "delete", 422) == set()  # a delete sets no date
    # The If-Match header the edit dependency reads is still a documented parameter.
    for method in ("patch", "delete"):
        params = doc["paths"][f"{API}{edit}"][method]["parameters"]
        assert "If-Match" in {p["name"] for p in params}


# --- the order the dependencies run in ------------------------------------------------------


async def test_the_customer_is_judged_before_the_received_date(client, clerk, session):
    r = await pay(client, clerk, 999_999, received_on=YESTERDAY.isoformat())
    assert r.status_code == 404
    assert r.json()["type"] == "customer-not-found"
    quick_sale = await quick_sale_customer_id(session)
    r = await pay(client, clerk, quick_sale, received_on=YESTERDAY.isoformat())
    assert r.status_code == 409
    assert r.json()["type"] == "quick-sale-customer"
    assert await payment_count(session) == 0


async def test_the_permission_is_judged_before_the_customer(client, make_actor, session):
    reader = await make_actor("clerk", permissions=["payments:read"])
    r = await pay(client, reader, 999_999)
    assert r.status_code == 403
    assert r.json()["type"] == "forbidden"


async def test_a_stale_version_is_judged_before_who_may_edit(client, clerk, manager, session):
    customer_id = await make_customer(session)
    payment = await paid(client, manager, customer_id, received_on=TODAY.isoformat())
    for method in ("PATCH", "DELETE"):
        r = await client.request(
            method,
            f"{API}/payments/{payment['id']}",
            json={"amount": "1.00"} if method == "PATCH" else None,
            headers=clerk.headers | {"If-Match": '"9"'},
        )
        assert r.status_code == 412, r.text
    r = await client.patch(
        f"{API}/payments/{payment['id']}", json={"amount": "1.00"}, headers=clerk.headers
    )
    assert r.status_code == 403
    assert r.json()["type"] == "payment-not-editable"


async def test_a_retry_after_midnight_gets_its_stored_answer_not_a_backdating_refusal(
    client, clerk, session
):
    customer_id = await make_customer(session)
    with clock.pinned(LATE_EVENING):  # 23:30 on 2026-03-09 in São Paulo
        first = await pay(
            client, clerk, customer_id, received_on="2026-03-09", idempotency_key="late-sale"
        )
        assert first.status_code == 201, first.text
    with clock.pinned(datetime(2026, 3, 10, 3, 30, tzinfo=UTC)):  # 00:30 on the 10th
        again = await pay(
            client, clerk, customer_id, received_on="2026-03-09", idempotency_key="late-sale"
        )
        assert again.status_code == 201, again.text
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.json() == first.json()
        # Without the key, the same request is now backdating.
        r = await pay(client, clerk, customer_id, received_on="2026-03-09")
        assert r.status_code == 403
        assert r.json()["type"] == "backdating-not-allowed"
    assert await payment_count(session) == 1


async def test_a_refusal_by_a_rule_leaves_nothing_and_no_claim_behind(client, clerk, session):
    customer_id = await make_customer(session)
    key = "refused-then-fixed"
    r = await pay(
        client, clerk, customer_id, received_on=YESTERDAY.isoformat(), idempotency_key=key
    )
    assert r.status_code == 403
    assert await payment_count(session) == 0
    await session.rollback()
    stored = await session.scalar(text("SELECT count(*) FROM idempotency_keys"))
    assert stored == 0
    # Neither in flight (409) nor bound to the refused body (422): the key is free.
    r = await pay(client, clerk, customer_id, received_on=TODAY.isoformat(), idempotency_key=key)
    assert r.status_code == 201, r.text
    assert await stored_balance(session, customer_id) == 10000


# --- the check and the write under one lock (PostgreSQL) -------------------------------------


async def _wait_until_a_request_waits_for_a_lock(database: Database) -> None:
    for _ in range(500):
        async with database.engine.connect() as conn:
            waiting = await conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
        if waiting:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the request never waited for the customer's row lock")


@pytest.mark.postgres
@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
async def test_a_payment_backdated_while_an_edit_waits_for_the_lock_is_judged_as_stored(
    client, clerk, database, session, method
):
    """The clerk's own receipt of today is editable when the request arrives; a manager's
    transaction, holding the customer's lock, moves it to yesterday and commits. The edit
    dependency reads the payment only once it holds the lock, so it sees yesterday: 403."""
    customer_id = await make_customer(session)
    payment = await paid(client, clerk, customer_id, received_on=TODAY.isoformat())
    url = f"{API}/payments/{payment['id']}"
    async with database.engine.connect() as manager:
        await manager.execute(
            text("SELECT id FROM customers WHERE id = :id FOR UPDATE"), {"id": customer_id}
        )
        body = {"json": {"amount": "5.00"}} if method == "PATCH" else {}
        edit = asyncio.create_task(client.request(method, url, headers=clerk.headers, **body))
        await _wait_until_a_request_waits_for_a_lock(database)
        await manager.execute(
            text("UPDATE payments SET received_on = :day, version = version + 1 WHERE id = :id"),
            {"day": YESTERDAY, "id": payment["id"]},
        )
        await manager.commit()
    r = await edit
    assert r.status_code == 403, r.text
    assert r.json()["type"] == "payment-not-editable"
    await session.rollback()
    row = (
        await session.execute(
            text("SELECT amount, received_on, version FROM payments WHERE id = :id"),
            {"id": payment["id"]},
        )
    ).one()
    assert (row.amount, row.received_on, row.version) == (10000, YESTERDAY, 2)
    assert await stored_balance(session, customer_id) == 10000
