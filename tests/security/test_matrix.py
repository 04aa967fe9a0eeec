"""The security matrix and the hardening rules around it (issue 10, item 5).

1. Every operation of the OpenAPI document x every role (owner, manager, clerk, pos-terminal,
   none), the expected outcome generated from ONE table: operationId -> required permission.
2. Mass assignment: read-only fields in a POST/PATCH body are refused and never written.
3. Oversized bodies are a 413 problem; a page size over the maximum is a 422 on every list.
4. No password, client secret, token or Argon2 hash in any log record or response (except the
   one-time secret of an API-client creation and the token of the token endpoint).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.auth.models import PrincipalRow
from custledger.auth.roles import ROLE_PERMISSIONS, Permission, Role
from custledger.customers.models import Customer
from custledger.kit.audit import AuditEntry
from custledger.kit.logs import JsonFormatter
from custledger.orders.models import Order
from custledger.payments.models import Payment
from custledger.stores.models import Store
from tests.conftest import Actor, MakeActor

API = "/api/v1"
PUBLIC = "public"  # anyone, without a token
AUTHENTICATED = "authenticated"  # any valid token, no particular permission
OWNER = Permission.OWNER.value

# THE table: what each operation of the OpenAPI document requires. A new route without an
# entry here fails test_every_operation_has_an_entry_in_the_matrix.
REQUIRED: dict[str, str] = {
    # operations and auth
    "healthz": PUBLIC,
    "readyz": PUBLIC,
    "auth-token": PUBLIC,
    "auth-me": AUTHENTICATED,
    # users and API clients: owner only
    "users-list": OWNER,
    "users-create": OWNER,
    "users-get": OWNER,
    "users-update": OWNER,
    "api-clients-list": OWNER,
    "api-clients-create": OWNER,
    "api-clients-update": OWNER,
    # stores: anyone may read, only the owner writes
    "stores-list": AUTHENTICATED,
    "stores-create": OWNER,
    "stores-update": OWNER,
    # customers
    "customers-list": Permission.CUSTOMERS_READ,
    "customers-duplicates": Permission.CUSTOMERS_READ,
    "customers-export": Permission.SALES_MANAGE,  # every tax id at once (LGPD)
    "customers-counts": Permission.CUSTOMERS_READ,
    "customers-get": Permission.CUSTOMERS_READ,
    "customers-create": Permission.CUSTOMERS_WRITE,
    "customers-update": Permission.CUSTOMERS_WRITE,
    "customers-delete": Permission.CUSTOMERS_WRITE,
    "customers-audit": Permission.SALES_MANAGE,
    "customers-purchases": Permission.CUSTOMERS_READ,
    "customers-report": Permission.CUSTOMERS_READ,
    # payments
    "payments-list": Permission.PAYMENTS_READ,
    "payments-get": Permission.PAYMENTS_READ,
    "payments-create": Permission.PAYMENTS_WRITE,
    "payments-cheque-batch": Permission.PAYMENTS_WRITE,
    "payments-update": Permission.PAYMENTS_WRITE,
    "payments-delete": Permission.PAYMENTS_WRITE,
    "cheque-issuers-get": Permission.PAYMENTS_READ,
    # the cheque lifecycle: a return debits the customer, a sales:manage act
    "cheques-list": Permission.PAYMENTS_READ,
    "cheques-deposit": Permission.PAYMENTS_WRITE,
    "cheques-clear": Permission.PAYMENTS_WRITE,
    "cheques-return": Permission.SALES_MANAGE,
    # orders (reading an order is reading the customer's history)
    "orders-create": Permission.ORDERS_WRITE,
    "orders-list": Permission.CUSTOMERS_READ,
    "orders-get": Permission.CUSTOMERS_READ,
    "orders-deliver": Permission.ORDERS_WRITE,
    "orders-cancel": Permission.ORDERS_WRITE,
    "orders-consume": Permission.ORDERS_WRITE,
    # a sale at the till needs payments:write too (every role with orders:write has it;
    # tests/sales/test_sales.py refuses a principal with orders:write alone)
    "sales-create": Permission.ORDERS_WRITE,
    # statement and reports
    "statement-get": Permission.CUSTOMERS_READ,
    "statement-export": Permission.CUSTOMERS_READ,
    "reports-receivables-ageing": Permission.SALES_MANAGE,
    "reports-overdue": Permission.PAYMENTS_READ,
    # merge: owner only
    "customers-merge-preview": OWNER,
    "customers-merge": OWNER,
}

ROLES = [Role.OWNER.value, Role.MANAGER.value, Role.CLERK.value, Role.POS_TERMINAL.value, "none"]
MISSING_ID = 2**31 - 1


def role_may(role: str, required: str) -> bool:
    """The expected outcome, from the role bundles (``owner`` implies every permission)."""
    if required == PUBLIC:
        return True
    if role == "none":
        return False
    if required == AUTHENTICATED:
        return True
    bundle = ROLE_PERMISSIONS[Role(role)]
    return Permission.OWNER in bundle or Permission(required) in bundle


def is_problem(response: httpx.Response) -> bool:
    return response.headers.get("content-type", "").startswith("application/problem+json")


@pytest.fixture(scope="module")
def operations(app: Any) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """operationId -> (METHOD, path, operation) from the app's own OpenAPI document."""
    found: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for path, methods in app.openapi()["paths"].items():
        for method, operation in methods.items():
            found[operation["operationId"]] = (method.upper(), path, operation)
    return found


