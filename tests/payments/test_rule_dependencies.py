"""The payment rules as permission dependencies: declared on every route that writes a payment,
solved after the permission and the idempotency claim and before the route, in the route's own
transaction and under the customer's row lock, and shown in OpenAPI."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Annotated

import httpx
import pytest
from fastapi.routing import APIRoute
from sqlalchemy import text

from custledger.auth.dependencies import PaymentsWrite
from custledger.kit import clock
from custledger.kit.db import Database, Session
from custledger.kit.idempotency import Idempotent
from custledger.kit.schemas import Input
from custledger.payments.dependencies import ReceivedDatesAllowed
from custledger.payments.rules import DateField
from tests.payments.support import (
    API,
    LATE_EVENING,
    TODAY,
    TOMORROW,
    YESTERDAY,
    make_customer,
    paid,
    pay,
    payment_count,
    quick_sale_customer_id,
    stored_balance,
)

# The rule dependencies each writing route must declare, by the name of their function, in
# the order they are solved.
GUARDS = {
    "payments-create": ["idempotency", "payable_customer"],
    "payments-cheque-batch": ["idempotency", "payable_customer"],
    "payments-update": ["editable_payment"],
    "payments-delete": ["editable_payment"],
    "sales-create": ["idempotency", "received_dates_allowed"],
}
RULE_DEPENDENCIES = {"payable_customer", "received_dates_allowed", "editable_payment"}
RULE_DEPENDENCIES |= {"idempotency"}


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
        batch = {"validation-error"} if path.endswith("batch") else set()
        assert types(path, "post", 422) == {"received-date-in-future", *batch}
        assert types(path, "post", 403) == {"backdating-not-allowed"}
        assert types(path, "post", 404) == {"customer-not-found"}
        assert types(path, "post", 409) == {"quick-sale-customer", "cheque-duplicate"}
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


async def test_a_malformed_body_is_a_422_before_any_record_is_judged(
    client, clerk, manager, session
):
    customer_id = await make_customer(session)
    payment = await paid(client, manager, customer_id, received_on=TODAY.isoformat())
    malformed = {"not_a_field": 1}
    for url in (
        f"{API}/customers/999999/payments",
        f"{API}/customers/{await quick_sale_customer_id(session)}/payments",
        f"{API}/customers/999999/payments/cheque-batch",
    ):
        r = await client.post(url, json=malformed, headers=clerk.headers)
        assert r.status_code == 422, (url, r.text)
        assert r.json()["type"] == "validation-error"
    # Another principal's payment: rule 3 would refuse it, the body is judged first.
    r = await client.patch(f"{API}/payments/{payment['id']}", json=malformed, headers=clerk.headers)
    assert r.status_code == 422, r.text
    assert r.json()["type"] == "validation-error"


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
async def test_a_malformed_edit_takes_no_lock(client, clerk, database, session):
    """While another transaction holds the customer's lock, a malformed PATCH is answered at
    once: the body is validated before the edit dependency locks anything."""
    customer_id = await make_customer(session)
    payment = await paid(client, clerk, customer_id, received_on=TODAY.isoformat())
    async with database.engine.connect() as other:
        await other.execute(
            text("SELECT id FROM customers WHERE id = :id FOR UPDATE"), {"id": customer_id}
        )
        r = await asyncio.wait_for(
            client.patch(
                f"{API}/payments/{payment['id']}", json={"amount": "x"}, headers=clerk.headers
            ),
            timeout=10,
        )
        assert r.status_code == 422, r.text
        await other.rollback()


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


# --- the date rule on a route of another domain ----------------------------------------------


class TakenPayment(Input):
    amount: int
    received_on: date | None = None


class SaleBody(Input):
    payments: list[TakenPayment]


def sale_dates(body: SaleBody) -> list[DateField]:
    return [(f"payments.{i}.received_on", p.received_on) for i, p in enumerate(body.payments)]


async def record_sale(
    session: Session,
    principal: PaymentsWrite,
    idem: Idempotent,
    body: Annotated[SaleBody, ReceivedDatesAllowed(SaleBody, sale_dates)],
) -> dict[str, list[str | None]]:
    return {
        "received_on": [
            None if p.received_on is None else str(p.received_on) for p in body.payments
        ]
    }


@pytest.fixture
async def sale_client(database):
    """The app with one more route declaring ``ReceivedDatesAllowed`` the way a route of
    another domain (the one-call sale) declares it."""
    from custledger.app import create_app

    app = create_app()
    app.add_api_route(f"{API}/test-sales", record_sale, methods=["POST"])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def test_received_dates_allowed_guards_a_route_of_another_domain(sale_client, clerk, owner):
    def sale(*days):
        return {"payments": [{"amount": 1, "received_on": d and d.isoformat()} for d in days]}

    url = f"{API}/test-sales"
    r = await sale_client.post(url, json=sale(TODAY, None), headers=clerk.headers)
    assert r.status_code == 200, r.text
    r = await sale_client.post(url, json=sale(TODAY, YESTERDAY), headers=clerk.headers)
    assert r.status_code == 403
    assert r.json()["type"] == "backdating-not-allowed"
    assert [e["field"] for e in r.json()["errors"]] == ["payments.1.received_on"]
    r = await sale_client.post(url, json=sale(YESTERDAY, TOMORROW), headers=owner.headers)
    assert r.status_code == 422
    assert r.json()["type"] == "received-date-in-future"
    assert [e["field"] for e in r.json()["errors"]] == ["payments.1.received_on"]
    r = await sale_client.post(url, json=sale(YESTERDAY), headers=owner.headers)
    assert r.status_code == 200, r.text
    # The body is the route's own: parsed once, top level, malformed → 422 naming the field.
    r = await sale_client.post(url, json={"payments": [{"amount": "x"}]}, headers=owner.headers)
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["payments.0.amount"]
