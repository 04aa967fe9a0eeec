"""PATCH: partial edits under the row lock, If-Match versions, read-only fields, quick-sale."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from custledger.customers.models import Customer
from custledger.kit.audit import AuditEntry
from tests.customers.helpers import BASE, CPF, CPF_2, create, get, quick_sale_id


async def test_patch_changes_only_the_given_fields_and_bumps_the_version(client, clerk, manager):
    created = await create(
        client, manager, name="Paulo", email="paulo@example.com", city="Recife", credit_limit="100"
    )
    r = await client.patch(
        f"{BASE}/{created['id']}",
        json={"city": "Olinda", "credit_limit": "250.50", "blocked": True},
        headers=manager.headers,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert r.headers["etag"] == '"2"'
    assert body["version"] == 2
    assert body["city"] == "Olinda" and body["credit_limit"] == "250.50" and body["blocked"]
    assert body["email"] == "paulo@example.com" and body["name"] == "Paulo"
    assert body["number"] == created["number"] and body["store_id"] == created["store_id"]
    fetched = (await get(client, clerk, created["id"])).json()
    assert fetched == body


async def test_patch_with_null_clears_an_optional_field_and_credit(client, manager):
    created = await create(client, manager, name="Rita", phone="31988887777", credit_limit="50")
    r = await client.patch(
        f"{BASE}/{created['id']}",
        json={"phone": None, "credit_limit": None},
        headers=manager.headers,
    )
    assert r.status_code == 200
    assert r.json()["phone"] is None
    assert r.json()["credit_limit"] is None and r.json()["available_credit"] is None


@pytest.mark.parametrize("field", ["name", "active", "blocked", "production"])
async def test_required_fields_cannot_be_nulled(client, clerk, field):
    created = await create(client, clerk, name="Solid")
    r = await client.patch(f"{BASE}/{created['id']}", json={field: None}, headers=clerk.headers)
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == [field]
    assert (await get(client, clerk, created["id"])).json()["version"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "name"),
        ({"active": None}, "active"),
        ({"tax_id": " " * 21}, "tax_id"),  # over maxLength as sent, blank once trimmed
        ({"city": " " * 101}, "city"),
    ],
)
async def test_a_schema_violating_body_is_judged_before_a_stale_if_match(
    client, clerk, body, field
):
    """The body first (422), then the version (412), and nothing changes."""
    created = await create(client, clerk, name="Clara", city="Recife", tax_id=CPF)
    r = await client.patch(
        f"{BASE}/{created['id']}", json=body, headers=clerk.headers | {"If-Match": '"9"'}
    )
    assert r.status_code == 422, r.text
    assert [e["field"] for e in r.json()["errors"]] == [field]
    assert (await get(client, clerk, created["id"])).json() == created


async def test_if_match_with_a_stale_version_is_412_and_changes_nothing(client, clerk, manager):
    created = await create(client, clerk, name="Clara")
    etag = (await get(client, clerk, created["id"])).headers["etag"]
    first = await client.patch(
        f"{BASE}/{created['id']}",
        json={"notes": "first clerk"},
        headers=clerk.headers | {"If-Match": etag},
    )
    assert first.status_code == 200
    second = await client.patch(
        f"{BASE}/{created['id']}",
        json={"notes": "second clerk"},
        headers=manager.headers | {"If-Match": etag},
    )
    assert second.status_code == 412, second.text
    assert second.json()["type"] == "precondition-failed"
    assert second.headers["etag"] == '"2"'
    assert (await get(client, clerk, created["id"])).json()["notes"] == "first clerk"


@pytest.mark.parametrize("if_match", ['"1"', 'W/"1"', '"7", "1"', "*"])
async def test_if_match_accepts_strong_weak_lists_and_star(client, clerk, if_match):
    created = await create(client, clerk, name="Tags")
    r = await client.patch(
        f"{BASE}/{created['id']}",
        json={"city": "Natal"},
        headers=clerk.headers | {"If-Match": if_match},
    )
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"'


@pytest.mark.parametrize("if_match", ['"2"', "garbage", 'W/"0"'])
async def test_if_match_that_does_not_name_the_current_version_is_412(client, clerk, if_match):
    created = await create(client, clerk, name="Tags")
    r = await client.patch(
        f"{BASE}/{created['id']}",
        json={"city": "Natal"},
        headers=clerk.headers | {"If-Match": if_match},
    )
    assert r.status_code == 412


async def test_patch_without_changes_keeps_the_version_and_writes_no_audit(client, clerk, session):
    created = await create(client, clerk, name="Same", city="Natal")
    r = await client.patch(
        f"{BASE}/{created['id']}", json={"city": "Natal", "name": "Same"}, headers=clerk.headers
    )
    assert r.status_code == 200 and r.json()["version"] == 1
    actions = (
        await session.scalars(
            select(AuditEntry.action).where(AuditEntry.customer_id == created["id"])
        )
    ).all()
    assert actions == ["customer.create"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("balance", "999.00"),
        ("number", 42),
        ("store_id", 3),
        ("total_purchases", "5.00"),
        ("available_credit", "5.00"),
        ("version", 10),
        ("id", 5),
        ("updated_at", "2020-01-01T00:00:00Z"),
        ("is_quick_sale", True),
    ],
)
async def test_read_only_fields_cannot_be_written_on_patch(client, clerk, session, field, value):
    created = await create(client, clerk, name="Guarded")
    r = await client.patch(
        f"{BASE}/{created['id']}", json={field: value, "city": "X"}, headers=clerk.headers
    )
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == field
    stored = await session.get(Customer, created["id"])
    assert stored is not None
    assert (stored.balance, stored.number, stored.store_id, stored.version, stored.city) == (
        0,
        created["number"],
        created["store_id"],
        1,
        None,
    )


async def test_patch_to_a_tax_id_of_another_customer_is_409(client, clerk):
    holder = await create(client, clerk, name="Holder", tax_id=CPF)
    other = await create(client, clerk, name="Other", tax_id=CPF_2)
    r = await client.patch(f"{BASE}/{other['id']}", json={"tax_id": CPF}, headers=clerk.headers)
    assert r.status_code == 409
    assert r.json()["type"] == "tax-id-taken"
    assert r.json()["existing_customer"]["id"] == holder["id"]
    # Its own tax id again (formatted) is no conflict.
    r = await client.patch(
        f"{BASE}/{holder['id']}", json={"tax_id": "529.982.247-25"}, headers=clerk.headers
    )
    assert r.status_code == 200


async def test_patch_keeps_the_search_columns_in_sync(client, clerk):
    created = await create(client, clerk, name="Antônio Prado", phone="11 3333-4444")
    r = await client.patch(
        f"{BASE}/{created['id']}",
        json={"name": "Benedito Çarvalho", "phone": "21 98888-7777"},
        headers=clerk.headers,
    )
    assert r.status_code == 200

    async def found(q: str) -> list[int]:
        r = await client.get(BASE, params={"q": q}, headers=clerk.headers)
        return [c["id"] for c in r.json()["items"]]

    assert await found("antonio") == []
    assert await found("33334444") == []
    assert await found("carvalho") == [created["id"]]
    assert await found("2198888") == [created["id"]]


async def test_quick_sale_customer_cannot_be_edited(client, owner, session):
    quick = await quick_sale_id(session)
    r = await client.patch(f"{BASE}/{quick}", json={"name": "Walk-in"}, headers=owner.headers)
    assert r.status_code == 409
    assert r.json()["type"] == "quick-sale-customer"


async def test_patch_of_an_unknown_customer_is_404(client, clerk):
    r = await client.patch(f"{BASE}/424242", json={"name": "Ghost"}, headers=clerk.headers)
    assert r.status_code == 404
    assert r.json()["type"] == "customer-not-found"


async def test_patch_validates_like_create(client, clerk):
    created = await create(client, clerk, name="Valid")
    for body, field in (
        ({"tax_id": "123.456.789-00"}, "tax_id"),
        ({"email": "nope"}, "email"),
        ({"phone": "abc"}, "phone"),
        ({"name": ""}, "name"),
        ({"state": "x" * 61}, "state"),
        ({"credit_limit": "-5"}, "credit_limit"),
        ({"next_invoice_date": "2026-02-30"}, "next_invoice_date"),
    ):
        r = await client.patch(f"{BASE}/{created['id']}", json=body, headers=clerk.headers)
        assert r.status_code == 422, body
        assert r.json()["errors"][0]["field"] == field


@pytest.mark.postgres
async def test_two_clerks_with_the_same_version_cannot_both_win(client, clerk, manager):
    created = await create(client, clerk, name="Race")
    etag = '"1"'

    async def edit(actor, notes):
        return await client.patch(
            f"{BASE}/{created['id']}",
            json={"notes": notes},
            headers=actor.headers | {"If-Match": etag},
        )

    responses = await asyncio.gather(edit(clerk, "clerk"), edit(manager, "manager"))
    assert sorted(r.status_code for r in responses) == [200, 412]
    winner = next(r for r in responses if r.status_code == 200).json()
    stored = (await get(client, clerk, created["id"])).json()
    assert stored["version"] == 2 and stored["notes"] == winner["notes"]


@pytest.mark.postgres
async def test_parallel_patches_without_if_match_lose_no_update(client, clerk):
    created = await create(client, clerk, name="Many")
    fields = ["trade_name", "contact", "address", "complement", "neighbourhood", "city"]
    responses = await asyncio.gather(
        *(
            client.patch(f"{BASE}/{created['id']}", json={f: f"v-{f}"}, headers=clerk.headers)
            for f in fields
        )
    )
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    stored = (await get(client, clerk, created["id"])).json()
    assert stored["version"] == 1 + len(fields)
    assert all(stored[f] == f"v-{f}" for f in fields)
