"""Credit control: setting or changing credit_limit or blocked needs sales:manage (owner
implies it); a clerk or a till registers customers without credit and edits contact data."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from custledger.customers.models import Customer
from custledger.kit.audit import AuditEntry
from tests.customers.helpers import BASE, create, get

CREDIT_BODIES = [
    {"credit_limit": "500.00"},
    {"credit_limit": "0.00"},
    {"blocked": True},
    {"credit_limit": "10.00", "blocked": True},
]


def refused(r, fields):
    assert r.status_code == 403, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["type"] == "credit-control-required"
    assert body["permission"] == "sales:manage"
    assert body["fields"] == fields


@pytest.mark.parametrize("role", ["clerk", "pos-terminal"])
@pytest.mark.parametrize("credit", CREDIT_BODIES)
async def test_clerk_or_till_cannot_create_a_customer_with_credit_or_blocked(
    client, make_actor, session, role, credit
):
    actor = await make_actor(role)
    r = await client.post(BASE, json={"name": "Lender", **credit}, headers=actor.headers)
    refused(r, sorted(credit))
    count = await session.scalar(select(func.count()).where(Customer.name == "Lender"))
    assert count == 0


@pytest.mark.parametrize("role", ["clerk", "pos-terminal"])
async def test_clerk_or_till_registers_a_customer_without_credit(client, make_actor, role):
    actor = await make_actor(role)
    # The values a new customer has anyway are not credit decisions.
    created = await create(
        client, actor, name="Walk-in", phone="31988887777", credit_limit=None, blocked=False
    )
    assert created["credit_limit"] is None and created["blocked"] is False


@pytest.mark.parametrize("role", ["manager", "owner"])
async def test_manager_or_owner_sets_credit_on_create_and_update(client, make_actor, role):
    actor = await make_actor(role)
    created = await create(client, actor, name="Trusted", credit_limit="800", blocked=True)
    assert created["credit_limit"] == "800.00" and created["blocked"] is True
    r = await client.patch(
        f"{BASE}/{created['id']}",
        json={"credit_limit": "900.00", "blocked": False},
        headers=actor.headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["credit_limit"] == "900.00" and r.json()["blocked"] is False


async def test_sales_manage_alone_is_credit_control(client, make_actor):
    actor = await make_actor("clerk", permissions=["customers:write", "sales:manage"])
    r = await client.post(BASE, json={"name": "A", "credit_limit": "5"}, headers=actor.headers)
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("role", ["clerk", "pos-terminal"])
@pytest.mark.parametrize(
    "change, fields",
    [
        ({"credit_limit": "900.00"}, ["credit_limit"]),
        ({"credit_limit": None}, ["credit_limit"]),
        ({"blocked": True}, ["blocked"]),
        ({"city": "Olinda", "blocked": True, "credit_limit": "1.00"}, ["blocked", "credit_limit"]),
    ],
)
async def test_clerk_or_till_cannot_change_credit_and_nothing_changes(
    client, manager, make_actor, session, role, change, fields
):
    actor = await make_actor(role)
    created = await create(client, manager, name="Held", city="Recife", credit_limit="300")
    r = await client.patch(f"{BASE}/{created['id']}", json=change, headers=actor.headers)
    refused(r, fields)
    after = (await get(client, manager, created["id"])).json()
    assert after == created  # not the city either: the whole edit is refused
    updates = await session.scalar(
        select(func.count()).where(AuditEntry.action == "customer.update")
    )
    assert updates == 0


@pytest.mark.parametrize("role", ["clerk", "pos-terminal"])
async def test_clerk_or_till_edits_contact_data_and_may_resend_the_same_credit(
    client, manager, make_actor, role
):
    actor = await make_actor(role)
    created = await create(client, manager, name="Contact", credit_limit="300", blocked=True)
    # A form sends every field back: the credit values it already has are not a change.
    r = await client.patch(
        f"{BASE}/{created['id']}",
        json={"phone": "31977776666", "credit_limit": "300.00", "blocked": True},
        headers=actor.headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["phone"] == "(31) 97777-6666"
    assert r.json()["credit_limit"] == "300.00" and r.json()["version"] == 2


async def test_credit_control_is_checked_before_a_missing_customer_only_when_asked(client, clerk):
    r = await client.patch(f"{BASE}/999999", json={"blocked": True}, headers=clerk.headers)
    assert r.status_code == 404
    r = await client.patch(f"{BASE}/999999", json={"city": "X"}, headers=clerk.headers)
    assert r.status_code == 404


async def test_credit_control_refusal_is_documented_with_an_example(client):
    doc = (await client.get("/api/v1/openapi.json")).json()
    for path, method in (
        ("/api/v1/customers", "post"),
        ("/api/v1/customers/{customer_id}", "patch"),
    ):
        forbidden = doc["paths"][path][method]["responses"]["403"]
        examples = forbidden["content"]["application/problem+json"]["examples"]
        assert examples["credit-control-required"]["value"]["type"] == "credit-control-required"
