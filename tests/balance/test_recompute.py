"""`custledger recompute-balances [--fix]`: reports stored balances that differ from the
entries, exits 1 when any does, and repairs them with --fix."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from typer.testing import CliRunner

from custledger.cli import app
from tests.payments.support import TODAY, make_customer, paid, stored_balance


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
