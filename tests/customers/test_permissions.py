"""Who may call each customer route: reading needs customers:read, writing customers:write,
the audit trail sales:manage (or owner), the export both; no token is a 401."""

from __future__ import annotations

import pytest

from tests.customers.helpers import BASE, create

READ_ROUTES = [
    ("GET", BASE, None),
    ("GET", f"{BASE}/duplicates?name=Ana", None),
    ("GET", f"{BASE}/{{id}}", None),
    ("GET", f"{BASE}/counts", None),
]
WRITE_ROUTES = [
    ("POST", BASE, {"name": "Intruder"}),
    ("PATCH", f"{BASE}/{{id}}", {"name": "Intruder"}),
    ("DELETE", f"{BASE}/{{id}}", None),
]
AUDIT_ROUTES = [("GET", f"{BASE}/{{id}}/audit", None)]
EXPORT_ROUTES = [("GET", f"{BASE}/export?format=csv", None)]


async def _call(client, actor_headers, method, url, body, customer_id):
    return await client.request(
        method, url.replace("{id}", str(customer_id)), json=body, headers=actor_headers
    )


@pytest.mark.parametrize("method, url, body", READ_ROUTES)
async def test_reading_needs_customers_read(client, owner, make_actor, method, url, body):
    customer = await create(client, owner, name="Ana")
    writer_only = await make_actor("clerk", permissions=["customers:write", "payments:read"])
    r = await _call(client, writer_only.headers, method, url, body, customer["id"])
    assert r.status_code == 403, r.text
    assert r.json()["type"] == "forbidden" and r.json()["permission"] == "customers:read"
    reader = await make_actor("clerk", permissions=["customers:read"])
    r = await _call(client, reader.headers, method, url, body, customer["id"])
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("method, url, body", WRITE_ROUTES)
async def test_writing_needs_customers_write(client, owner, make_actor, session, method, url, body):
    customer = await create(client, owner, name="Ana")
    reader = await make_actor("clerk", permissions=["customers:read", "sales:manage"])
    r = await _call(client, reader.headers, method, url, body, customer["id"])
    assert r.status_code == 403, r.text
    assert r.json()["permission"] == "customers:write"
    after = await client.get(f"{BASE}/{customer['id']}", headers=owner.headers)
    assert after.json()["name"] == "Ana" and after.json()["version"] == 1
    listed = await client.get(BASE, headers=owner.headers)
    assert [c["name"] for c in listed.json()["items"]] == ["Ana"]
    writer = await make_actor("clerk", permissions=["customers:write"])
    r = await _call(client, writer.headers, method, url, body, customer["id"])
    assert r.status_code in (200, 201, 204), r.text


@pytest.mark.parametrize("method, url, body", AUDIT_ROUTES)
async def test_the_audit_trail_needs_sales_manage(client, owner, make_actor, method, url, body):
    customer = await create(client, owner, name="Ana")
    clerk = await make_actor("clerk")
    r = await _call(client, clerk.headers, method, url, body, customer["id"])
    assert r.status_code == 403
    manager = await make_actor("clerk", permissions=["sales:manage"])
    r = await _call(client, manager.headers, method, url, body, customer["id"])
    assert r.status_code == 200
    r = await _call(client, owner.headers, method, url, body, customer["id"])
    assert r.status_code == 200


@pytest.mark.parametrize("method, url, body", EXPORT_ROUTES)
async def test_the_export_needs_sales_manage_and_customers_read(
    client, owner, make_actor, method, url, body
):
    """Every customer's CPF/CNPJ at once is personal data (LGPD): not for a clerk or a till."""
    customer = await create(client, owner, name="Ana")
    for role in ("clerk", "pos-terminal"):
        actor = await make_actor(role)
        r = await _call(client, actor.headers, method, url, body, customer["id"])
        assert r.status_code == 403, (role, r.text)
        assert r.json()["type"] == "forbidden" and r.json()["permission"] == "sales:manage"
        assert "Ana" not in r.text
    manager_only = await make_actor("clerk", permissions=["sales:manage"])
    r = await _call(client, manager_only.headers, method, url, body, customer["id"])
    assert r.status_code == 403 and r.json()["permission"] == "customers:read"
    for role in ("manager", "owner"):
        actor = owner if role == "owner" else await make_actor(role)
        r = await _call(client, actor.headers, method, url, body, customer["id"])
        assert r.status_code == 200, (role, r.text)
        assert "Ana" in r.text


@pytest.mark.parametrize(
    "method, url, body", READ_ROUTES + WRITE_ROUTES + AUDIT_ROUTES + EXPORT_ROUTES
)
async def test_every_route_needs_a_token(client, owner, method, url, body):
    customer = await create(client, owner, name="Ana")
    r = await _call(client, {}, method, url, body, customer["id"])
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    r = await _call(client, {"Authorization": "Bearer nonsense"}, method, url, body, customer["id"])
    assert r.status_code == 401


async def test_pos_terminals_can_search_and_create(client, pos):
    created = await create(client, pos, name="Walk-in regular", phone="31977776666")
    r = await client.get(BASE, params={"q": "3197777"}, headers=pos.headers)
    assert [c["id"] for c in r.json()["items"]] == [created["id"]]
