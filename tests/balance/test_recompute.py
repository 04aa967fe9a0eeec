"""`custledger recompute-balances [--fix]`: reports stored balances that differ from the
entries, exits 1 when any does, and repairs them with --fix."""

from __future__ import annotations

import asyncio
from datetime import date

from sqlalchemy import text
from typer.testing import CliRunner

from custledger.cli import app
from tests.payments.support import CHEQUE, TODAY, make_customer, paid, stepped, stored_balance


def run(*args: str):
    return CliRunner().invoke(app, ["recompute-balances", *args])


async def recompute(*args: str):
    # The command calls asyncio.run, which cannot nest in the test's running loop.
    return await asyncio.to_thread(run, *args)


async def test_consistent_ledger_reports_nothing_and_exits_0(client, clerk, session):
    customer_id = await make_customer(session)
    await paid(client, clerk, customer_id, amount="10.00", received_on=TODAY.isoformat())
    result = await recompute()
    assert result.exit_code == 0, result.output
    assert "every stored balance equals" in result.output


async def test_a_corrupted_balance_is_reported_with_exit_1_and_repaired_by_fix(
    client, clerk, session, ledger_consistent
):
    healthy = await make_customer(session, "Healthy")
    corrupted = await make_customer(session, "Corrupted")
    await paid(client, clerk, healthy, amount="10.00", received_on=TODAY.isoformat())
    await paid(client, clerk, corrupted, amount="25.00", received_on=TODAY.isoformat())
    await session.rollback()
    await session.execute(
        text("UPDATE customers SET balance = 999 WHERE id = :id"), {"id": corrupted}
    )
    await session.commit()

    result = await recompute()
    assert result.exit_code == 1, result.output
    assert f"customer {corrupted}: stored 9.99, derived 25.00" in result.output
    assert f"customer {healthy}:" not in result.output
    assert await stored_balance(session, corrupted) == 999  # a report changes nothing

    result = await recompute("--fix")
    assert result.exit_code == 0, result.output
    assert f"customer {corrupted}:" in result.output
    assert "(fixed)" in result.output
    assert await stored_balance(session, corrupted) == 2500
    assert await stored_balance(session, healthy) == 1000

    result = await recompute()
    assert result.exit_code == 0, result.output
    await ledger_consistent()


async def test_a_returned_cheque_counts_as_a_debit_in_the_derived_balance(
    client, manager, session, ledger_consistent
):
    """Derived = received − delivered − returned cheques: a consistent ledger with a returned
    cheque reports nothing; a balance that forgot the return is found and repaired, with the
    month's returned total rebuilt."""
    customer_id = await make_customer(session)
    payment = await paid(
        client,
        manager,
        customer_id,
        method="CHEQUE",
        amount="40.00",
        received_on="2026-02-20",
        cheque={**CHEQUE, "predated_to": "2026-02-20"},
    )
    await stepped(client, manager, payment["id"], "deposit", on=date(2026, 2, 21))
    await stepped(client, manager, payment["id"], "return", on=date(2026, 3, 3))
    assert await stored_balance(session, customer_id) == 0
    result = await recompute()
    assert result.exit_code == 0, result.output

    await session.rollback()
    await session.execute(
        text("UPDATE customers SET balance = 4000 WHERE id = :id"), {"id": customer_id}
    )
    await session.execute(
        text("UPDATE monthly_totals SET returned = 0 WHERE customer_id = :id"), {"id": customer_id}
    )
    await session.commit()
    result = await recompute()
    assert result.exit_code == 1, result.output
    assert f"customer {customer_id}: stored 40.00, derived 0.00, monthly totals 40.00" in (
        result.output
    )

    result = await recompute("--fix")
    assert result.exit_code == 0, result.output
    assert await stored_balance(session, customer_id) == 0
    returned = await session.scalar(
        text("SELECT returned FROM monthly_totals WHERE customer_id = :id AND month = :month"),
        {"id": customer_id, "month": date(2026, 3, 1)},
    )
    assert returned == 4000
    await ledger_consistent()