# --------------------------------------------------------------------------------------------
# 1. The matrix
# --------------------------------------------------------------------------------------------


def test_every_operation_has_an_entry_in_the_matrix(
    operations: dict[str, tuple[str, str, dict[str, Any]]],
) -> None:
    missing = sorted(set(operations) - set(REQUIRED))
    stale = sorted(set(REQUIRED) - set(operations))
    assert missing == [], f"operations without a required permission in REQUIRED: {missing}"
    assert stale == [], f"REQUIRED names operations the API no longer has: {stale}"


def test_only_the_declared_public_operations_are_callable_without_a_token(
    operations: dict[str, tuple[str, str, dict[str, Any]]],
) -> None:
    """The OpenAPI document tells integrators the same thing as the table."""
    for op_id, (_method, _path, operation) in operations.items():
        secured = bool(operation.get("security"))
        assert secured == (REQUIRED[op_id] != PUBLIC), op_id


class World:
    """Lazily arranged records (made by the owner through the API) for the path parameters."""

    def __init__(self, client: httpx.AsyncClient, owner: Actor, make_actor: MakeActor) -> None:
        self.client, self.owner, self.make_actor = client, owner, make_actor
        self._ids: dict[str, int] = {}

    async def customer(self, key: str = "customer") -> int:
        if key not in self._ids:
            r = await self.client.post(
                f"{API}/customers", json={"name": f"Matrix {key}"}, headers=self.owner.headers
            )
            assert r.status_code == 201, r.text
            self._ids[key] = r.json()["id"]
        return self._ids[key]

    async def payment(self) -> int:
        if "payment" not in self._ids:
            customer_id = await self.customer()
            r = await self.client.post(
                f"{API}/customers/{customer_id}/payments",
                json={"method": "PIX", "amount": "10.00"},
                headers=self.owner.headers,
            )
            assert r.status_code == 201, r.text
            self._ids["payment"] = r.json()["id"]
        return self._ids["payment"]

    async def order(self) -> int:
        if "order" not in self._ids:
            body = {
                "customer_id": await self.customer(),
                "kind": "order",
                "delivery_type": "partial",
                "total": "30.00",
                "payment_terms": "cash",
            }
            r = await self.client.post(f"{API}/orders", json=body, headers=self.owner.headers)
            assert r.status_code == 201, r.text
            self._ids["order"] = r.json()["id"]
        return self._ids["order"]

    async def api_client(self) -> int:
        if "api_client" not in self._ids:
            self._ids["api_client"] = (await self.make_actor("pos-terminal")).id
        return self._ids["api_client"]

    async def path_value(self, name: str) -> int | str:
        if name == "customer_id":
            return await self.customer()
        if name == "payment_id":
            return await self.payment()
        if name == "order_id":
            return await self.order()
        if name == "user_id":
            return self.owner.id
        if name == "client_pk":
            return await self.api_client()
        if name == "store_id":
            return self.owner.store_id
        if name == "tax_id":
            return "52998224725"  # no cheque has it: a 404 once authorized
        raise AssertionError(f"no arranged value for path parameter {name!r}")


