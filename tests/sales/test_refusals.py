"""Every refusal of a sale leaves nothing behind: no order, payment, delivery, audit entry,
idempotency record or monthly total (every table is counted before and after)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sales.helpers import API, CHEQUE, row_counts, sale


async def refused(client, session, actor, body: dict[str, Any], status: int) -> dict[str, Any]:
    """Post the sale with an Idempotency-Key; it must be refused with ``status`` and change
    no table."""
    before = await row_counts(session)
    headers = {**actor.headers, "Idempotency-Key": f"refused-{id(body)}"}
    r = await client.post(f"{API}/sales", json=body, headers=headers)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert await row_counts(session) == before
    return dict(r.json())


async def test_payments_plus_on_credit_not_equal_to_the_total_is_a_422_naming_total(
    client, pos, make_customer, session
):
    customer_id = await make_customer(credit_limit=1000_00)
    body = sale(
        customer_id, "100.00", payments=[{"method": "CASH", "amount": "60.00"}], on_credit="30.00"
    )
    problem = await refused(client, session, pos, body, 422)
    assert [e["field"] for e in problem["errors"]] == ["total"]


async def test_credit_beyond_the_limit_is_refused_with_the_available_credit(
    client, pos, make_customer, session, ledger_consistent
):
    customer_id = await make_customer(credit_limit=100_00)
    debt = sale(customer_id, "30.00", payments=[], on_credit="30.00")
    r = await client.post(f"{API}/sales", json=debt, headers=pos.headers)
    assert r.status_code == 201, r.text
    body = sale(
        customer_id, "200.00", payments=[{"method": "CASH", "amount": "129.99"}], on_credit="70.01"
    )
    problem = await refused(client, session, pos, body, 409)
    assert problem["type"] == "credit-limit-exceeded"
    assert problem["available_credit"] == "70.00"
    assert problem["requested"] == "70.01"
    # Named by number and name, never by the internal id alone.
    assert "Maria Souza" in problem["detail"]
    assert problem["customer"]["name"] == "Maria Souza"
    # Exactly the available credit is accepted (the payment is what the customer pays).
    body = sale(
        customer_id, "200.00", payments=[{"method": "CASH", "amount": "130.00"}], on_credit="70.00"
    )
    r = await client.post(f"{API}/sales", json=body, headers=pos.headers)
    assert r.status_code == 201, r.text
    assert r.json()["customer"]["available_credit"] == "0.00"
    await ledger_consistent()


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"blocked": True, "credit_limit": 1000_00}, "customer-blocked"),
        ({"active": False, "credit_limit": 1000_00}, "customer-inactive"),
        ({"credit_limit": None}, "no-credit"),
        ({"credit_limit": 0}, "no-credit"),
    ],
)
async def test_credit_refusals_leave_nothing_behind(
    client, pos, make_customer, session, fields, reason
):
    customer_id = await make_customer(**fields)
    body = sale(customer_id, "50.00", payments=[], on_credit="50.00")
    problem = await refused(client, session, pos, body, 409)
    assert problem["type"] == reason
    assert problem["available_credit"] == "0.00"
    assert str(customer_id) not in problem["detail"].replace("50.00", "")


async def test_an_inactive_customer_cannot_buy_even_for_cash(client, pos, make_customer, session):
    customer_id = await make_customer(active=False)
    problem = await refused(client, session, pos, sale(customer_id, "10.00"), 409)
    assert problem["type"] == "customer-inactive"


async def test_the_quick_sale_customer_buys_for_cash_only(client, pos, quick_sale_id, session):
    body = sale(None, "50.00", payments=[{"method": "CASH", "amount": "20.00"}], on_credit="30.00")
    problem = await refused(client, session, pos, body, 409)
    assert problem["type"] == "no-credit"


async def test_a_cheque_already_recorded_is_refused_naming_its_payment(
    client, pos, make_customer, session, ledger_consistent
):
    first = await make_customer("Ana Lima")
    second = await make_customer("Bruno Reis")
    cheque_sale = sale(
        first, "90.00", payments=[{"method": "CHEQUE", "amount": "90.00", "cheque": CHEQUE}]
    )
    r = await client.post(f"{API}/sales", json=cheque_sale, headers=pos.headers)
    assert r.status_code == 201, r.text
    payment_id = r.json()["payments"][0]["id"]
    # The same paper cheque, written a little differently, on another customer.
    same = {**CHEQUE, "bank": "1", "account": "567890", "cheque_number": "101"}
    body = sale(second, "90.00", payments=[{"method": "CHEQUE", "amount": "90.00", "cheque": same}])
    problem = await refused(client, session, pos, body, 409)
    assert problem["type"] == "cheque-duplicate"
    assert problem["payment_id"] == payment_id
    assert problem["customer"]["name"] == "Ana Lima"
    assert problem["errors"][0]["field"] == "payments.0.cheque.cheque_number"
    await ledger_consistent()


async def test_the_same_cheque_twice_in_one_sale_is_a_422_pointing_at_the_row(
    client, pos, make_customer, session
):
    customer_id = await make_customer()
    body = sale(
        customer_id,
        "100.00",
        payments=[
            {"method": "CHEQUE", "amount": "50.00", "cheque": CHEQUE},
            {"method": "CHEQUE", "amount": "50.00", "cheque": CHEQUE},
        ],
    )
    problem = await refused(client, session, pos, body, 422)
    assert problem["errors"][0]["field"] == "payments.1.cheque.cheque_number"


@pytest.mark.parametrize(
    ("payment", "field"),
    [
        ({"method": "CHEQUE", "amount": "10.00"}, "payments.0.cheque"),
        ({"method": "CASH", "amount": "10.00", "cheque": CHEQUE}, "payments.0.cheque"),
    ],
)
async def test_a_cheque_goes_with_the_cheque_method_only(
    client, pos, make_customer, session, payment, field
):
    customer_id = await make_customer()
    problem = await refused(
        client, session, pos, sale(customer_id, "10.00", payments=[payment]), 422
    )
    assert problem["errors"][0]["field"] == field


async def test_a_cheque_with_a_bad_issuer_tax_id_is_refused(client, pos, make_customer, session):
    customer_id = await make_customer()
    cheque = {**CHEQUE, "issuer_tax_id": "123"}
    body = sale(
        customer_id, "10.00", payments=[{"method": "CHEQUE", "amount": "10.00", "cheque": cheque}]
    )
    problem = await refused(client, session, pos, body, 422)
    assert problem["errors"][0]["field"] == "payments.0.cheque.issuer_tax_id"


@pytest.mark.parametrize(
    "fields",
    [
        {"delivery": "now", "delivered_amount": "5.00"},
        {"delivery": "partial", "delivered_amount": "10.01"},
        {"delivery": "later"},
        {"on_credit": "-1.00"},
        {"external_ref": "x" * 65},
        {"external_ref": "bad\u0007ref"},
        {"external_ref": "   "},
        {"external_ref": "tab\there"},
    ],
)
async def test_invalid_sales_are_422(client, pos, make_customer, session, fields):
    customer_id = await make_customer()
    await refused(client, session, pos, sale(customer_id, "10.00", **fields), 422)


async def test_a_sale_of_nothing_is_a_422(client, pos, make_customer, session):
    customer_id = await make_customer()
    body = {"customer_id": customer_id, "total": "0.00", "delivery": "now", "payments": []}
    problem = await refused(client, session, pos, body, 422)
    assert problem["errors"][0]["field"] == "total"


async def test_an_unknown_customer_is_a_404_as_on_the_order_post(client, pos, session):
    problem = await refused(client, session, pos, sale(99999, "10.00"), 404)
    assert problem["type"] == "customer-not-found"


async def test_an_external_ref_already_used_by_this_terminal_is_a_409_naming_the_order(
    client, make_actor, make_customer, session
):
    till_a = await make_actor("pos-terminal", name="till-a")
    till_b = await make_actor("pos-terminal", name="till-b")
    customer_id = await make_customer()
    first = await client.post(
        f"{API}/sales", json=sale(customer_id, "10.00", external_ref="T-1"), headers=till_a.headers
    )
    assert first.status_code == 201, first.text
    order = first.json()["order"]
    assert order["external_ref"] == "T-1"
    problem = await refused(
        client, session, till_a, sale(customer_id, "12.00", external_ref="T-1"), 409
    )
    assert problem["type"] == "external-ref-taken"
    assert (problem["order_id"], problem["number"]) == (order["id"], order["number"])
    # Another terminal's numbering is its own.
    other = await client.post(
        f"{API}/sales", json=sale(customer_id, "12.00", external_ref="T-1"), headers=till_b.headers
    )
    assert other.status_code == 201, other.text


async def test_a_balance_in_the_customers_favour_counts_before_its_credit(
    client, pos, owner, make_customer, add_payment, session, ledger_consistent
):
    # Limit 100.00 and 50.00 paid in advance: a sale of 200.00 paying 50.00 at the counter
    # leaves 100.00 owed once delivered, exactly the limit; one cent more is refused.
    customer_id = await make_customer(credit_limit=100_00)
    await add_payment(customer_id, owner.id, 50_00)
    over = sale(
        customer_id, "200.01", payments=[{"method": "CASH", "amount": "50.00"}], on_credit="150.01"
    )
    problem = await refused(client, session, pos, over, 409)
    assert problem["type"] == "credit-limit-exceeded"
    assert problem["requested"] == "100.01"
    body = sale(
        customer_id, "200.00", payments=[{"method": "CASH", "amount": "50.00"}], on_credit="150.00"
    )
    r = await client.post(f"{API}/sales", json=body, headers=pos.headers)
    assert r.status_code == 201, r.text
    assert r.json()["customer"]["balance"] == "-100.00"
    assert r.json()["customer"]["available_credit"] == "0.00"
    await ledger_consistent()
