"""Retried payment posts: the same Idempotency-Key never records a second payment."""

from __future__ import annotations

import asyncio

import pytest

from tests.payments.support import API, TODAY, make_customer, payment_count, stored_balance


def url(customer_id: int) -> str:
    return f"{API}/customers/{customer_id}/payments"


BODY = {"method": "PIX", "amount": "250.00", "received_on": TODAY.isoformat()}


async def test_a_replay_returns_the_first_response_without_a_second_payment(
    client, pos, session, ledger_consistent
):
    customer_id = await make_customer(session)
    headers = pos.headers | {"Idempotency-Key": "4f8e-retry-1"}
    first = await client.post(url(customer_id), json=BODY, headers=headers)
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    again = await client.post(url(customer_id), json=BODY, headers=headers)
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert await payment_count(session) == 1
    assert await stored_balance(session, customer_id) == 25000
    await ledger_consistent()


async def test_the_same_key_with_another_body_is_refused(client, pos, session):
    customer_id = await make_customer(session)
    headers = pos.headers | {"Idempotency-Key": "4f8e-retry-2"}
    assert (await client.post(url(customer_id), json=BODY, headers=headers)).status_code == 201
    r = await client.post(url(customer_id), json={**BODY, "amount": "251.00"}, headers=headers)
    assert r.status_code == 422
    assert r.json()["type"] == "idempotency-key-reused"
    assert await payment_count(session) == 1


async def test_keys_belong_to_their_principal(client, pos, make_actor, session):
    other = await make_actor("pos-terminal", name="pos-2")
    customer_id = await make_customer(session)
    for actor in (pos, other):
        headers = actor.headers | {"Idempotency-Key": "shared-key"}
        r = await client.post(url(customer_id), json=BODY, headers=headers)
        assert r.status_code == 201
        assert "idempotent-replayed" not in r.headers
    assert await payment_count(session) == 2


async def test_a_refused_request_releases_its_key(client, clerk, session):
    customer_id = await make_customer(session)
    headers = clerk.headers | {"Idempotency-Key": "backdated-then-fixed"}
    backdated = {**BODY, "received_on": "2026-03-01"}
    assert (await client.post(url(customer_id), json=backdated, headers=headers)).status_code == 403
    # The refusal is not stored: the same key with the same body is judged again.
    assert (await client.post(url(customer_id), json=backdated, headers=headers)).status_code == 403
    assert await payment_count(session) == 0


@pytest.mark.postgres
async def test_parallel_duplicate_posts_create_exactly_one_payment(
    client, pos, session, ledger_consistent
):
    customer_id = await make_customer(session)
    headers = pos.headers | {"Idempotency-Key": "flaky-network-1"}
    responses = await asyncio.gather(
        *(client.post(url(customer_id), json=BODY, headers=headers) for _ in range(10))
    )
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}, [r.text for r in responses]
    created = [r for r in responses if r.status_code == 201]
    assert created
    originals = [r for r in created if "idempotent-replayed" not in r.headers]
    assert len(originals) == 1
    assert {r.json()["id"] for r in created} == {originals[0].json()["id"]}
    for r in responses:
        if r.status_code == 409:
            assert r.json()["type"] == "idempotency-key-in-flight"
    assert await payment_count(session, customer_id) == 1
    assert await stored_balance(session, customer_id) == 25000
    # A retry after the dust settles gets the stored response.
    again = await client.post(url(customer_id), json=BODY, headers=headers)
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == originals[0].json()["id"]
    await ledger_consistent()