async def harmless_request(
    world: World, method: str, path: str, operation: dict[str, Any]
) -> dict[str, Any]:
    """Arguments for ``client.request`` that change nothing once authorized: reads use real
    records; bodies carry an unknown field (422); bodiless writes aim at a missing id (404)."""
    bodiless_write = method in {"DELETE", "POST", "PATCH"} and "requestBody" not in operation
    url = path
    for param in operation.get("parameters", []):
        if param["in"] == "path":
            value = MISSING_ID if bodiless_write else await world.path_value(param["name"])
            url = url.replace("{" + param["name"] + "}", str(value))
    params: dict[str, Any] = {}
    for param in operation.get("parameters", []):
        if param["in"] == "query" and param["name"] == "source_id":
            params["source_id"] = await world.customer("source")
        elif param["in"] == "query" and param["name"] == "name" and "duplicates" in path:
            params["name"] = "Matrix"
    kwargs: dict[str, Any] = {"params": params}
    content = operation.get("requestBody", {}).get("content", {})
    if "application/x-www-form-urlencoded" in content:
        kwargs["data"] = {"grant_type": "unknown"}  # 400, never a token
    elif "application/json" in content:
        kwargs["json"] = {"not_a_field": 1}
    return {"method": method, "url": url, **kwargs}


MATRIX = [
    pytest.param(op_id, role, id=f"{op_id}-{role}") for op_id in sorted(REQUIRED) for role in ROLES
]


@pytest.mark.parametrize("op_id, role", MATRIX)
async def test_security_matrix(
    client: httpx.AsyncClient,
    owner: Actor,
    make_actor: MakeActor,
    operations: dict[str, tuple[str, str, dict[str, Any]]],
    op_id: str,
    role: str,
) -> None:
    assert op_id in operations, f"{op_id} is in REQUIRED but not in the OpenAPI document"
    method, path, operation = operations[op_id]
    required = REQUIRED[op_id]
    world = World(client, owner, make_actor)
    request = await harmless_request(world, method, path, operation)
    if role == "none":
        headers: dict[str, str] = {}
    elif role == "owner":
        headers = owner.headers
    else:
        headers = (await make_actor(role)).headers

    r = await client.request(headers=headers, **request)

    assert r.status_code < 500, r.text
    if role_may(role, required):
        assert r.status_code not in (401, 403), f"{role} refused on {op_id}: {r.text}"
    elif role == "none":
        assert r.status_code == 401, r.text
        assert is_problem(r)
        assert r.json()["type"] == "unauthorized"
        assert "Bearer" in r.headers.get("www-authenticate", "")
    else:
        assert r.status_code == 403, r.text
        assert is_problem(r)
        body = r.json()
        assert body["type"] == "forbidden"
        assert body["permission"] == required


@pytest.mark.parametrize(
    "op_id",
    sorted(op for op, required in REQUIRED.items() if required not in (PUBLIC,)),
)
async def test_a_forged_token_is_refused_everywhere(
    client: httpx.AsyncClient,
    owner: Actor,
    make_actor: MakeActor,
    operations: dict[str, tuple[str, str, dict[str, Any]]],
    op_id: str,
) -> None:
    """The owner's token with its signature part replaced is a 401, never the owner."""
    method, path, operation = operations[op_id]
    request = await harmless_request(World(client, owner, make_actor), method, path, operation)
    token = owner.headers["Authorization"].removeprefix("Bearer ")
    head, payload, _signature = token.split(".")
    forged = f"{head}.{payload}.{'A' * 43}"
    r = await client.request(headers={"Authorization": f"Bearer {forged}"}, **request)
    assert r.status_code == 401, r.text
    assert is_problem(r)


# Fields of a route's body that need more than the route itself: field -> permission.
FIELD_REQUIRED: dict[str, dict[str, str]] = {
    "customers-create": {
        "credit_limit": Permission.SALES_MANAGE,
        "blocked": Permission.SALES_MANAGE,
    },
    "customers-update": {
        "credit_limit": Permission.SALES_MANAGE,
        "blocked": Permission.SALES_MANAGE,
    },
}
# A value of each guarded field that differs from what a (new) customer has.
FIELD_VALUES: dict[str, Any] = {"credit_limit": "250.00", "blocked": True}

