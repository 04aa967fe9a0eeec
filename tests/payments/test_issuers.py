"""Issuer auto-fill: the details of the most recent cheque with a CPF/CNPJ."""

from __future__ import annotations

from tests.payments.support import API, CHEQUE, make_customer, paid


async def test_auto_fill_returns_the_most_recent_cheque_of_that_tax_id(client, clerk, pos, session):
    first_customer = await make_customer(session)
    second_customer = await make_customer(session, "Bruno Lima")
    await paid(client, clerk, first_customer, method="CHEQUE", cheque=CHEQUE)
    newer = {
        **CHEQUE,
        "issuer_name": "Maria S. Costa",
        "bank": "341",
        "branch": "9",
        "account": "7",
    }
    await paid(client, clerk, second_customer, method="CHEQUE", cheque=newer)
    other = {
        **CHEQUE,
        "issuer_tax_id": "11.222.333/0001-81",
        "issuer_name": "Loja Ltda",
        "account": "99887-1",  # another issuer's cheque comes from another account
    }
    await paid(client, clerk, first_customer, method="CHEQUE", cheque=other)

    r = await client.get(f"{API}/cheque-issuers/12345678909", headers=pos.headers)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "issuer_tax_id": "12345678909",
        "issuer_name": "Maria S. Costa",
        "bank": "341",
        "branch": "9",
        "account": "7",
    }
    r = await client.get(f"{API}/cheque-issuers/11222333000181", headers=clerk.headers)
    assert r.json()["issuer_name"] == "Loja Ltda"


async def test_auto_fill_ignores_punctuation_in_the_tax_id(client, clerk, session):
    customer_id = await make_customer(session)
    await paid(client, clerk, customer_id, method="CHEQUE", cheque=CHEQUE)
    r = await client.get(f"{API}/cheque-issuers/123.456.789-09", headers=clerk.headers)
    assert r.status_code == 200
    assert r.json()["issuer_name"] == "Maria da Silva"


async def test_auto_fill_of_an_unknown_tax_id_is_404(client, clerk, session):
    customer_id = await make_customer(session)
    await paid(client, clerk, customer_id, method="CHEQUE", cheque=CHEQUE)
    for tax_id in ("98765432100", "abc"):
        r = await client.get(f"{API}/cheque-issuers/{tax_id}", headers=clerk.headers)
        assert r.status_code == 404
        assert r.json()["type"] == "cheque-issuer-not-found"


async def test_auto_fill_needs_payments_read(client, make_actor):
    nobody = await make_actor("clerk", permissions=["customers:read"])
    r = await client.get(f"{API}/cheque-issuers/12345678909", headers=nobody.headers)
    assert r.status_code == 403
    assert (await client.get(f"{API}/cheque-issuers/12345678909")).status_code == 401
