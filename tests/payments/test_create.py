"""Recording one payment: fields, defaults, cheques, refusals, balance and audit."""

from __future__ import annotations

import pytest

from tests.payments.support import (
    API,
    CHEQUE,
    HELD,
    TODAY,
    audit_entries,
    cheque_count,
    make_customer,
    paid,
    pay,
    payment_count,
    quick_sale_customer_id,
    stored_balance,
)


async def test_received_payment_is_recorded_with_recorder_and_raises_balance(
    client, clerk, session, noon, ledger_consistent
):
    customer_id = await make_customer(session)
    r = await pay(
        client,
        clerk,
        customer_id,
        method="PIX",
        amount="1250.50",
        received_on=TODAY.isoformat(),
        order_number=4711,
        details="pix from the son",
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["location"] == f"/api/v1/payments/{body['id']}"
    assert body["customer_id"] == customer_id
    assert body["recorded_by"] == {"id": clerk.id, "name": clerk.name}
    assert body["method"] == "PIX"
    assert body["amount"] == "1250.50"
    assert body["received_on"] == "2026-03-10"
    assert body["due_date"] == "2026-03-10"  # defaults to the received date
    assert body["order_number"] == 4711
    assert body["details"] == "pix from the son"
    assert body["cheque"] is None
    assert body["version"] == 1
    assert await stored_balance(session, customer_id) == 125050
    await ledger_consistent()


async def test_pending_payment_defaults_due_date_to_today_and_moves_no_balance(
    client, clerk, session, noon, ledger_consistent
):
    customer_id = await make_customer(session)
    body = await paid(client, clerk, customer_id, method="BOLETO", amount="80.00")
    assert body["received_on"] is None
    assert body["due_date"] == TODAY.isoformat()
    assert await stored_balance(session, customer_id) == 0
    await ledger_consistent()


async def test_explicit_due_date_is_kept(client, clerk, session, noon):
    customer_id = await make_customer(session)
    body = await paid(client, clerk, customer_id, method="BOLETO", due_date="2026-04-30")
    assert body["due_date"] == "2026-04-30"


async def test_cheque_payment_carries_its_cheque_with_digits_only_tax_id(
    client, clerk, session, noon
):
    customer_id = await make_customer(session)
    body = await paid(client, clerk, customer_id, method="CHEQUE", cheque=CHEQUE)
    assert body["cheque"] == {**CHEQUE, "issuer_tax_id": "12345678909", **HELD}
    r = await client.get(f"{API}/payments/{body['id']}", headers=clerk.headers)
    assert r.json()["cheque"]["cheque_number"] == "000101"


async def test_cheque_method_without_a_cheque_is_refused_naming_cheque(
    client, clerk, session, noon
):
    customer_id = await make_customer(session)
    r = await pay(client, clerk, customer_id, method="CHEQUE")
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["cheque"]
    assert await payment_count(session) == 0


async def test_non_cheque_method_with_a_cheque_is_refused_naming_cheque(
    client, clerk, session, noon
):
    customer_id = await make_customer(session)
    r = await pay(client, clerk, customer_id, method="CASH", cheque=CHEQUE)
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["cheque"]
    assert await payment_count(session) == 0
    assert await cheque_count(session) == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("issuer_tax_id", "1234"),
        ("bank", ""),
        ("bank", "12345678901"),
        ("predated_to", "not-a-date"),
        ("cheque_number", None),
    ],
)
async def test_an_invalid_cheque_field_is_named(client, clerk, session, noon, field, value):
    customer_id = await make_customer(session)
    r = await pay(client, clerk, customer_id, method="CHEQUE", cheque={**CHEQUE, field: value})
    assert r.status_code == 422
    assert f"cheque.{field}" in [e["field"] for e in r.json()["errors"]]
    assert await payment_count(session) == 0


@pytest.mark.parametrize("amount", ["0", "0.00", "-5.00", "10.005", "1e3", 12.5, "abc", None])
async def test_amount_must_be_a_positive_two_place_decimal(client, clerk, session, amount):
    customer_id = await make_customer(session)
    r = await pay(client, clerk, customer_id, amount=amount)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "amount" in [e["field"] for e in r.json()["errors"]]
    assert await payment_count(session) == 0


@pytest.mark.parametrize(
    "extra",
    [
        {"method": "DINHEIRO"},
        {"customer_id": 99},
        {"recorded_by": 1},
        {"order_number": 0},
        {"details": "bad\x00text"},
    ],
)
async def test_bad_or_read_only_fields_are_refused(client, clerk, session, extra):
    customer_id = await make_customer(session)
    r = await pay(client, clerk, customer_id, **extra)
    assert r.status_code == 422, r.text
    assert await payment_count(session) == 0


async def test_payment_on_a_missing_customer_is_404(client, clerk, noon):
    r = await pay(client, clerk, 999_999)
    assert r.status_code == 404
    assert r.json()["type"] == "customer-not-found"


async def test_payment_on_the_quick_sale_customer_is_refused(client, owner, session, noon):
    r = await pay(client, owner, await quick_sale_customer_id(session))
    assert r.status_code == 409
    assert r.json()["type"] == "quick-sale-customer"
    assert await payment_count(session) == 0


async def test_recording_a_payment_needs_a_token(client, session):
    customer_id = await make_customer(session)
    r = await client.post(
        f"{API}/customers/{customer_id}/payments", json={"method": "CASH", "amount": "1.00"}
    )
    assert r.status_code == 401
    assert await payment_count(session) == 0


async def test_recording_a_payment_needs_payments_write(client, make_actor, session, noon):
    reader = await make_actor("clerk", permissions=["customers:read", "payments:read"])
    customer_id = await make_customer(session)
    r = await pay(client, reader, customer_id)
    assert r.status_code == 403
    assert await payment_count(session) == 0
    r = await client.get(f"{API}/customers/{customer_id}/payments", headers=reader.headers)
    assert r.status_code == 200


async def test_creation_is_audited_with_the_whole_payment(client, clerk, session, noon):
    customer_id = await make_customer(session)
    body = await paid(
        client, clerk, customer_id, method="CHEQUE", cheque=CHEQUE, received_on="2026-03-10"
    )
    [entry] = await audit_entries(session, "payment.create")
    assert entry.principal_id == clerk.id
    assert entry.entity_type == "payment"
    assert entry.entity_id == body["id"]
    assert entry.customer_id == customer_id
    after = entry.changes["after"]
    assert after["amount"] == "100.00"
    assert after["received_on"] == "2026-03-10"
    assert after["cheque"]["issuer_tax_id"] == "12345678909"