FIELD_MATRIX = [
    pytest.param(op_id, field, role, id=f"{op_id}-{field}-{role}")
    for op_id, fields in sorted(FIELD_REQUIRED.items())
    for field in sorted(fields)
    for role in ROLES
    if role != "none"
]


@pytest.mark.parametrize("op_id, field, role", FIELD_MATRIX)
async def test_field_security_matrix(
    client: httpx.AsyncClient,
    owner: Actor,
    make_actor: MakeActor,
    operations: dict[str, tuple[str, str, dict[str, Any]]],
    session: AsyncSession,
    op_id: str,
    field: str,
    role: str,
) -> None:
    """Credit control: who may set each guarded field; a refusal changes nothing."""
    method, path, operation = operations[op_id]
    required = FIELD_REQUIRED[op_id][field]
    world = World(client, owner, make_actor)
    url = path
    for param in operation.get("parameters", []):
        if param["in"] == "path":
            url = url.replace("{" + param["name"] + "}", str(await world.path_value(param["name"])))
    headers = owner.headers if role == "owner" else (await make_actor(role)).headers
    customers_before = await count(session, "customers")
    body = {"name": "Matrix field", field: FIELD_VALUES[field]}
    r = await client.request(method, url, json=body, headers=headers)
    if role_may(role, required):
        assert r.status_code in (200, 201), f"{role} refused {field} on {op_id}: {r.text}"
        assert r.json()[field] == FIELD_VALUES[field]
        return
    assert r.status_code == 403, r.text
    assert is_problem(r)
    assert r.json()["type"] == "credit-control-required"
    assert r.json()["permission"] == required and r.json()["fields"] == [field]
    assert await count(session, "customers") == customers_before
    if method == "PATCH":
        stored = (await client.get(url, headers=owner.headers)).json()
        assert stored["name"] == "Matrix customer" and stored["version"] == 1


# --------------------------------------------------------------------------------------------
# 2. Mass assignment
# --------------------------------------------------------------------------------------------


async def fresh(session: AsyncSession, model: type[Any], row_id: int) -> Any:
    await session.rollback()
    row = await session.get(model, row_id, populate_existing=True)
    assert row is not None
    return row


async def count(session: AsyncSession, table: str) -> int:
    await session.rollback()
    return int(await session.scalar(text(f"SELECT count(*) FROM {table}")) or 0)


