"""One paper cheque is recorded once: the same bank, branch, account and cheque number (read
past punctuation and leading zeros) on any customer is a 409 ``cheque-duplicate`` naming the
payment that holds it, on the single post, the batch and an edit."""

from __future__ import annotations

import asyncio

import pytest

from tests.payments.support import (
    API,
    CHEQUE,
    TODAY,
    cheque_count,
    make_customer,
    paid,
    pay,
    payment_count,
)

# The same cheque as CHEQUE, written another way.
SAME_CHEQUE = {
    **CHEQUE,
    "bank": "1",
    "branch": "01234",
    "account": "567890",
    "cheque_number": "101",
}


def batch_url(customer_id: int) -> str:
    return f"{API}/customers/{customer_id}/payments/cheque-batch"


async def test_a_cheque_already_recorded_is_refused_naming_the_payment_and_its_customer(
    client, clerk, session, ledger_consistent
):
    first = await make_customer(session, "Ana Souza")
    second = await make_customer(session, "Bruno Lima")
    recorded = await paid(client, clerk, first, method="CHEQUE", cheque=CHEQUE)
    r = await pay(client, clerk, second, method="CHEQUE", cheque=SAME_CHEQUE)
    assert r.status_code == 409, r.text
    problem = r.json()
    assert problem["type"] == "cheque-duplicate"
    assert problem["payment_id"] == recorded["id"]
    assert problem["customer"] == {"number": 1, "name": "Ana Souza"}
    assert "Ana Souza" in problem["detail"]
    assert problem["errors"][0]["field"] == "cheque.cheque_number"
    assert await payment_count(session) == 1
    await ledger_consistent()


async def test_another_cheque_number_of_the_same_account_is_accepted(client, clerk, session):
    customer_id = await make_customer(session)
    await paid(client, clerk, customer_id, method="CHEQUE", cheque=CHEQUE)
    await paid(
        client, clerk, customer_id, method="CHEQUE", cheque={**CHEQUE, "cheque_number": "102"}
    )
    await paid(client, clerk, customer_id, method="CHEQUE", cheque={**CHEQUE, "bank": "341"})
    assert await cheque_count(session) == 3


async def test_a_deleted_payment_frees_its_cheque(client, owner, session):
    customer_id = await make_customer(session)
    recorded = await paid(client, owner, customer_id, method="CHEQUE", cheque=CHEQUE)
    r = await client.delete(f"{API}/payments/{recorded['id']}", headers=owner.headers)
    assert r.status_code == 204, r.text
    await paid(client, owner, customer_id, method="CHEQUE", cheque=SAME_CHEQUE)


async def test_a_batch_holding_a_recorded_cheque_saves_nothing(client, clerk, session):
    customer_id = await make_customer(session)
    recorded = await paid(client, clerk, customer_id, method="CHEQUE", cheque=CHEQUE)
    body = {
        "cheques": [
            {**CHEQUE, "cheque_number": "555", "amount": "10.00"},
            {**SAME_CHEQUE, "amount": "20.00"},
        ]
    }
    r = await client.post(batch_url(customer_id), json=body, headers=clerk.headers)
    assert r.status_code == 409, r.text
    assert r.json()["type"] == "cheque-duplicate"
    assert r.json()["payment_id"] == recorded["id"]
    assert r.json()["errors"][0]["field"] == "cheques.1.cheque_number"
    assert await payment_count(session) == 1


async def test_the_same_cheque_twice_in_one_batch_is_a_422_pointing_at_the_second(
    client, clerk, session
):
    customer_id = await make_customer(session)
    body = {
        "cheques": [
            {**CHEQUE, "amount": "10.00"},
            {**CHEQUE, "cheque_number": "777", "amount": "10.00"},
            {**SAME_CHEQUE, "amount": "20.00"},
        ]
    }
    r = await client.post(batch_url(customer_id), json=body, headers=clerk.headers)
    assert r.status_code == 422, r.text
    assert r.json()["errors"] == [
        {
            "field": "cheques.2.cheque_number",
            "location": "body",
            "message": "the same cheque as cheques.0",
        }
    ]
    assert await payment_count(session) == 0


async def test_editing_a_cheque_into_one_already_recorded_is_refused(client, clerk, session):
    customer_id = await make_customer(session)
    recorded = await paid(client, clerk, customer_id, method="CHEQUE", cheque=CHEQUE)
    other = await paid(
        client, clerk, customer_id, method="CHEQUE", cheque={**CHEQUE, "cheque_number": "200"}
    )
    r = await client.patch(
        f"{API}/payments/{other['id']}", json={"cheque": {"cheque_number": "0101"}},
        headers=clerk.headers,
    )  # fmt: skip
    assert r.status_code == 409, r.text
    assert r.json()["payment_id"] == recorded["id"]
    # Editing anything else of a cheque payment, or its own cheque, is not a duplicate.
    r = await client.patch(
        f"{API}/payments/{recorded['id']}", json={"details": "counted twice"},
        headers=clerk.headers,
    )  # fmt: skip
    assert r.status_code == 200, r.text
    r = await client.patch(
        f"{API}/payments/{other['id']}", json={"cheque": {"cheque_number": "201"}},
        headers=clerk.headers,
    )  # fmt: skip
    assert r.status_code == 200, r.text
    # Its old number is free again.
    await paid(
        client, clerk, customer_id, method="CHEQUE", cheque={**CHEQUE, "cheque_number": "200"}
    )


@pytest.mark.postgres
async def test_two_parallel_posts_of_the_same_cheque_record_it_once(
    client, make_actor, session, ledger_consistent
):
    tills = [await make_actor("pos-terminal", name=f"till-{n}") for n in range(2)]
    first = await make_customer(session, "Ana Souza")
    second = await make_customer(session, "Bruno Lima")
    responses = await asyncio.gather(
        pay(client, tills[0], first, method="CHEQUE", cheque=CHEQUE, received_on=TODAY.isoformat()),
        pay(client, tills[1], second, method="CHEQUE", cheque=SAME_CHEQUE),
    )
    assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
    winner = next(r for r in responses if r.status_code == 201).json()
    loser = next(r for r in responses if r.status_code == 409).json()
    assert loser["type"] == "cheque-duplicate"
    assert loser["payment_id"] == winner["id"]
    assert await cheque_count(session) == 1
    await ledger_consistent()
