"""Boolean body fields take JSON true or false only, as the document says (type boolean)."""

from __future__ import annotations

import pytest

API = "/api/v1"


@pytest.mark.parametrize("given", [0, 1, "true", "false", "yes", "off", 1.0])
async def test_a_boolean_field_refuses_anything_but_true_or_false(client, owner, given) -> None:
    r = await client.post(f"{API}/customers", json={"name": "Ana"}, headers=owner.headers)
    assert r.status_code == 201, r.text
    customer_id = r.json()["id"]
    refused = await client.patch(
        f"{API}/customers/{customer_id}", json={"blocked": given}, headers=owner.headers
    )
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == ["blocked"]
    unchanged = await client.get(f"{API}/customers/{customer_id}", headers=owner.headers)
    assert unchanged.json()["blocked"] is False
    assert unchanged.json()["version"] == r.json()["version"]
    created = await client.post(
        f"{API}/customers", json={"name": "Bia", "production": given}, headers=owner.headers
    )
    assert created.status_code == 422, created.text


async def test_true_and_false_are_taken(client, owner) -> None:
    r = await client.post(
        f"{API}/customers", json={"name": "Ana", "blocked": True}, headers=owner.headers
    )
    assert r.status_code == 201, r.text
    assert r.json()["blocked"] is True
    r = await client.patch(
        f"{API}/customers/{r.json()['id']}", json={"blocked": False}, headers=owner.headers
    )
    assert r.status_code == 200, r.text
    assert r.json()["blocked"] is False
