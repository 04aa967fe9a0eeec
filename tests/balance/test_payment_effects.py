"""Balance = Σ received payments − Σ deliveries, kept on the customer row by every payment
create, edit and delete (DESIGN "Balance"); invoicing fields cleared when out of debt."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from custledger.balance.models import MonthlyTotal
from tests.payments.support import (
    API,
    TODAY,
    audit_entries,
    customer_row,
    deliver,
    make_customer,
    paid,
    stored_balance,
)


async def patch(client, actor, payment_id, **fields):
    r = await client.patch(f"{API}/payments/{payment_id}", json=fields, headers=actor.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def monthly(session, customer_id) -> dict[date, tuple[int, int]]:
    await session.rollback()
    rows = await session.scalars(
        select(MonthlyTotal).where(MonthlyTotal.customer_id == customer_id)
    )
    return {t.month: (t.received, t.delivered) for t in rows if t.received or t.delivered}


async def test_pending_payments_do_not_move_the_balance(client, clerk, session, ledger_consistent):
    customer_id = await make_customer(session)
    await paid(client, clerk, customer_id, method="BOLETO", amount="500.00")
    assert await stored_balance(session, customer_id) == 0
    assert await monthly(session, customer_id) == {}
    await ledger_consistent()


async def test_received_payments_raise_the_balance_in_their_month(
    client, owner, session, ledger_consistent
):
    customer_id = await make_customer(session)
    await paid(client, owner, customer_id, amount="100.00", received_on="2026-03-10")
    await paid(client, owner, customer_id, amount="40.50", received_on="2026-02-27")
    assert await stored_balance(session, customer_id) == 14050
    assert await monthly(session, customer_id) == {
        date(2026, 3, 1): (10000, 0),
        date(2026, 2, 1): (4050, 0),
    }
    await ledger_consistent()


async def test_editing_the_amount_of_a_received_payment_moves_the_difference(
    client, clerk, session, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await paid(client, clerk, customer_id, amount="100.00", received_on="2026-03-10")
    await patch(client, clerk, payment["id"], amount="130.00")
    assert await stored_balance(session, customer_id) == 13000
    await patch(client, clerk, payment["id"], amount="20.00")
    assert await stored_balance(session, customer_id) == 2000
    await ledger_consistent()


async def test_setting_and_clearing_the_received_date_moves_and_restores_the_balance(
    client, clerk, session, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await paid(client, clerk, customer_id, method="BOLETO", amount="75.00")
    await patch(client, clerk, payment["id"], received_on=TODAY.isoformat())
    assert await stored_balance(session, customer_id) == 7500
    await ledger_consistent()
    await patch(client, clerk, payment["id"], received_on=None)
    assert await stored_balance(session, customer_id) == 0
    assert await monthly(session, customer_id) == {}
    await ledger_consistent()


async def test_moving_a_receipt_to_another_month_moves_its_monthly_total(
    client, manager, session, ledger_consistent
):
    customer_id = await make_customer(session)
    payment = await paid(client, manager, customer_id, amount="60.00", received_on="2026-03-02")
    await patch(client, manager, payment["id"], received_on="2026-01-31", amount="61.00")
    assert await stored_balance(session, customer_id) == 6100
    assert await monthly(session, customer_id) == {date(2026, 1, 1): (6100, 0)}
    await ledger_consistent()


async def test_deleting_a_received_payment_undoes_it_and_a_pending_one_moves_nothing(
    client, clerk, session, ledger_consistent
):
    customer_id = await make_customer(session)
    received = await paid(client, clerk, customer_id, amount="90.00", received_on="2026-03-10")
    pending = await paid(client, clerk, customer_id, method="BOLETO", amount="10.00")
    r = await client.delete(f"{API}/payments/{pending['id']}", headers=clerk.headers)
    assert r.status_code == 204
    assert await stored_balance(session, customer_id) == 9000
    r = await client.delete(f"{API}/payments/{received['id']}", headers=clerk.headers)
    assert r.status_code == 204
    assert await stored_balance(session, customer_id) == 0
    await ledger_consistent()


async def test_a_payment_that_settles_the_debt_clears_invoicing_and_audits_it(
    client, clerk, owner, session, ledger_consistent
):
    customer_id = await make_customer(
        session,
        next_invoice_date=date(2026, 3, 20),
        billing_instructions="Invoice on the 20th, send to finance@example.com",
    )
    await deliver(session, customer_id, 30000, date(2026, 3, 1), created_by=owner.id)
    # A partial payment leaves the customer in debt: nothing is cleared.
    await paid(client, clerk, customer_id, amount="100.00", received_on=TODAY.isoformat())
    customer = await customer_row(session, customer_id)
    assert customer.balance == -20000
    assert customer.next_invoice_date == date(2026, 3, 20)
    assert await audit_entries(session, "customer.invoicing_cleared") == []
    # The payment that brings the balance to zero clears both fields.
    await paid(client, clerk, customer_id, amount="200.00", received_on=TODAY.isoformat())
    customer = await customer_row(session, customer_id)
    assert customer.balance == 0
    assert customer.next_invoice_date is None
    assert customer.billing_instructions is None
    [entry] = await audit_entries(session, "customer.invoicing_cleared")
    assert entry.principal_id is None  # a system change
    assert entry.entity_type == "customer"
    assert entry.entity_id == customer_id
    assert entry.changes["before"]["next_invoice_date"] == "2026-03-20"
    assert entry.changes["after"] == {"next_invoice_date": None, "billing_instructions": None}
    await ledger_consistent()


async def test_an_edit_that_settles_the_debt_clears_invoicing_too(
    client, clerk, owner, session, ledger_consistent
):
    customer_id = await make_customer(
        session, next_invoice_date=date(2026, 4, 1), billing_instructions="monthly"
    )
    await deliver(session, customer_id, 5000, date(2026, 3, 5), created_by=owner.id)
    payment = await paid(client, clerk, customer_id, method="BOLETO", amount="50.00")
    assert (await customer_row(session, customer_id)).next_invoice_date == date(2026, 4, 1)
    await patch(client, clerk, payment["id"], received_on=TODAY.isoformat())
    customer = await customer_row(session, customer_id)
    assert customer.balance == 0
    assert customer.next_invoice_date is None
    assert customer.billing_instructions is None
    assert len(await audit_entries(session, "customer.invoicing_cleared")) == 1
    await ledger_consistent()


async def test_a_pending_payment_does_not_clear_invoicing(client, clerk, owner, session):
    customer_id = await make_customer(
        session, next_invoice_date=date(2026, 4, 1), billing_instructions="monthly"
    )
    await deliver(session, customer_id, 5000, date(2026, 3, 5), created_by=owner.id)
    await paid(client, clerk, customer_id, method="BOLETO", amount="50.00")
    customer = await customer_row(session, customer_id)
    assert customer.balance == -5000
    assert customer.next_invoice_date == date(2026, 4, 1)
