"""A CPF or CNPJ whose digits are all the same is invalid everywhere a tax id is taken: a
customer's tax id and a cheque issuer's (one rule, customers.schemas.repeats_one_digit)."""

from __future__ import annotations

import pytest

from tests.customers.helpers import BASE, create
from tests.payments.support import API, CHEQUE, cheque_count, make_customer

REPEATED = [
    "111.111.111-11",
    "00000000000",
    "99999999999",
    "00.000.000/0000-00",
    "22.222.222/2222-22",
]


@pytest.mark.parametrize("tax_id", REPEATED)
async def test_a_customer_tax_id_of_one_repeated_digit_is_422(client, manager, tax_id):
    r = await client.post(BASE, json={"name": "Same", "tax_id": tax_id}, headers=manager.headers)
    assert r.status_code == 422, r.text
    assert [e["field"] for e in r.json()["errors"]] == ["tax_id"]
    created = await create(client, manager, name="Other")
    r = await client.patch(
        f"{BASE}/{created['id']}", json={"tax_id": tax_id}, headers=manager.headers
    )
    assert r.status_code == 422, r.text


@pytest.mark.parametrize("tax_id", REPEATED)
async def test_a_cheque_issuer_tax_id_of_one_repeated_digit_is_422(client, clerk, session, tax_id):
    customer_id = await make_customer(session)
    cheque = {**CHEQUE, "issuer_tax_id": tax_id}
    r = await client.post(
        f"{API}/customers/{customer_id}/payments",
        json={"method": "CHEQUE", "amount": "10.00", "cheque": cheque},
        headers=clerk.headers,
    )
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "cheque.issuer_tax_id"
    r = await client.post(
        f"{API}/customers/{customer_id}/payments/cheque-batch",
        json={
            "due_date": "2026-04-10",
            "cheques": [{**cheque, "amount": "10.00"}],
        },
        headers=clerk.headers,
    )
    assert r.status_code == 422, r.text
    assert await cheque_count(session) == 0


async def test_a_cheque_issuer_with_a_real_tax_id_is_still_taken(client, clerk, session):
    customer_id = await make_customer(session)
    r = await client.post(
        f"{API}/customers/{customer_id}/payments",
        json={"method": "CHEQUE", "amount": "10.00", "cheque": CHEQUE},
        headers=clerk.headers,
    )
    assert r.status_code == 201, r.text
