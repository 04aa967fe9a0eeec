"""The POS's own reference of an order, the lookups by number and reference, and the customer
every order representation names."""

from __future__ import annotations

import asyncio

import pytest

from tests.orders.helpers import API, order_body


async def test_every_order_representation_names_its_customer(client, pos, make_customer):
    customer_id = await make_customer("Joana Prado")
    expected = {"id": customer_id, "number": 1, "name": "Joana Prado"}
    r = await client.post(
        f"{API}/orders", json=order_body(customer_id, delivery_type="single"), headers=pos.headers
    )
    assert r.status_code == 201, r.text
    order_id = r.json()["id"]
    assert r.json()["customer"] == expected
    r = await client.get(f"{API}/orders/{order_id}", headers=pos.headers)
    assert r.json()["customer"] == expected
    r = await client.get(f"{API}/orders", headers=pos.headers)
    assert [o["customer"] for o in r.json()["items"]] == [expected]
    r = await client.post(f"{API}/orders/{order_id}/deliveries", json={}, headers=pos.headers)
    assert r.status_code == 201, r.text
    assert r.json()["customer"] == expected
    r = await client.post(f"{API}/orders/{order_id}/cancel", headers=pos.headers)
    assert r.status_code == 409
    assert r.json()["detail"] == "Order number 1 is delivered: it cannot be cancelled."


async def test_an_external_ref_is_kept_and_found(client, pos, make_customer):
    customer_id = await make_customer()
    r = await client.post(
        f"{API}/orders", json=order_body(customer_id, external_ref="CX-0001"), headers=pos.headers
    )
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["external_ref"] == "CX-0001"
    other = await client.post(f"{API}/orders", json=order_body(customer_id), headers=pos.headers)
    assert other.json()["external_ref"] is None

    found = await client.get(
        f"{API}/orders", params={"external_ref": "CX-0001"}, headers=pos.headers
    )
    assert [o["id"] for o in found.json()["items"]] == [order["id"]]
    found = await client.get(
        f"{API}/orders", params={"number": order["number"]}, headers=pos.headers
    )
    assert [o["id"] for o in found.json()["items"]] == [order["id"]]
    found = await client.get(
        f"{API}/orders", params={"number": other.json()["number"]}, headers=pos.headers
    )
    assert [o["id"] for o in found.json()["items"]] == [other.json()["id"]]
    none = await client.get(f"{API}/orders", params={"external_ref": "CX-9"}, headers=pos.headers)
    assert none.json()["items"] == []
    none = await client.get(f"{API}/orders", params={"number": 999}, headers=pos.headers)
    assert none.json()["items"] == []


async def test_a_reference_sent_twice_by_one_principal_is_a_409_naming_the_order(
    client, make_actor, clerk, make_customer, session
):
    till_a = await make_actor("pos-terminal", name="till-a")
    till_b = await make_actor("pos-terminal", name="till-b")
    customer_id = await make_customer()
    body = order_body(customer_id, external_ref="T 42/1")
    first = await client.post(f"{API}/orders", json=body, headers=till_a.headers)
    assert first.status_code == 201, first.text
    again = await client.post(f"{API}/orders", json=body, headers=till_a.headers)
    assert again.status_code == 409
    problem = again.json()
    assert problem["type"] == "external-ref-taken"
    assert problem["order_id"] == first.json()["id"]
    assert problem["number"] == first.json()["number"]
    assert problem["external_ref"] == "T 42/1"
    # Each principal (a terminal or a user) has its own references.
    for actor in (till_b, clerk):
        r = await client.post(f"{API}/orders", json=body, headers=actor.headers)
        assert r.status_code == 201, r.text
    both = await client.get(
        f"{API}/orders", params={"external_ref": "T 42/1"}, headers=clerk.headers
    )
    assert len(both.json()["items"]) == 3


@pytest.mark.parametrize("ref", ["", "x" * 65, "line\nbreak", "tab\there", "é-accent", "   "])
async def test_an_external_ref_is_1_to_64_printable_characters(client, pos, make_customer, ref):
    customer_id = await make_customer()
    r = await client.post(
        f"{API}/orders", json=order_body(customer_id, external_ref=ref), headers=pos.headers
    )
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "external_ref"


async def test_the_longest_external_ref_is_accepted(client, pos, make_customer):
    customer_id = await make_customer()
    ref = "A" + "~" * 62 + "z"
    r = await client.post(
        f"{API}/orders", json=order_body(customer_id, external_ref=ref), headers=pos.headers
    )
    assert r.status_code == 201, r.text
    assert r.json()["external_ref"] == ref


async def test_credit_refusals_name_the_customer_by_number_and_name(client, pos, make_customer):
    customer_id = await make_customer("Rita Campos", blocked=True, credit_limit=100_00)
    r = await client.post(
        f"{API}/orders",
        json=order_body(customer_id, payment_terms="credit"),
        headers=pos.headers,
    )
    assert r.status_code == 409
    problem = r.json()
    assert problem["type"] == "customer-blocked"
    assert problem["detail"] == "Customer 1 (Rita Campos) is blocked: no credit sales."
    assert problem["customer"] == {"id": customer_id, "number": 1, "name": "Rita Campos"}
    assert problem["available_credit"] == "0.00"


@pytest.mark.postgres
async def test_two_parallel_orders_with_one_reference_from_one_terminal_make_one_order(
    client, pos, make_customer
):
    customer_id = await make_customer()
    body = order_body(customer_id, external_ref="RACE-1")
    responses = await asyncio.gather(
        *(client.post(f"{API}/orders", json=body, headers=pos.headers) for _ in range(2))
    )
    assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
    loser = next(r for r in responses if r.status_code == 409).json()
    assert loser["type"] == "external-ref-taken"