async def other_store(client: httpx.AsyncClient, owner: Actor) -> int:
    r = await client.post(
        f"{API}/stores", json={"code": "NORTH", "name": "North"}, headers=owner.headers
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


CUSTOMER_READ_ONLY: dict[str, Any] = {
    "id": 999,
    "number": 4242,
    "store_id": None,  # filled with another store's id
    "balance": "1000.00",
    "available_credit": "5000.00",
    "total_purchases": "99.00",
    "credit_reserved": "0.00",
    "is_quick_sale": True,
    "version": 77,
    "created_at": "2000-01-01T00:00:00Z",
    "updated_at": "2000-01-01T00:00:00Z",
}


async def test_customer_create_refuses_read_only_fields(
    client: httpx.AsyncClient, clerk: Actor, owner: Actor, session: AsyncSession
) -> None:
    north = await other_store(client, owner)
    for field, value in CUSTOMER_READ_ONLY.items():
        value = north if field == "store_id" else value
        r = await client.post(
            f"{API}/customers", json={"name": "Ana", field: value}, headers=clerk.headers
        )
        assert r.status_code == 422, (field, r.text)
        assert is_problem(r)
    # Nothing was written: only the two stores' quick-sale customers exist.
    assert await count(session, "customers") == 2
    r = await client.post(f"{API}/customers", json={"name": "Ana"}, headers=clerk.headers)
    created = r.json()
    assert created["store_id"] == clerk.store_id and created["balance"] == "0.00"
    assert created["version"] == 1 and created["is_quick_sale"] is False


async def test_customer_patch_never_writes_read_only_fields(
    client: httpx.AsyncClient, clerk: Actor, owner: Actor, session: AsyncSession
) -> None:
    north = await other_store(client, owner)
    r = await client.post(f"{API}/customers", json={"name": "Ana"}, headers=clerk.headers)
    customer_id = r.json()["id"]
    before = await fresh(session, Customer, customer_id)
    snapshot = (before.number, before.store_id, before.balance, before.version, before.created_at)
    for actor in (clerk, owner):
        for field, value in CUSTOMER_READ_ONLY.items():
            value = north if field == "store_id" else value
            r = await client.patch(
                f"{API}/customers/{customer_id}",
                json={"notes": "x", field: value},
                headers=actor.headers,
            )
            assert r.status_code == 422, (actor.role, field, r.text)
    after = await fresh(session, Customer, customer_id)
    assert (after.number, after.store_id, after.balance, after.version, after.created_at) == (
        snapshot
    )
    assert after.notes is None and after.is_quick_sale is False


PAYMENT_READ_ONLY: dict[str, Any] = {
    "id": 999,
    "customer_id": 999,
    "recorded_by_id": 1,
    "recorded_by": {"id": 1, "name": "owner"},
    "store_id": 1,
    "version": 77,
    "created_at": "2000-01-01T00:00:00Z",
    "updated_at": "2000-01-01T00:00:00Z",
}


async def test_payment_create_and_patch_refuse_read_only_fields(
    client: httpx.AsyncClient, clerk: Actor, owner: Actor, session: AsyncSession
) -> None:
    r = await client.post(f"{API}/customers", json={"name": "Ana"}, headers=owner.headers)
    customer_id = r.json()["id"]
    other = await client.post(f"{API}/customers", json={"name": "Bia"}, headers=owner.headers)
    body = {"method": "PIX", "amount": "10.00"}
    for field, value in PAYMENT_READ_ONLY.items():
        value = other.json()["id"] if field == "customer_id" else value
        value = owner.id if field == "recorded_by_id" else value
        r = await client.post(
            f"{API}/customers/{customer_id}/payments",
            json={**body, field: value},
            headers=clerk.headers,
        )
        assert r.status_code == 422, (field, r.text)
    assert await count(session, "payments") == 0

    r = await client.post(
        f"{API}/customers/{customer_id}/payments", json=body, headers=clerk.headers
    )
    assert r.status_code == 201, r.text
    payment_id = r.json()["id"]
    assert r.json()["recorded_by"]["id"] == clerk.id
    for field, value in PAYMENT_READ_ONLY.items():
        value = other.json()["id"] if field == "customer_id" else value
        value = owner.id if field == "recorded_by_id" else value
        r = await client.patch(
            f"{API}/payments/{payment_id}",
            json={"details": "x", field: value},
            headers=clerk.headers,
        )
        assert r.status_code == 422, (field, r.text)
    payment = await fresh(session, Payment, payment_id)
    assert payment.customer_id == customer_id and payment.recorded_by_id == clerk.id
    assert payment.version == 1 and payment.details is None


async def test_order_create_and_delivery_refuse_read_only_fields(
    client: httpx.AsyncClient, clerk: Actor, owner: Actor, session: AsyncSession
) -> None:
    north = await other_store(client, owner)
    r = await client.post(f"{API}/customers", json={"name": "Ana"}, headers=owner.headers)
    body = {
        "customer_id": r.json()["id"],
        "kind": "order",
        "delivery_type": "partial",
        "total": "30.00",
        "payment_terms": "cash",
    }
    read_only: dict[str, Any] = {
        "id": 999,
        "store_id": north,
        "status": "delivered",
        "delivered_amount": "30.00",
        "outstanding_delivery": "0.00",
        "closed_on": "2026-01-01",
        "deliveries": [],
        "version": 77,
        "created_at": "2000-01-01T00:00:00Z",
    }
    for field, value in read_only.items():
        r = await client.post(f"{API}/orders", json={**body, field: value}, headers=clerk.headers)
        assert r.status_code == 422, (field, r.text)
    assert await count(session, "orders") == 0

    r = await client.post(f"{API}/orders", json=body, headers=clerk.headers)
    assert r.status_code == 201, r.text
    order_id = r.json()["id"]
    for field, value in {"sequence": 5, "order_id": 999, "id": 999, "customer_id": 1}.items():
        r = await client.post(
            f"{API}/orders/{order_id}/deliveries",
            json={"amount": "5.00", field: value},
            headers=clerk.headers,
        )
        assert r.status_code == 422, (field, r.text)
    order = await fresh(session, Order, order_id)
    assert order.store_id == clerk.store_id and order.status == "open"
    assert order.delivered_amount == 0 and order.version == 1
    assert await count(session, "deliveries") == 0


async def test_user_fields_that_are_not_inputs_are_refused(
    client: httpx.AsyncClient, owner: Actor, clerk: Actor, session: AsyncSession
) -> None:
    body = {"username": "bruno", "password": "a-long-password", "role": "clerk"}
    read_only = {
        "id": 999,
        "kind": "api_client",
        "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$x$y",
        "client_id": "cl_x",
        "secret_hash": "x",
        "failed_logins": 0,
        "created_at": "2000-01-01T00:00:00Z",
    }
    users_before = await count(session, "principals")
    for field, value in read_only.items():
        r = await client.post(f"{API}/users", json={**body, field: value}, headers=owner.headers)
        assert r.status_code == 422, (field, r.text)
    assert await count(session, "principals") == users_before

    target = await fresh(session, PrincipalRow, clerk.id)
    before = (target.username, target.kind, target.password_hash, list(target.permissions))
    for field in ("id", "kind", "password_hash", "username", "client_id", "secret_hash"):
        r = await client.patch(
            f"{API}/users/{clerk.id}",
            json={field: read_only.get(field, "x")},
            headers=owner.headers,
        )
        assert r.status_code == 422, (field, r.text)
    after = await fresh(session, PrincipalRow, clerk.id)
    assert (after.username, after.kind, after.password_hash, list(after.permissions)) == before


async def test_no_one_but_the_owner_can_grant_permissions(
    client: httpx.AsyncClient,
    owner: Actor,
    manager: Actor,
    clerk: Actor,
    pos: Actor,
    session: AsyncSession,
) -> None:
    escalate = {"permissions": ["owner"], "role": "owner", "active": True}
    attempts = [
        (manager, f"{API}/users/{manager.id}"),
        (manager, f"{API}/users/{clerk.id}"),
        (clerk, f"{API}/users/{clerk.id}"),
        (pos, f"{API}/api-clients/{pos.id}"),
    ]
    for actor, url in attempts:
        r = await client.patch(url, json=escalate, headers=actor.headers)
        assert r.status_code == 403, (actor.role, url, r.text)
        assert r.json()["type"] == "forbidden"
    for actor, url in ((manager, "users"), (clerk, "users"), (pos, "api-clients")):
        r = await client.post(
            f"{API}/{url}",
            json={"username": "evil", "name": "evil", "password": "evil-password", **escalate},
            headers=actor.headers,
        )
        assert r.status_code == 403, (actor.role, r.text)
    await session.rollback()
    rows = (await session.scalars(select(PrincipalRow).order_by(PrincipalRow.id))).all()
    assert [(r.name, r.role) for r in rows] == [
        ("owner", "owner"),
        ("manager", "manager"),
        ("clerk", "clerk"),
        ("pos", "pos-terminal"),
    ]
    assert [Permission.OWNER in r.permissions for r in rows] == [True, False, False, False]


async def test_store_identity_fields_are_refused(
    client: httpx.AsyncClient, owner: Actor, session: AsyncSession
) -> None:
    main = await fresh(session, Store, owner.store_id)
    before = (main.code, main.name, main.quick_sale_customer_id)
    r = await client.post(
        f"{API}/stores",
        json={"code": "EAST", "name": "East", "quick_sale_customer_id": before[2]},
        headers=owner.headers,
    )
    assert r.status_code == 422, r.text
    r = await client.post(
        f"{API}/stores", json={"code": "EAST", "name": "East", "id": 500}, headers=owner.headers
    )
    assert r.status_code == 422, r.text
    assert await count(session, "stores") == 1
    for field, value in {
        "code": "HACK",
        "quick_sale_customer_id": 1,
        "id": 500,
        "created_at": "2000-01-01T00:00:00Z",
    }.items():
        r = await client.patch(
            f"{API}/stores/{owner.store_id}",
            json={"name": "X", field: value},
            headers=owner.headers,
        )
        assert r.status_code == 422, (field, r.text)
    main = await fresh(session, Store, owner.store_id)
    assert (main.code, main.name, main.quick_sale_customer_id) == before


# --------------------------------------------------------------------------------------------
# 3. Body and page sizes
# --------------------------------------------------------------------------------------------

WRITE_ROUTES = [
    ("POST", "/customers"),
    ("POST", "/customers/{customer_id}/payments"),
    ("POST", "/orders"),
    ("PATCH", "/customers/{customer_id}"),
    ("POST", "/users"),
]


@pytest.mark.parametrize("method, path", WRITE_ROUTES)
async def test_an_oversized_body_is_a_413_problem_and_writes_nothing(
    client: httpx.AsyncClient, owner: Actor, session: AsyncSession, method: str, path: str
) -> None:
    from custledger.config import get_settings

    limit = get_settings().max_body_bytes
    r = await client.post(f"{API}/customers", json={"name": "Ana"}, headers=owner.headers)
    customer_id = r.json()["id"]
    url = API + path.replace("{customer_id}", str(customer_id))
    payload = json.dumps({"name": "Ana", "notes": "x" * (limit + 10)}).encode()
    rows = [await count(session, t) for t in ("customers", "payments", "orders", "principals")]

    r = await client.request(
        method,
        url,
        content=payload,
        headers={**owner.headers, "Content-Type": "application/json"},
    )
    assert r.status_code == 413, r.text
    assert is_problem(r) and r.json()["type"] == "payload-too-large"

    # Without a Content-Length (chunked), the body is counted as it arrives.
    async def chunks() -> Any:
        for start in range(0, len(payload), 64 * 1024):
            yield payload[start : start + 64 * 1024]

    r = await client.request(
        method,
        url,
        content=chunks(),
        headers={**owner.headers, "Content-Type": "application/json"},
    )
    assert r.status_code == 413, r.text
    assert is_problem(r) and r.json()["type"] == "payload-too-large"
    after = [await count(session, t) for t in ("customers", "payments", "orders", "principals")]
    assert after == rows
    stored = await fresh(session, Customer, customer_id)
    assert stored.notes is None and stored.version == 1


async def test_an_oversized_login_form_is_a_413_problem(client: httpx.AsyncClient) -> None:
    r = await client.post(
        f"{API}/auth/token",
        data={"grant_type": "password", "username": "x", "password": "p" * 1_100_000},
    )
    assert r.status_code == 413, r.text
    assert is_problem(r)


async def test_every_list_refuses_a_limit_over_its_maximum(
    client: httpx.AsyncClient,
    owner: Actor,
    make_actor: MakeActor,
    operations: dict[str, tuple[str, str, dict[str, Any]]],
) -> None:
    world = World(client, owner, make_actor)
    checked: list[str] = []
    for op_id, (method, path, operation) in sorted(operations.items()):
        limit = next(
            (
                p
                for p in operation.get("parameters", [])
                if p["in"] == "query" and p["name"] == "limit"
            ),
            None,
        )
        if limit is None:
            continue
        maximum = limit["schema"].get("maximum")
        assert isinstance(maximum, int), f"{op_id}: `limit` declares no maximum"
        request = await harmless_request(world, method, path, operation)
        for value, expect_422 in ((maximum + 1, True), (10**9, True), (0, True), (maximum, False)):
            params = {**request["params"], "limit": value}
            r = await client.request(method, request["url"], params=params, headers=owner.headers)
            if expect_422:
                assert r.status_code == 422, (op_id, value, r.text)
                assert is_problem(r)
                assert any(e.get("field") == "limit" for e in r.json().get("errors", [])), r.text
            else:
                assert r.status_code == 200, (op_id, value, r.text)
        checked.append(op_id)
    assert set(checked) >= {
        "customers-list",
        "customers-audit",
        "customers-purchases",
        "payments-list",
        "orders-list",
        "statement-get",
        "reports-overdue",
        "reports-receivables-ageing",
    }, checked


# --------------------------------------------------------------------------------------------
# 4. No secret in logs or responses
# --------------------------------------------------------------------------------------------


@pytest.fixture
def custledger_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every record of the ``custledger`` loggers at any level (they do not propagate)."""
    root = logging.getLogger("custledger")
    level = root.level
    root.addHandler(caplog.handler)
    root.setLevel(logging.DEBUG)
    caplog.handler.setLevel(logging.DEBUG)
    try:
        yield caplog
    finally:
        root.removeHandler(caplog.handler)
        root.setLevel(level)


async def test_no_secret_reaches_a_log_line_or_a_response(
    client: httpx.AsyncClient,
    owner: Actor,
    session: AsyncSession,
    custledger_logs: pytest.LogCaptureFixture,
) -> None:
    password = "Sup3r-secret-passw0rd"
    responses: list[tuple[str, httpx.Response]] = []

    async def call(label: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
        r = await client.request(method, f"{API}{url}", **kwargs)
        responses.append((label, r))
        return r

    r = await call(
        "create user",
        "POST",
        "/users",
        json={"username": "carla", "password": password, "role": "clerk"},
        headers=owner.headers,
    )
    assert r.status_code == 201, r.text
    login = {"grant_type": "password", "username": "carla"}
    r = await call("failed login", "POST", "/auth/token", data={**login, "password": "wrong-one!"})
    assert r.status_code == 401, r.text
    r = await call("login", "POST", "/auth/token", data={**login, "password": password})
    assert r.status_code == 200, r.text
    user_token = r.json()["access_token"]

    r = await call(
        "create client", "POST", "/api-clients", json={"name": "till 1"}, headers=owner.headers
    )
    assert r.status_code == 201, r.text
    client_id, client_secret = r.json()["client_id"], r.json()["client_secret"]
    r = await call(
        "failed client login",
        "POST",
        "/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret + "x",
        },
    )
    assert r.status_code == 401, r.text
    r = await call(
        "client login",
        "POST",
        "/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        },
    )
    assert r.status_code == 200, r.text
    client_token = r.json()["access_token"]

    pos = {"Authorization": f"Bearer {client_token}"}
    r = await call("customer", "POST", "/customers", json={"name": "Ana"}, headers=pos)
    assert r.status_code == 201, r.text
    customer_id = r.json()["id"]
    r = await call(
        "payment",
        "POST",
        f"/customers/{customer_id}/payments",
        json={"method": "PIX", "amount": "12.50"},
        headers={**pos, "Idempotency-Key": "k-1"},
    )
    assert r.status_code == 201, r.text
    user = {"Authorization": f"Bearer {user_token}"}
    await call("me", "GET", "/auth/me", headers=user)
    await call("me (client)", "GET", "/auth/me", headers=pos)
    await call("users", "GET", "/users", headers=owner.headers)
    await call("clients", "GET", "/api-clients", headers=owner.headers)
    await call("audit", "GET", f"/customers/{customer_id}/audit", headers=owner.headers)
    await call("bad token", "GET", "/auth/me", headers={"Authorization": f"Bearer {user_token}x"})

    await session.rollback()
    hashes = [
        h
        for row in (await session.scalars(select(PrincipalRow))).all()
        for h in (row.password_hash, row.secret_hash)
        if h
    ]
    assert any(h.startswith("$argon2") for h in hashes)
    secrets = {
        "password": password,
        "client secret": client_secret,
        "user token": user_token,
        "client token": client_token,
        "bearer token of the owner": owner.headers["Authorization"].removeprefix("Bearer "),
        "argon2": "$argon2",
        **{f"hash {i}": h for i, h in enumerate(hashes)},
    }
    # Where a secret is the point of the response.
    allowed = {
        ("create client", "client secret"),
        ("login", "user token"),
        ("client login", "client token"),
    }

    for label, response in responses:
        visible = response.text + json.dumps(dict(response.headers))
        for name, secret in secrets.items():
            if (label, name) not in allowed:
                assert secret not in visible, f"{name} in the response to {label}"

    records = custledger_logs.records
    assert len(records) >= len(responses), "log records missing: the capture is not working"
    formatter = JsonFormatter()
    for record in records:
        line = formatter.format(record) + repr(record.__dict__)
        for name, secret in secrets.items():
            assert secret not in line, f"{name} in log record {record.name}: {line[:300]}"

    # The audit log is a log too: it keeps who changed what, never a secret.
    entries = (await session.scalars(select(AuditEntry))).all()
    assert entries
    for entry in entries:
        stored = json.dumps(entry.changes, default=str)
        for name, secret in secrets.items():
            assert secret not in stored, f"{name} in audit entry {entry.action}"
